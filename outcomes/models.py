"""Outcome reports after a stay, the firm's lasting opportunities and market entries, and
the program costs that the figures divide by.

Every amount keeps what the firm typed (a Money) and, beside it, the amount in the program's
currency with the rate and its date, fixed when saved: the figures sum a column in SQL and
a later rate never changes a past figure.
"""

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

from outcomes import rules as perms
from outcomes.enums import (
    USEFULNESS_SCALE,
    Attribution,
    DocumentKind,
    DocumentStage,
    DocumentStatus,
    EntryType,
    OpportunityKind,
    PublicationAction,
    ReportKind,
    ReportStatus,
    Source,
    Stage,
)
from portal.validators import validate_single_line

MONEY = {"max_digits": 16, "decimal_places": 2, "default_currency": settings.PORTAL_CURRENCY}
CONVERTED = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True, "editable": False}
RATE = {"max_digits": 24, "decimal_places": 10, "null": True, "blank": True, "editable": False}


class ReportTerms(models.Model):
    """An intake's outcome-reporting terms. An intake without a row uses the defaults."""

    intake = models.OneToOneField(
        "programs.Intake", on_delete=models.CASCADE, related_name="report_terms"
    )
    end_of_stay_days = models.PositiveSmallIntegerField(
        _("end-of-stay report due, days after departure"),
        default=14,
        validators=[MaxValueValidator(365)],
    )
    months_3 = models.PositiveSmallIntegerField(
        _("first follow-up, months after departure"), default=3, validators=[MinValueValidator(1)]
    )
    months_6 = models.PositiveSmallIntegerField(
        _("second follow-up, months after departure"), default=6, validators=[MinValueValidator(1)]
    )
    months_12 = models.PositiveSmallIntegerField(
        _("third follow-up, months after departure"), default=12, validators=[MinValueValidator(1)]
    )
    grace_days = models.PositiveSmallIntegerField(
        _("days after the due date before a report is overdue"),
        default=14,
        validators=[MaxValueValidator(180)],
    )
    # Reminders to the firm (outcomes.reminders): some days before the due date, on it, and
    # some days after it; the managers are told once a report is past the grace period.
    remind_before_days = models.PositiveSmallIntegerField(
        _("reminder to the firm, days before the due date"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    remind_on_due_date = models.BooleanField(
        _("reminder to the firm on the due date"), default=True
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("reminder to the firm, days after the due date"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    class Meta:
        verbose_name = _("outcome reporting terms")
        verbose_name_plural = _("outcome reporting terms")

    def __str__(self):
        return str(self.intake)


class Baseline(models.Model):
    """The firm's figures before the stay, copied from its application's profile when the
    reports are scheduled, so change is measured against what it said then."""

    placement = models.OneToOneField(
        "placements.Placement", on_delete=models.CASCADE, related_name="outcome_baseline"
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_revenue = MoneyField(_("annual revenue"), null=True, blank=True, **MONEY)
    taken_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.placement}: baseline"


class OutcomeReport(RulesModel):
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="outcome_reports"
    )
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReportStatus.choices,
        default=ReportStatus.DUE,
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    last_editor = models.CharField(max_length=32, blank=True, editable=False)
    # Firm figures at the report's date.
    revenue_from_market = MoneyField(
        _("revenue from the market"),
        null=True,
        blank=True,
        validators=[MinMoneyValidator(0)],
        **MONEY,
    )
    total_revenue = MoneyField(
        _("total revenue"), null=True, blank=True, validators=[MinMoneyValidator(0)], **MONEY
    )
    employees_home = models.PositiveIntegerField(_("employees at home"), null=True, blank=True)
    employees_abroad = models.PositiveIntegerField(_("employees abroad"), null=True, blank=True)
    investment = MoneyField(
        _("follow-on investment raised since the stay"),
        null=True,
        blank=True,
        validators=[MinMoneyValidator(0)],
        **MONEY,
    )
    investment_converted = models.DecimalField(**CONVERTED)
    investment_rate = models.DecimalField(**RATE)
    narrative = models.TextField(_("what happened, in a few lines"), blank=True)
    useful_host = models.PositiveSmallIntegerField(
        _("the host"), choices=USEFULNESS_SCALE, null=True, blank=True
    )
    useful_mentors = models.PositiveSmallIntegerField(
        _("the mentors"), choices=USEFULNESS_SCALE, null=True, blank=True
    )
    useful_services = models.PositiveSmallIntegerField(
        _("the services"), choices=USEFULNESS_SCALE, null=True, blank=True
    )
    useful_stipend = models.PositiveSmallIntegerField(
        _("the stipend"), choices=USEFULNESS_SCALE, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True, editable=False)
    # The day the managers were told the report is overdue past the grace period (the
    # manager's list filters on it); cleared when the due date moves or the report is handed in.
    overdue_flagged_on = models.DateField(
        _("flagged overdue on"), null=True, blank=True, editable=False
    )
    # Kept by outcomes.services.keep_latest_values in the transaction that verifies a report
    # or reopens one: is this its placement's latest verified report giving a headcount (the
    # one jobs read), its latest verified report giving an investment (the one follow-on
    # investment reads)? Two flags: a report that gives only one of them leaves the other
    # figure to an earlier report.
    latest_verified = models.BooleanField(default=False, editable=False)
    latest_verified_investment = models.BooleanField(default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("outcome report")
        verbose_name_plural = _("outcome reports")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind"], name="one_report_per_kind"),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["placement", "status"]),
            models.Index(
                fields=["placement"],
                condition=Q(latest_verified=True),
                name="outcome_report_latest_verified",
            ),
            models.Index(
                fields=["placement"],
                condition=Q(latest_verified_investment=True),
                name="outcome_report_latest_invest",
            ),
        ]
        rules_permissions = {
            "view": perms.can_see_report,
            "change": perms.can_edit_report,
            "verify": perms.can_verify_report,
        }

    def __str__(self):
        return f"{self.placement}: {self.get_kind_display()}"


class ReportEvent(models.Model):
    """One change of a report: its status (from, to), a moved due date (from, to) with its
    reason, or an edit after verification. Who, when, and a note."""

    report = models.ForeignKey(OutcomeReport, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReportStatus.choices, blank=True)
    due_from = models.DateField(null=True, blank=True)
    due_to = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report}: {self.from_status or '-'} -> {self.to_status or '-'}"

    @property
    def shown_note(self):
        """The note, or what the portal did, in the reader's language: scheduling writes no
        note (a note stored as text stays in the language of whoever scheduled it)."""
        if not self.note and not self.from_status and self.to_status == ReportStatus.DUE:
            return _("Scheduled")
        return self.note


class ReportQuestion(models.Model):
    """A manager's question on a submitted report, and the firm's answer in the report."""

    report = models.ForeignKey(OutcomeReport, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self):
        return self.question[:60]


class Opportunity(models.Model):
    """A deal or an investment a firm pursues after its stay: one lasting record, updated
    in each report that mentions it, so it counts once."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="opportunities"
    )
    # Copied from the placement, so a firm's open opportunities are one index range.
    company = models.ForeignKey(
        "applications.Company", on_delete=models.PROTECT, related_name="opportunities"
    )
    organisation = models.CharField(
        _("counterpart"), max_length=200, validators=[validate_single_line]
    )
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=OpportunityKind.choices)
    value = MoneyField(_("value"), validators=[MinMoneyValidator(0)], **MONEY)
    # The value in the program's currency at the rate in force on identified_on.
    value_converted = models.DecimalField(**CONVERTED)
    rate = models.DecimalField(**RATE)
    rate_date = models.DateField(null=True, blank=True, editable=False)
    rate_source = models.CharField(max_length=200, blank=True, editable=False)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    identified_on = models.DateField(_("identified on"))
    expected_on = models.DateField(_("expected to close"), null=True, blank=True)
    closed_on = models.DateField(_("won or lost on"), null=True, blank=True)
    attribution = models.CharField(
        _("what the stay had to do with it"), max_length=20, choices=Attribution.choices
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.TYPED, editable=False
    )
    introduction = models.OneToOneField(
        "placements.LogEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="opportunity",
    )
    # What its latest verified report says (blank and None until a verified report mentions
    # it): kept by outcomes.services.keep_latest_values in the transaction that verifies a
    # report or reopens one, so the verified figures read one row per opportunity, and an
    # edit in a report not yet verified (its stage, value, attribution or date) waits.
    verified_stage = models.CharField(
        max_length=20, choices=Stage.choices, blank=True, editable=False
    )
    verified_value_converted = models.DecimalField(**CONVERTED)
    verified_attribution = models.CharField(
        max_length=20, choices=Attribution.choices, blank=True, editable=False
    )
    verified_identified_on = models.DateField(null=True, blank=True, editable=False)
    value_unverified = models.BooleanField(_("value not verified"), default=False, editable=False)
    unverified_reason = models.TextField(_("why the value is not verified"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["identified_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("identified_on")),
                name="opportunity_closes_after_identified",
            ),
            models.CheckConstraint(
                condition=~Q(source="introduction") | Q(introduction__isnull=False),
                name="opportunity_from_introduction_keeps_it",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "stage"]),
            # The verified figures and their drill-down (in the order it pages): the
            # opportunities a verified report mentions.
            models.Index(
                fields=["placement", "id"],
                condition=~Q(verified_stage=""),
                name="opportunity_verified",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_kind_display()})"


class OpportunityUpdate(models.Model):
    """What one report said about one opportunity: its stage, value, attribution and date
    identified then. Verified figures read the latest update in a verified report, so a
    later edit waits for verification before it counts."""

    report = models.ForeignKey(OutcomeReport, on_delete=models.CASCADE, related_name="updates")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="updates")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    value = MoneyField(_("value"), **MONEY)
    value_converted = models.DecimalField(**CONVERTED)
    closed_on = models.DateField(null=True, blank=True)
    # Blank and None in rows written in bulk without them (the bench): the opportunity's own
    # values stand in (services.keep_verified_values).
    attribution = models.CharField(
        max_length=20, choices=Attribution.choices, blank=True, default=""
    )
    identified_on = models.DateField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "opportunity"], name="one_update_per_report"),
        ]

    def __str__(self):
        return f"{self.opportunity} in {self.report}"


class MarketEntry(models.Model):
    """A firm's first sale, first customer, or registration or office in a market."""

    report = models.ForeignKey(OutcomeReport, on_delete=models.CASCADE, related_name="entries")
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.PROTECT, related_name="market_entries"
    )
    country = CountryField(_("market"))
    kind = models.CharField(_("what"), max_length=20, choices=EntryType.choices)
    on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("market entry")
        verbose_name_plural = _("market entries")
        ordering = ["on", "pk"]
        # Not unique: an entry of a rejected report may be recorded again in a later report
        # of the stay. services.record_market_entry refuses a second one counted otherwise,
        # under the placement's lock.
        indexes = [
            models.Index(fields=["placement", "country", "kind"], name="market_entry_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} in {self.country} ({self.on})"


class ProgramCost(models.Model):
    """A cost of an intake that no payment record holds (events, staff time, travel ...),
    entered by a manager. Stipends and desk invoices come from their own records (see
    outcomes.figures.COST_SOURCES)."""

    intake = models.ForeignKey("programs.Intake", on_delete=models.CASCADE, related_name="+")
    description = models.CharField(
        _("description"), max_length=200, validators=[validate_single_line]
    )
    amount = MoneyField(_("amount"), validators=[MinMoneyValidator(0)], **MONEY)
    amount_converted = models.DecimalField(**CONVERTED)
    on = models.DateField(_("date"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("other program cost")
        verbose_name_plural = _("other program costs")
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.description}: {self.amount}"


# --- Figures kept per intake --------------------------------------------------------------

# The reports jobs and follow-on investment read: jobs the latest giving a headcount,
# follow-on investment the latest giving an investment, each on its own (a report may give
# one and not the other).
WITH_HEADCOUNT = Q(employees_home__isnull=False)
WITH_INVESTMENT = Q(investment_converted__isnull=False)
KEPT = {"max_digits": 18, "decimal_places": 2, "default": 0, "editable": False}


class IntakeFigures(models.Model):
    """An intake's verified figures, as ``outcomes.figures`` computes them for the whole
    intake: kept by ``outcomes.services.refresh_figures`` in the transaction of every
    change to what they count (every intake's by a task after an exchange rate's commit),
    so the figures page sums 40 rows instead of aggregating every record. ``present`` says
    the live computation found any record (an intake with none has no row in a
    breakdown)."""

    intake = models.OneToOneField(
        "programs.Intake", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    present = models.BooleanField(default=False, editable=False)
    companies = models.PositiveIntegerField(default=0, editable=False)
    markets = models.PositiveIntegerField(default=0, editable=False)
    opportunities = models.PositiveIntegerField(default=0, editable=False)
    value_identified = models.DecimalField(**KEPT)
    deals_won = models.PositiveIntegerField(default=0, editable=False)
    value_won = models.DecimalField(**KEPT)
    jobs = models.IntegerField(default=0, editable=False)
    investment = models.DecimalField(**KEPT)
    cost = models.DecimalField(**KEPT)
    # The payments the cost leaves out, no rate recorded for their day: {currency:
    # [payments, amount]} (figures.left_out_by), for the figures page to say so.
    cost_left_out = models.JSONField(default=dict, editable=False)
    refreshed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("intake figures")
        verbose_name_plural = _("intake figures")

    def __str__(self):
        return f"{self.intake_id}: figures"


class IntakeFigureCell(models.Model):
    """An intake's verified opportunities of one host market identified in one year: the
    charts' value by market and value over time, summed over the intakes in view."""

    intake = models.ForeignKey("programs.Intake", on_delete=models.CASCADE, related_name="+")
    market = models.CharField(max_length=2, blank=True, editable=False)
    year = models.IntegerField(null=True, editable=False)
    opportunities = models.PositiveIntegerField(default=0, editable=False)
    value_identified = models.DecimalField(**KEPT)
    deals_won = models.PositiveIntegerField(default=0, editable=False)
    value_won = models.DecimalField(**KEPT)

    class Meta:
        indexes = [models.Index(fields=["intake", "market", "year"], name="intake_figure_cell")]

    def __str__(self):
        return f"{self.intake_id} {self.market} {self.year}"


class IntakeMarket(models.Model):
    """A country where a placed firm of the intake recorded an entry in a verified report:
    markets entered across intakes is the number of distinct countries among these rows."""

    intake = models.ForeignKey("programs.Intake", on_delete=models.CASCADE, related_name="+")
    country = models.CharField(max_length=2, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["intake", "country"], name="one_intake_market")
        ]

    def __str__(self):
        return f"{self.intake_id} {self.country}"


class ProgramFigures(models.Model):
    """The figures of a whole program that do not add up across its intakes, because a
    firm placed twice is one firm: firms placed, markets entered, and the jobs and
    follow-on investment of each firm's latest verified report across its stays. Kept
    beside its intakes' figures, read when the figures describe every intake of one
    program."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    companies = models.PositiveIntegerField(default=0, editable=False)
    markets = models.PositiveIntegerField(default=0, editable=False)
    jobs = models.IntegerField(default=0, editable=False)
    investment = models.DecimalField(**KEPT)

    class Meta:
        verbose_name = _("program figures")
        verbose_name_plural = _("program figures")

    def __str__(self):
        return f"{self.program_id}: figures"


def document_path(document, filename):
    # One name per document and build: a retried build writes the same name again (the
    # service deletes what is there first), so a document never leaves two files behind.
    return f"documents/{document.pk}/{document.build}/{filename}"


class Document(RulesModel):
    """A file built by a worker for managers: the program report (a PDF, per program or per
    intake) or an auditor's dossier (a zip, per placement), in one language.

    One row per thing and language: asking again rebuilds it (``build`` goes up) and the new
    file replaces the old one. The status changes only through
    ``documents.change_document_status``; ``progress`` and ``stage`` are what the page polls.
    """

    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="+", verbose_name=_("program")
    )
    intake = models.ForeignKey(
        "programs.Intake", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.QUEUED,
        editable=False,
    )
    stage = models.CharField(
        max_length=20, choices=DocumentStage.choices, default=DocumentStage.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    build = models.PositiveIntegerField(default=1, editable=False)
    file = models.FileField(upload_to=document_path, blank=True, editable=False)
    # The newest verification the figures read when built (the report states it).
    data_as_of = models.DateTimeField(null=True, blank=True, editable=False)
    # A digest of the figures the report shows (documents.fingerprint): when the figures
    # computed now differ, the report is out of date.
    data_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "program", "language"],
                condition=Q(intake__isnull=True, placement__isnull=True),
                name="one_program_document_per_language",
            ),
            models.UniqueConstraint(
                fields=["kind", "intake", "language"],
                condition=Q(intake__isnull=False, placement__isnull=True),
                name="one_intake_document_per_language",
            ),
            models.UniqueConstraint(
                fields=["kind", "placement", "language"],
                condition=Q(placement__isnull=False),
                name="one_placement_document_per_language",
            ),
            models.CheckConstraint(
                condition=~Q(kind="dossier") | Q(placement__isnull=False),
                name="dossier_names_its_placement",
            ),
        ]
        rules_permissions = {"view": perms.can_see_document, "build": perms.can_see_document}

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self):
        return self.status in (DocumentStatus.READY, DocumentStatus.FAILED)

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


class DocumentEvent(models.Model):
    """One change of a document's status: who (none for the worker), from, to, when, note."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=DocumentStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=DocumentStatus.choices)
    build = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.document}: {self.from_status or '-'} -> {self.to_status}"


class Publication(models.Model):
    """An intake whose results a manager made public. The public page reads the verified
    figures of the intakes with a row here; unpublishing deletes the row, and every change
    is kept as a PublicationEvent."""

    intake = models.OneToOneField(
        "programs.Intake", on_delete=models.CASCADE, related_name="results_publication"
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("published results")
        verbose_name_plural = _("published results")

    def __str__(self):
        return str(self.intake)


class PublicationEvent(models.Model):
    intake = models.ForeignKey("programs.Intake", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=20, choices=PublicationAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.intake}: {self.action}"
