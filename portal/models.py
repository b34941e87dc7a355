from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import EmailStatus
from portal.validators import validate_single_line


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the portal; the email address is the login."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(
        _("full name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can log into the Django admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    language = models.CharField(_("language"), max_length=10, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def has_perm(self, perm, obj=None):
        """Django lets an active superuser do anything. On an object the portal's rules decide
        for everyone (each app's rules.py says where a superuser administers; acting in a
        company's name is for its members only). Without an object (the admin's model-wide
        permissions) Django's own rule stands."""
        if obj is None:
            return super().has_perm(perm)
        for backend in auth.get_backends():
            if not hasattr(backend, "has_perm"):
                continue
            try:
                if backend.has_perm(self, perm, obj):
                    return True
            except PermissionDenied:
                return False
        return False

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class AuditEvent(models.Model):
    """What every lifecycle's audit row shares: who made the change (none for a task or the
    worker), a note, and when, in the order written. Each model adds the row it follows (a
    foreign key) and its status from and to, with its own choices, and may narrow the actor
    (required, or SET_NULL). An abstract base: it adds no table and, since its fields are
    the ones the models had, no migration."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class OutgoingEmail(models.Model):
    """An email the portal has committed to send: the outbox.

    Rows are written in the same transaction as the change that causes them, so a
    broker or worker outage delays the email but never loses it; ``key`` makes
    queueing the same email twice a no-op, and ``status`` makes sending it twice a
    no-op. A held email waits for a person to release its batch.
    """

    key = models.CharField(max_length=200, unique=True)
    # Emails a manager previews and releases together (decisions:<intake id>); held until then.
    batch = models.CharField(max_length=100, blank=True, db_index=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    from_email = models.CharField(max_length=254, blank=True)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # The programs.Intake the email is about, if any, so that its managers see it when it
    # fails. A plain number, not a foreign key: portal comes before programs (imports and
    # migrations flow one way).
    intake_ref = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "intake_ref"], name="outbox_status_intake"),
        ]

    def __str__(self):
        return f"{self.subject} -> {', '.join(self.to)}"


class EmailEvent(AuditEvent):
    """One change of an outbox email's status: who (none for the send task), from, to, when,
    and a note (the error, for a failure)."""

    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=EmailStatus.choices)
    to_status = models.CharField(max_length=10, choices=EmailStatus.choices)

    def __str__(self):
        return f"{self.email_id}: {self.from_status} -> {self.to_status}"


class ApiToken(models.Model):
    """A person's key to the REST API: shown once, stored only as a SHA-256 digest.

    The token's text is ``slp_<prefix>_<secret>``; the prefix finds the row, the digest of the
    whole text proves it. A token narrows its owner's rights, never widens them: each request
    is checked against the owner's roles as they are then (the same rules as the pages), and
    then against ``scope`` ({kind: "all" or a list of ids}, kinds registered by the apps in
    portal.api.scopes) and ``can_write``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_single_line])
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    can_write = models.BooleanField(_("read and write"), default=False)
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    use_count = models.PositiveIntegerField(_("uses"), default=0, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self):
        return f"{self.name} ({self.user})"


class SentForm(models.Model):
    """A form that adds a record (an opportunity, an expense line), by the token it was
    drawn with (portal.forms.SentOnce): kept in the transaction that adds the record, so a
    double click or the same page sent again adds nothing twice (portal.services.first_sending)."""

    token = models.CharField(max_length=32, primary_key=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.token
