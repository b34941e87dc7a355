import datetime

import rules
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator
from rules.contrib.models import RulesModel

from applications import rules as perms
from applications.enums import MemberRole


class Company(RulesModel):
    """An applicant SME and the profile the program selects on."""

    name = models.CharField(_("legal name"), max_length=200)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    sector = models.ForeignKey(
        "programs.Sector",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companies",
        verbose_name=_("sector"),
    )
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[MinValueValidator(1800)]
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_revenue = MoneyField(
        _("annual revenue"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        default=None,
        default_currency=settings.PORTAL_CURRENCY,
        validators=[MinMoneyValidator(0)],
    )
    export_markets = CountryField(
        _("markets already served"),
        multiple=True,
        blank=True,
    )
    export_revenue_percent = models.PositiveSmallIntegerField(
        _("share of revenue from exports (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    offering = models.TextField(_("product or service"), blank=True)
    paying_customers = models.PositiveIntegerField(_("paying customers"), null=True, blank=True)
    proof = models.TextField(
        _("evidence that it is proven"),
        blank=True,
        help_text=_("Revenue, references, contracts: what shows that customers pay for it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        rules_permissions = {
            "view": perms.can_see_company,
            "add": rules.is_authenticated,
            "change": perms.can_edit_company,
            "delete": perms.can_act_as_owner,
            "manage_team": perms.can_manage_team,
            "act_as_owner": perms.can_act_as_owner,
        }

    def __str__(self):
        return self.name

    @property
    def years_operating(self):
        if self.year_founded is None:
            return None
        return max(timezone.localdate().year - self.year_founded, 0)

    @property
    def has_proven_product(self):
        if self.paying_customers is None:
            return None
        return self.paying_customers > 0 and bool(self.proof.strip())


class CompanyMember(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="company_member_unique")
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} - {self.company}"


def invitation_expiry():
    return timezone.now() + datetime.timedelta(days=7)


class CompanyInvitation(models.Model):
    """A single-use, expiring link that lets a colleague join a company's team."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.STAFF
    )
    # Only a hash is stored: the link in the email is the one copy of the token.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} -> {self.company}"

    @property
    def is_open(self):
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
