import datetime
import uuid

import rules
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator
from rules.contrib.models import RulesModel

from applications import rules as perms
from applications.enums import (
    ApplicationStatus,
    BudgetCategory,
    DocumentKind,
    HostFit,
    MemberRole,
    NotOffered,
    Objective,
    OfferStatus,
    Recommendation,
    RunStage,
    RunStatus,
    ScoreBasis,
    ScreeningOutcome,
)
from portal.indexes import NullsOrderedIndex, SearchIndex
from portal.models import AuditEvent
from portal.validators import validate_single_line
from programs import eligibility


class Company(RulesModel):
    """An applicant SME and the profile the program selects on."""

    name = models.CharField(_("legal name"), max_length=200, validators=[validate_single_line])
    country = CountryField(_("country"))
    city = models.CharField(
        _("city"), max_length=120, blank=True, validators=[validate_single_line]
    )
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
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    employees = models.PositiveIntegerField(
        _("employees"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
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
    paying_customers = models.PositiveIntegerField(
        _("paying customers"), null=True, blank=True, validators=[MaxValueValidator(1_000_000_000)]
    )
    proof = models.TextField(
        _("evidence that it is proven"),
        blank=True,
        help_text=_("Revenue, references, contracts: what shows that customers pay for it."),
    )
    # Each save of the profile makes a new version: a page opened before a colleague's save
    # saves nothing over it (services.update_company).
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        # Lists of applications sort by company name: with this index PostgreSQL walks the
        # names in order and stops at the page's end instead of sorting the whole intake.
        # A search by name (icontains) reads the matching companies from a trigram index
        # on PostgreSQL, whatever the number of companies.
        indexes = [
            models.Index(fields=["name", "id"], name="company_name_order"),
            SearchIndex("name", name="company_name_search"),
        ]
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
        # The same test as eligibility.eligible_q: customers who pay, and evidence given.
        return self.paying_customers > 0 and self.proof != ""


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


class Application(RulesModel):
    """A company's application to one intake, from draft to decision.

    ``status`` changes only through ``services.transition_application``; ``version`` goes up with
    every saved edit, so two people editing one draft cannot overwrite each other.
    """

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="applications", verbose_name=_("company")
    )
    intake = models.ForeignKey(
        "programs.Intake",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("intake"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # The open page that saved last (see services._lock_draft).
    last_editor = models.CharField(max_length=32, blank=True, editable=False)
    proposed_start = models.DateField(_("proposed start"), null=True, blank=True)
    proposed_end = models.DateField(_("proposed end"), null=True, blank=True)
    objectives = models.JSONField(_("objectives"), default=list, blank=True)
    objectives_detail = models.TextField(_("what you want to achieve"), blank=True)
    potential_market = models.TextField(_("potential market"), blank=True)
    proven_product = models.TextField(_("proven product"), blank=True)
    why_this_market = models.TextField(_("why this market"), blank=True)
    export_readiness = models.TextField(_("export readiness"), blank=True)
    travellers = models.TextField(_("who travels"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    # The budget lines' total in the program's currency (what the applicant asks the stipend
    # to cover), kept by services.set_budget with the lines; None until a budget is saved.
    budget_total = MoneyField(
        _("budget total"),
        max_digits=14,
        decimal_places=2,
        default_currency=settings.PORTAL_CURRENCY,
        null=True,
        blank=True,
        editable=False,
    )
    deadline_override = models.DateTimeField(
        _("extended deadline"), null=True, blank=True, editable=False
    )
    # The score the intake ranks by (scoring.score_field), copied from the score summary by
    # services.refresh_scores, so that the review dashboard's best-first order is an index
    # range on this table (the summary is a LEFT JOIN: its order cannot come from its index).
    rank_score = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "intake"],
                condition=~Q(status=ApplicationStatus.WITHDRAWN),  # LIVE_STATUSES
                name="one_live_application_per_intake",
            ),
            models.CheckConstraint(
                condition=Q(proposed_end__isnull=True)
                | Q(proposed_start__isnull=True)
                | Q(proposed_end__gt=models.F("proposed_start")),
                name="application_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["intake", "status"]),
            # The review dashboard as it opens: the intake's reviewed applications, best
            # score first (nulls last), the page read in index order.
            NullsOrderedIndex(
                F("intake"),
                F("rank_score").desc(nulls_last=True),
                F("id"),
                name="application_rank_order",
                condition=~Q(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN]),
            ),
        ]
        rules_permissions = {
            "view": perms.can_see_application,
            "read": perms.can_read_application,
            "change": perms.can_edit_application,
            "submit": perms.can_submit_application,
            "withdraw": perms.can_withdraw_application,
            "work_on": perms.can_work_on_application,
            "act_as_owner": perms.can_act_as_owner_of_application,
            "extend": perms.can_manage_application,
            "screen": perms.can_manage_application,
            "assign": perms.can_manage_application,
            "shortlist": perms.can_manage_application,
        }

    def __str__(self):
        return f"{self.company} - {self.intake}"

    @property
    def deadline(self):
        """When this application must be in: the intake's close, or an extension."""
        if self.deadline_override and self.deadline_override > self.intake.closes_at:
            return self.deadline_override
        return self.intake.closes_at

    @property
    def is_editable(self):
        return self.status == ApplicationStatus.DRAFT

    @property
    def objective_labels(self):
        """The objectives as people read them, in the active language (stored as codes)."""
        labels = dict(Objective.choices)
        return [str(labels.get(code, code)) for code in self.objectives]


class ApplicationEvent(AuditEvent):
    """One line of an application's history: a status change, an extension, a note (``note``
    is for the program's staff only)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ApplicationStatus.choices, blank=True)
    # What the applicant reads of an event that is not a status change (a status change
    # reads as applicant words of its own): a message staff wrote to them.
    applicant_note = models.TextField(blank=True)

    class Meta(AuditEvent.Meta):
        indexes = [models.Index(fields=["application", "at"])]

    def __str__(self):
        return f"{self.application}: {self.from_status} -> {self.to_status}"


class HostPreference(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="host_preferences"
    )
    host = models.ForeignKey("programs.HostIncubator", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])
    # Kept for the partners' host-fit queue, so that it is read from one index: whether the
    # application waits for host-fit opinions (shortlisted or waitlisted:
    # services.transition_application keeps it), and the host's opinion of it, "" until
    # given (services.give_host_fit).
    in_fit_queue = models.BooleanField(default=False, editable=False)
    opinion = models.CharField(max_length=10, choices=HostFit.choices, blank=True, editable=False)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="preference_rank_once"),
            models.UniqueConstraint(fields=["application", "host"], name="preference_host_once"),
        ]
        indexes = [
            # The queue: the pairs waiting for an opinion first, then by opinion, host and
            # rank; the page read in index order.
            models.Index(
                fields=["opinion", "host", "rank", "application"],
                condition=Q(in_fit_queue=True),
                name="host_fit_queue_order",
            ),
        ]

    def __str__(self):
        return f"{self.rank}. {self.host}"


class BudgetLine(models.Model):
    """A cost the stipend should cover, in any currency, converted at a recorded rate."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    description = models.CharField(
        _("description"), max_length=200, blank=True, validators=[validate_single_line]
    )
    amount = MoneyField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        default_currency=settings.PORTAL_CURRENCY,
        validators=[MinMoneyValidator(0)],
    )
    rate = models.DecimalField(_("exchange rate used"), max_digits=18, decimal_places=8)
    amount_converted = MoneyField(
        _("amount in the program's currency"),
        max_digits=14,
        decimal_places=2,
        default_currency=settings.PORTAL_CURRENCY,
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.get_category_display()}: {self.amount}"


def document_path(document, filename):
    # The stored name is ours; the applicant's file name is kept in original_name.
    return f"applications/{document.application_id}/{uuid.uuid4().hex}{document.extension}"


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at"]

    def __str__(self):
        return self.original_name

    @property
    def extension(self):
        return {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(
            self.content_type, ""
        )


class Screening(models.Model):
    """The eligibility screening of a submitted application, and any manager's override.

    ``results`` keeps each rule as the screening job read it (its threshold, met, what the
    company said) as plain data, so the reasons stay as they were even if the rules change
    later, and read in the language of whoever opens them.
    """

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="screening"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=ScreeningOutcome.choices)
    results = models.JSONField(default=list)
    screened_at = models.DateTimeField(_("screened"))
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    override_outcome = models.CharField(
        _("override"), max_length=12, choices=ScreeningOutcome.choices, blank=True
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self):
        return f"{self.application}: {self.get_outcome_display()}"

    @property
    def effective_outcome(self):
        return self.override_outcome or self.outcome

    @property
    def rule_results(self):
        """Each rule as a programs.eligibility.RuleResult, its words in the active language."""
        return [eligibility.RuleResult.from_data(result) for result in self.results]

    @property
    def reasons(self):
        """The rules not met (or not known), in plain words."""
        return [result for result in self.results if result["met"] is not True]


class Conflict(models.Model):
    """A reviewer's declared conflict of interest with a company: never assigned again."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_conflicts"
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="reviewer_conflicts"
    )
    intake = models.ForeignKey(
        "programs.Intake", on_delete=models.CASCADE, related_name="review_conflicts"
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(auto_now_add=True)
    # Who the assignment service proposes instead; a manager confirms or picks another.
    replacement = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed replacement"),
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "company"], name="one_conflict_per_reviewer_and_company"
            )
        ]

    def __str__(self):
        return f"{self.reviewer} / {self.company}"


class Review(RulesModel):
    """A reviewer's assignment to an application, and their review once given.

    Assigned when created; in when ``submitted_at`` is set. One per reviewer and
    application. ``score`` is the weighted mean of the criteria on 0-100 (scoring.py).
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    # The application's intake, copied when the reviewer is assigned (an application never
    # changes intake), so that an intake's reviews are one index range: reviewer progress
    # and the score refresh read them without a join to every application of the intake.
    intake = models.ForeignKey(
        "programs.Intake", on_delete=models.CASCADE, related_name="+", editable=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    comment = models.TextField(_("comment"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    # Not given while its application is in review (REVIEWABLE): kept by the services that
    # assign and save reviews and by services.transition_application, so that the reviewer's
    # list, to do first, is an index range of the reviewer's reviews.
    to_do = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_review_per_reviewer"
            )
        ]
        indexes = [
            models.Index(fields=["reviewer", "submitted_at"]),
            # Covers reviewer progress: assigned, done and mean given, from the index alone.
            models.Index(
                fields=["intake", "reviewer", "submitted_at", "score"], name="review_progress"
            ),
            # The reviewer's list: to do first, then those not given, then the oldest given.
            NullsOrderedIndex(
                F("reviewer"),
                F("to_do").desc(),
                F("submitted_at").asc(nulls_first=True),
                F("id"),
                name="review_list_order",
            ),
        ]
        rules_permissions = {"view": perms.can_see_review, "change": perms.can_score_review}

    def __str__(self):
        return f"{self.reviewer} on {self.application}"

    @property
    def is_in(self):
        return self.submitted_at is not None


class CriterionScore(models.Model):
    """One criterion of a review; ``value`` None means "not applicable", left out of means."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    # PROTECT: once scored, a rubric cannot change under the reviews (set_rubric says so).
    criterion = models.ForeignKey(
        "programs.RubricCriterion", on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion}: {'N/A' if self.value is None else self.value}"


class ApplicationScore(models.Model):
    """An application's combined scores, recomputed for the whole intake in one pass
    (scoring.refresh_scores) whenever a review or the intake's settings change; lists sort and
    filter on these columns instead of recomputing per row."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="score_summary"
    )
    intake = models.ForeignKey(
        "programs.Intake", on_delete=models.CASCADE, related_name="application_scores"
    )
    reviews_in = models.PositiveSmallIntegerField(default=0)
    raw_mean = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    raw_median = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    calibrated_mean = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    calibrated_median = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    spread = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["intake", "computed_at"]),
            # The review dashboard sorted by disagreement (most first, the rows without one
            # last): the page read in index order.
            NullsOrderedIndex(
                F("intake"),
                F("spread").desc(nulls_last=True),
                F("application"),
                name="score_spread_order",
            ),
        ]

    def __str__(self):
        return f"{self.application_id}: {self.raw_mean}"


class HostFitOpinion(models.Model):
    """A host partner's view of whether a shortlisted applicant fits its incubator."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="host_fit_opinions"
    )
    host = models.ForeignKey(
        "programs.HostIncubator", on_delete=models.CASCADE, related_name="fit_opinions"
    )
    opinion = models.CharField(_("opinion"), max_length=10, choices=HostFit.choices)
    note = models.TextField(_("note"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("host-fit opinion")
        verbose_name_plural = _("host-fit opinions")
        constraints = [
            models.UniqueConstraint(fields=["application", "host"], name="one_opinion_per_host")
        ]

    def __str__(self):
        return f"{self.host} on {self.application}: {self.get_opinion_display()}"


class SelectionRun(RulesModel):
    """One solve of an intake's selection problem, kept with its parameters and results.

    Queued by a manager, run by a Celery task (services.execute_run) that reports its progress
    here; the inputs it read (desks, budget) are stored with it, so two runs can be compared.
    """

    intake = models.ForeignKey(
        "programs.Intake", on_delete=models.CASCADE, related_name="selection_runs"
    )
    number = models.PositiveSmallIntegerField(_("run"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the worker's heartbeat
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    stage = models.CharField(max_length=10, choices=RunStage.choices, default=RunStage.QUEUED)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Parameters.
    min_score = models.DecimalField(
        _("minimum score"), max_digits=5, decimal_places=2, default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    rank_penalty = models.DecimalField(
        _("points off per step down the preference list"), max_digits=5, decimal_places=2,
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    market_caps = models.JSONField(default=dict, blank=True)  # market id (str) -> at most
    sector_caps = models.JSONField(default=dict, blank=True)  # sector code -> at most
    # What the run read.
    score_field = models.CharField(max_length=20, blank=True)
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    desks = models.JSONField(default=dict)  # host id (str) -> desks
    host_markets = models.JSONField(default=dict)  # host id (str) -> market id (str)
    # Results.
    objective = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    gap = models.FloatField(null=True)
    solve_seconds = models.FloatField(null=True)
    greedy_objective = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    greedy_seconds = models.FloatField(null=True)
    adjusted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("selection run")
        verbose_name_plural = _("selection runs")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "number"], name="selection_run_number"),
            # At most one run under way per intake (ACTIVE_RUN_STATUSES), and one confirmed.
            models.UniqueConstraint(
                fields=["intake"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_selection_run",
            ),
            models.UniqueConstraint(
                fields=["intake"],
                condition=Q(confirmed_at__isnull=False),
                name="one_confirmed_selection_run",
            ),
        ]
        rules_permissions = {"view": perms.can_manage_run, "change": perms.can_manage_run}

    def __str__(self):
        return f"{self.intake} #{self.number}"

    @property
    def is_finished(self):
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def cap_count(self):
        return len(self.market_caps) + len(self.sector_caps)

    @property
    def score_label(self):
        """The score the run used, as people read it (score_field holds its code)."""
        return dict(ScoreBasis.choices).get(self.score_field, "—")


class RunEvent(AuditEvent):
    """One change of a selection run's status: who (none for the worker), from, to, when, and
    a note (the error, for a failure)."""

    run = models.ForeignKey(SelectionRun, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=RunStatus.choices)
    to_status = models.CharField(max_length=10, choices=RunStatus.choices)

    def __str__(self):
        return f"{self.run}: {self.from_status} -> {self.to_status}"


class SlateEntry(models.Model):
    """One shortlisted application in a run: its host in the slate (none: not offered), or why
    not and its place on the waitlist. ``proposed_host`` is the solver's; ``host`` is the
    slate after the manager's adjustments. What the run read about the applicant is kept, so
    the slate can be checked again without the live data."""

    run = models.ForeignKey(SelectionRun, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="slate_entries"
    )
    position = models.PositiveIntegerField()  # 1 = best merit in the run
    merit = models.DecimalField(max_digits=6, decimal_places=2)
    stipend = models.DecimalField(max_digits=14, decimal_places=2)
    sector = models.CharField(max_length=30, blank=True)
    preferences = models.JSONField(default=list)  # host ids, best first
    not_a_fit = models.JSONField(default=list)  # host ids that said "not a fit"
    proposed_host = models.ForeignKey(
        "programs.HostIncubator", on_delete=models.PROTECT, null=True, related_name="+"
    )
    host = models.ForeignKey(
        "programs.HostIncubator", on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=NotOffered.choices, blank=True)
    waitlist_position = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "application"], name="one_entry_per_run")
        ]

    def __str__(self):
        return f"{self.run}: {self.application_id} -> {self.host_id}"


class Offer(RulesModel):
    """A place offered to an application: a host, dates and a stipend, to answer by a
    deadline. One per application; a seat freed by a decline or an expiry is offered again
    at most once (``replaces`` is unique)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="offer")
    intake = models.ForeignKey("programs.Intake", on_delete=models.CASCADE, related_name="offers")
    host = models.ForeignKey(
        "programs.HostIncubator", on_delete=models.PROTECT, related_name="offers",
        verbose_name=_("host incubator"),
    )  # fmt: skip
    run = models.ForeignKey(SelectionRun, on_delete=models.PROTECT, related_name="offers")
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="filled_by"
    )
    stipend = models.DecimalField(_("stipend"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("start"), null=True)
    ends_on = models.DateField(_("end"), null=True)
    # Set when the decision is released (the offer opens then): the intake's days from then.
    deadline = models.DateTimeField(_("answer by"), null=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    made_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decline_reason = models.TextField(_("reason (optional)"), blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["made_at", "pk"]
        indexes = [models.Index(fields=["status", "deadline"])]
        rules_permissions = {"view": perms.can_see_offer, "answer": perms.can_answer_offer}

    def __str__(self):
        return f"{self.application} at {self.host}"


class StatusCount(models.Model):
    """How many of an intake's applications have a status: kept by
    services.transition_application in the transaction of each change (and
    start_application for a new draft), read by the review dashboard on every request
    instead of counting the intake's applications.
    services.recount_statuses rebuilds an intake's counts from its applications."""

    intake = models.ForeignKey("programs.Intake", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["intake", "status"], name="one_count_per_status")
        ]

    def __str__(self):
        return f"{self.intake_id} {self.status}: {self.count}"


class WorkCount(models.Model):
    """What waits for an intake's managers, as the dashboard's work queue reads it on every
    request (queries.work_queue), kept in the transaction of each change
    (services.count_work): applications to screen by hand (follow_status_change), conflicts
    of interest not yet resolved (declare_conflict, assign_reviewer) and reviews still to give
    (the reviewers' to-do, recount_reviewers). Whether the reviews are overdue the queue
    decides from the intake's review deadline; finished runs, offers and held emails it counts
    itself (a run's transaction taking this row would hold it while its slate's keys are
    checked at commit, against a review saved on a slate's application: a deadlock).
    services.recount_work rebuilds an intake's row from its records."""

    intake = models.OneToOneField(
        "programs.Intake", on_delete=models.CASCADE, primary_key=True, related_name="work_count"
    )
    to_screen = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    open_reviews = models.PositiveIntegerField(default=0)

    KINDS = ("to_screen", "conflicts", "open_reviews")

    def __str__(self):
        return f"{self.intake_id}: " + ", ".join(f"{k} {getattr(self, k)}" for k in self.KINDS)


class FilterCount(models.Model):
    """How many of an intake's applications of a status match one of the list filters:
    the manager's list's (their company's sector, a host they ranked, or the market of a
    host they ranked, each application once per market) and the review dashboard's "needs
    attention" (reviewers disagree, no review in yet, a host says not a fit). Kept by
    services.follow_status_change, set_host_preferences, update_company, give_host_fit and
    refresh_scores in the transaction of each change, read by the lists when they are
    filtered by status and one of these; recount_filters rebuilds an intake's counts from
    its rows."""

    SECTOR, HOST, MARKET, ATTENTION = "sector", "host", "market", "attention"

    intake = models.ForeignKey("programs.Intake", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    facet = models.CharField(max_length=10)  # SECTOR, HOST, MARKET or ATTENTION
    # A sector code, a host's id, a country code, or one of ATTENTION_VALUES.
    value = models.CharField(max_length=30)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "facet", "value", "status"], name="one_count_per_filter"
            )
        ]

    def __str__(self):
        return f"{self.intake_id} {self.status} {self.facet}={self.value}: {self.count}"


class ReviewerTally(models.Model):
    """A reviewer's reviews in an intake: assigned, given, still to give, and the sum of the
    scores given, recounted by the services that assign, remove or save reviews and by the
    transitions that open or close an application to review (services.recount_reviewers) in
    the same transaction; the review dashboard and the reviewer's dashboard read it on every
    request."""

    intake = models.ForeignKey("programs.Intake", on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    assigned = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    scored = models.PositiveIntegerField(default=0)  # reviews with a score
    to_do = models.PositiveIntegerField(default=0)  # reviews flagged to_do (still to give)
    score_total = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["intake", "reviewer"], name="one_tally_per_reviewer")
        ]

    def __str__(self):
        return f"{self.reviewer_id} in {self.intake_id}: {self.done}/{self.assigned}"

    @property
    def mean_given(self):
        return self.score_total / self.scored if self.scored else None


class HostFitTally(models.Model):
    """A host's pairs in the partners' host-fit queue (``queued``) and those of them still
    waiting for an opinion (``waiting``): kept with HostPreference.in_fit_queue and opinion
    by services.transition_application and services.give_host_fit, read by the queue's pager and the
    partner's dashboard on every request (services.recount_fit_queue rebuilds them)."""

    host = models.OneToOneField(
        "programs.HostIncubator", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    queued = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.host_id}: {self.waiting} of {self.queued} waiting"
