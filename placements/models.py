import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import MoneyField
from djmoney.money import Money
from rules.contrib.models import RulesModel

from placements import rules as perms
from placements.enums import (
    CLAIMABLE_AWARDS,
    AwardStatus,
    CancelReason,
    ChangeKind,
    ChangeStatus,
    ClaimStatus,
    DeskInvoiceNote,
    DeskInvoiceStatus,
    EntryKind,
    ExpenseCategory,
    IntroductionKind,
    MoneyNote,
    PlacementStatus,
    ServiceType,
    StayNote,
    TrancheCondition,
    TrancheName,
    TrancheStatus,
)
from portal.validators import validate_single_line


class Placement(RulesModel):
    """The stay of one firm at one host: one per accepted offer, created when the host's
    partner confirms a desk and dates (or the manager schedules them).

    An accepted offer with no placement yet is "waiting for the host" (queries.waiting_offers);
    no row stands for that. The status changes only through services.change_placement_status.
    """

    offer = models.OneToOneField(
        "applications.Offer", on_delete=models.PROTECT, related_name="placement"
    )
    # Copied from the offer, so lists filter and rules check without joining through it.
    company = models.ForeignKey(
        "applications.Company",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("company"),
    )
    intake = models.ForeignKey(
        "programs.Intake", on_delete=models.PROTECT, related_name="placements"
    )
    host = models.ForeignKey(
        "programs.HostIncubator",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("host incubator"),
    )
    desk = models.CharField(_("desk"), max_length=60, blank=True, validators=[validate_single_line])
    starts_on = models.DateField(_("planned start"))
    ends_on = models.DateField(_("planned end"))
    # The last day the placement holds a desk: the planned end, then the departure (a stay
    # cut short frees its desk from the next day); empty once cancelled. Written only with
    # the status or the dates, in the same transaction, so the capacity check reads a column.
    desk_until = models.DateField(null=True, editable=False)
    arrived_on = models.DateField(_("arrival"), null=True, blank=True)
    # The day the next check-in falls due while the firm is in residence: the intake's
    # cadence after the last check-in, or after the arrival; empty otherwise. Written with
    # the arrival, each check-in and the departure, so "check-in overdue" filters a column.
    check_in_due_on = models.DateField(_("next check-in due"), null=True, editable=False)
    departed_on = models.DateField(_("departure"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PlacementStatus.choices,
        default=PlacementStatus.SCHEDULED,
        editable=False,
    )
    cancel_reason = models.CharField(
        _("why it was cancelled"), max_length=20, choices=CancelReason.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="placement_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(departed_on__isnull=True)
                | Q(arrived_on__isnull=True)
                | Q(departed_on__gte=F("arrived_on")),
                name="placement_departs_after_arrival",
            ),
        ]
        indexes = [
            models.Index(fields=["host", "status", "starts_on"]),
            models.Index(fields=["intake", "status"]),
            models.Index(fields=["status", "check_in_due_on"], name="placement_check_in_due"),
        ]
        rules_permissions = {
            "answer": perms.can_answer_check_in,
            "view": perms.can_see_placement,
            "log": perms.can_log_on_placement,
            "record": perms.can_record_stay,
            "manage": perms.can_manage_placement,
        }

    def __str__(self):
        return f"{self.company} at {self.host}"


def stay_note(code, values):
    """A note of the portal's own in a stay's or a change request's history (a StayNote and
    its values) in the current language: the reader's, not the writer's."""
    sentences = {value: str(label) for value, label in StayNote.choices}
    if code == StayNote.ARRIVED_EARLY:
        code, values = StayNote.DATES_MOVED, {**values, "note": sentences[code]}
    if code == StayNote.DATES_MOVED:
        return sentences[code] % {
            "before": _days(values["before"]),
            "after": _days(values["after"]),
            "note": values.get("note", ""),
        }
    return sentences.get(code, code)


def _days(days):
    first, last = (datetime.date.fromisoformat(day) for day in days)
    return f"{date_format(first)} – {date_format(last)}"


class HistoryNote(models.Model):
    """The note of a history row: the portal's own kept as a code (``note_code``, a StayNote,
    with ``note_values``), written in the reader's language when read; what a person typed
    (``note``) as typed. Rows recorded before kept finished text in ``note``, in the language
    of whoever acted: they read as written."""

    note = models.TextField(blank=True)
    note_code = models.CharField(max_length=30, blank=True, choices=StayNote.choices)
    note_values = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def note_text(self):
        said = [stay_note(self.note_code, self.note_values)] if self.note_code else []
        return " ".join(said + ([self.note] if self.note else []))


class PlacementEvent(HistoryNote):
    """One change of a placement's status (or its creation, from no status): who, from, to,
    when and why."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    from_status = models.CharField(max_length=20, choices=PlacementStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PlacementStatus.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.placement}: {self.from_status or '-'} -> {self.to_status}"


class LogEntry(models.Model):
    """Something the host partner logged about a placement, on a date, with a note.

    One table for every kind; the fields of a kind (an introduction's organisation, a
    service's hours, a mentor's languages) are empty on the others. ``staff_only`` entries
    are for the program's staff and the host, never shown to the firm."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    staff_only = models.BooleanField(_("for program staff only"), default=False)
    # Introduction.
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, validators=[validate_single_line]
    )
    country = CountryField(_("country"), blank=True)
    introduction_kind = models.CharField(
        _("kind of contact"), max_length=20, choices=IntroductionKind.choices, blank=True
    )
    hoped_outcome = models.TextField(_("what the firm hopes from it"), blank=True)
    # Service.
    service = models.CharField(_("service"), max_length=30, choices=ServiceType.choices, blank=True)
    provided_by = models.CharField(
        _("by whom"), max_length=200, blank=True, validators=[validate_single_line]
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10000)],
    )
    # Mentor.
    mentor = models.CharField(
        _("mentor"), max_length=200, blank=True, validators=[validate_single_line]
    )
    expertise = models.CharField(
        _("expertise"), max_length=200, blank=True, validators=[validate_single_line]
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, validators=[validate_single_line]
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A check-in meant for the firm asks it how the stay goes: its members answer here.
    went_well = models.TextField(_("what went well"), blank=True)
    needs = models.TextField(_("what the firm needs"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["placement", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.INTRODUCTION)
                | (~Q(organisation="") & ~Q(introduction_kind="")),
                name="introduction_names_whom",
                violation_error_message=_("Name the organisation and the kind of contact."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.SERVICE) | ~Q(service=""),
                name="service_names_its_type",
                violation_error_message=_("Choose the service delivered."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.MENTOR) | ~Q(mentor=""),
                name="mentor_named",
                violation_error_message=_("Name the mentor."),
            ),
        ]

    def __str__(self):
        return f"{self.placement}: {self.get_kind_display()} ({self.on})"


class ChangeRequest(RulesModel):
    """The partner or the firm asks to move a stay's dates or to cut it short; the program's
    manager approves (through the placement's own services, every check made again) or
    refuses with a reason. Its status changes only through services.change_request_status."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField(_("change"), max_length=20, choices=ChangeKind.choices)
    # Moving the dates: the new start and end. Cutting short: the last day (ends_on).
    starts_on = models.DateField(_("new start"), null=True, blank=True)
    ends_on = models.DateField(_("new end"))
    reason = models.TextField(_("why"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ChangeStatus.choices,
        default=ChangeStatus.PENDING,
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decision_note = models.TextField(_("the manager's reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open question per placement: a second waits for the first's answer.
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(status=ChangeStatus.PENDING),
                name="one_pending_change_per_placement",
            ),
        ]
        indexes = [models.Index(fields=["status", "placement"])]
        rules_permissions = {
            "view": perms.can_see_change,
            "decide": perms.can_decide_change,
            "withdraw": perms.can_withdraw_change,
        }

    def __str__(self):
        return f"{self.placement}: {self.get_kind_display()} ({self.status})"


class ChangeRequestEvent(HistoryNote):
    """One step of a change request: asked (from no status), approved, refused, withdrawn, or
    closed unanswered when the stay ended."""

    request = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, choices=ChangeStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ChangeStatus.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request}: {self.from_status or '-'} -> {self.to_status}"


# --- Exchange rates (issue 17, item 4) -------------------------------------------------------


class ExchangeRate(models.Model):
    """One published (or hand-entered) rate: on ``on``, 1 ``base`` = ``rate`` ``quote``.

    Rates are kept as their source publishes them (the Bank of Canada quotes CAD per unit of
    each currency, the European Central Bank each currency per EUR), so an import stores rows
    as read and placements.rates converts directly, inversely or through the source's own
    currency. Several sources may give a rate for the same pair and day; each is kept.
    Rows are never edited: a correction is a new row from a new source name.
    """

    base = models.CharField(
        _("currency"),
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use the three-letter ISO code, e.g. BRL."))],
    )
    quote = models.CharField(
        _("in currency"),
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use the three-letter ISO code, e.g. CAD."))],
    )
    on = models.DateField(_("date"))
    rate = models.DecimalField(
        _("rate"),
        max_digits=24,
        decimal_places=10,
        help_text=_("What one unit of the currency is worth in the other currency."),
    )
    source = models.CharField(_("source"), max_length=200, validators=[validate_single_line])
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-on", "base", "quote", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "quote", "on", "source"], name="exchange_rate_one_per_source_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=~Q(base=F("quote")), name="exchange_rate_two_currencies"
            ),
        ]
        indexes = [
            models.Index(fields=["base", "quote", "-on"], name="exchange_rate_pair_day"),
            models.Index(fields=["quote", "-on"], name="exchange_rate_quote_day"),
            models.Index(fields=["source", "on"], name="exchange_rate_source_day"),
        ]

    def __str__(self):
        return f"1 {self.base} = {self.rate} {self.quote} ({self.on}, {self.source})"


# --- Host desk invoices (issue 17, item 5) ---------------------------------------------------


class DeskInvoice(RulesModel):
    """What the program owes a host for the desk-days its firms used: per host per month, or
    per placement, as the intake chooses (Intake.desk_invoicing). In the currency the host's
    desk cost is set in; the total is the sum of its lines, kept here by the one writer
    (placements.desk_invoices). The status changes only through change_desk_invoice_status.
    """

    intake = models.ForeignKey(
        "programs.Intake", on_delete=models.PROTECT, related_name="desk_invoices"
    )
    host = models.ForeignKey(
        "programs.HostIncubator",
        on_delete=models.PROTECT,
        related_name="desk_invoices",
        verbose_name=_("host incubator"),
    )
    # Set for an invoice per placement; empty for a monthly one.
    placement = models.ForeignKey(
        Placement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="desk_invoices",
        verbose_name=_("placement"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    # 0 for the period's invoice; 1, 2 ... for supplementary invoices of desk-days that
    # invoices already sent left out (an arrival logged after its month was invoiced).
    supplement = models.PositiveSmallIntegerField(_("supplement"), default=0, editable=False)
    days = models.PositiveIntegerField(_("desk-days"), default=0)
    total = MoneyField(_("total"), max_digits=14, decimal_places=2, default_currency="CAD")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeskInvoiceStatus.choices,
        default=DeskInvoiceStatus.DRAFT,
        editable=False,
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(
        _("payment reference"), max_length=100, blank=True, validators=[validate_single_line]
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("desk invoice")
        verbose_name_plural = _("desk invoices")
        ordering = ["-period_start", "host", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "host", "period_start", "supplement"],
                condition=Q(placement__isnull=True),
                name="desk_invoice_one_per_host_month",
            ),
            models.UniqueConstraint(
                fields=["placement", "supplement"],
                condition=Q(placement__isnull=False),
                name="desk_invoice_one_per_placement",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="desk_invoice_period"
            ),
            models.CheckConstraint(
                condition=~Q(status=DeskInvoiceStatus.PAID)
                | (Q(paid_on__isnull=False) & ~Q(payment_reference="")),
                name="desk_invoice_paid_has_date_and_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["intake", "-period_start"], name="desk_invoice_intake_period"),
            models.Index(fields=["host", "status"], name="desk_invoice_host_status"),
        ]
        rules_permissions = {
            "view": perms.can_see_desk_invoice,
            "send": perms.can_send_desk_invoice,
            "confirm": perms.can_confirm_desk_invoice,
            "pay": perms.can_pay_desk_invoice,
        }

    def __str__(self):
        return f"{self.host}: {self.period_start} – {self.period_end}"


class DeskInvoiceLine(models.Model):
    """One placement's desk-days on an invoice, at the host's day cost when it was drawn."""

    invoice = models.ForeignKey(DeskInvoice, on_delete=models.CASCADE, related_name="lines")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    days = models.PositiveIntegerField(_("desk-days"))
    day_cost = MoneyField(
        _("desk cost per day"), max_digits=14, decimal_places=2, default_currency="CAD"
    )
    amount = MoneyField(_("amount"), max_digits=14, decimal_places=2, default_currency="CAD")

    class Meta:
        ordering = ["first_day", "pk"]
        constraints = [
            # A placement's days not covered by invoices already sent may be two runs.
            models.UniqueConstraint(
                fields=["invoice", "placement", "first_day"],
                name="desk_invoice_line_one_per_placement",
            ),
        ]

    def __str__(self):
        return f"{self.placement}: {self.days} × {self.day_cost}"


def desk_invoice_note(code, values):
    """A note of the portal's own in a desk invoice's history (a DeskInvoiceNote and its
    values) in the current language: the reader's, with the reader's way of writing numbers,
    sums and days, not the writer's."""
    sentence = {value: str(label) for value, label in DeskInvoiceNote.choices}.get(code)
    if sentence is None:
        return code
    if code == DeskInvoiceNote.REDRAWN:
        return sentence % {
            "before_days": localize(values["before_days"]),
            "before_total": _money(values["before_total"]),
            "days": localize(values["days"]),
            "total": _money(values["total"]),
        }
    if code == DeskInvoiceNote.PAID:
        return sentence % {
            "date": date_format(datetime.date.fromisoformat(values["date"])),
            "reference": values["reference"],
        }
    return sentence


def _money(value):
    return str(Money(Decimal(value["amount"]), value["currency"]))


class DeskInvoiceEvent(models.Model):
    """One change of a desk invoice's status: who, from, to, when, and a note: the portal's
    own (the draft redrawn when sent, the payment's date and reference) kept as a code
    (``note_code``, a DeskInvoiceNote, with ``note_values``) and written in the reader's
    language when read. Rows recorded before kept finished text in ``note``, in the language
    of whoever acted: those the migration could not read as a code read as written."""

    invoice = models.ForeignKey(DeskInvoice, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    from_status = models.CharField(max_length=20, choices=DeskInvoiceStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DeskInvoiceStatus.choices)
    note = models.TextField(blank=True)
    note_code = models.CharField(max_length=30, blank=True, choices=DeskInvoiceNote.choices)
    note_values = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.invoice}: {self.from_status or '-'} -> {self.to_status}"

    @property
    def note_text(self):
        said = [desk_invoice_note(self.note_code, self.note_values)] if self.note_code else []
        return " ".join(said + ([self.note] if self.note else []))


# --- Stipends and expense claims (issue 17) ----------------------------------------------
# Every amount is a django-money Money (Decimal and currency); the award, its tranches and
# the approved amounts are in the program's currency (the intake's stipend cap's), a claim
# line's own amount in whatever currency was spent. Statuses change only through
# placements.stipends, which writes a MoneyEvent for each change.

MONEY = {"max_digits": 14, "decimal_places": 2, "default_currency": settings.PORTAL_CURRENCY}


def tranche_name(label, code, names=None):
    """A tranche's (or a schedule term's) name in the current language: the portal's own
    (``code``, a TrancheName) as the reader's language writes it, not the awarding manager's;
    one a manager typed (``label``) as typed. ``names``: the TrancheName labels of a page,
    read once (portal.rows.labels)."""
    if not code:
        return label
    return (names or {value: str(name) for value, name in TrancheName.choices}).get(code, label)


class StipendTerm(models.Model):
    """One tranche of an intake's stipend schedule: a share of each award, due on a
    condition (for example half when the arrival is logged, half when the end-of-stay report
    is verified). An intake with no terms uses stipends.DEFAULT_SCHEDULE."""

    intake = models.ForeignKey(
        "programs.Intake", on_delete=models.CASCADE, related_name="stipend_terms"
    )
    position = models.PositiveSmallIntegerField(default=1)
    # A name the portal gave (its default schedule's, kept by the manager) is a code of
    # TrancheName, written in the reader's language; a name the manager typed is ``label``.
    label = models.CharField(
        _("label"), max_length=100, blank=True, validators=[validate_single_line]
    )
    label_code = models.CharField(max_length=20, blank=True, choices=TrancheName.choices)
    share = models.DecimalField(
        _("share of the award (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    condition = models.CharField(_("due"), max_length=20, choices=TrancheCondition.choices)

    class Meta:
        ordering = ["intake", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=100), name="stipend_term_share_range"
            ),
            # A name: the portal's own (a code) or one typed.
            models.CheckConstraint(
                condition=~Q(label="") | ~Q(label_code=""), name="stipend_term_named"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.share} %)"

    @property
    def name(self):
        return tranche_name(self.label, self.label_code)


class StipendAward(RulesModel):
    """The stipend of one placement: at most the intake's cap, paid in tranches and claimed
    against by the firm's expense claims; what both pay or approve together never exceeds
    ``amount`` (placements.stipends: a claim approved is taken from the unpaid tranches)."""

    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="award")
    # Copied from the placement, so the ledger filters without joining through it.
    intake = models.ForeignKey("programs.Intake", on_delete=models.PROTECT, related_name="awards")
    company = models.ForeignKey(
        "applications.Company", on_delete=models.PROTECT, related_name="awards"
    )
    amount = MoneyField(_("amount"), **MONEY)
    # The sum of the approved amounts of the award's approved and paid claims, written with
    # them under this row's lock (stipends.approve_claim), so the ledger reads a column.
    approved_total = MoneyField(_("approved in claims"), default=0, editable=False, **MONEY)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AwardStatus.choices,
        default=AwardStatus.PROPOSED,
        editable=False,
    )
    reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stipend award")
        verbose_name_plural = _("stipend awards")
        ordering = ["pk"]
        indexes = [models.Index(fields=["intake", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="award_not_negative"),
            models.CheckConstraint(
                condition=Q(approved_total__lte=F("amount")), name="award_claims_within_amount"
            ),
        ]
        rules_permissions = {
            "view": perms.can_see_money,
            "manage": perms.can_manage_money,
            "claim": perms.can_claim,
        }

    def __str__(self):
        return f"{self.company}: {self.amount}"

    @property
    def open_for_claims(self):
        """Claims are started, submitted and approved on it: awarded or reduced, on a stay
        that was not cancelled (a cancelled stay's award keeps only what was paid or
        approved, and took new claims while a kept payment waited)."""
        return (
            self.status in CLAIMABLE_AWARDS and self.placement.status != PlacementStatus.CANCELLED
        )


class Tranche(RulesModel):
    """One instalment of an award, and the payment it becomes once its condition is met:
    due, approved by finance, then paid (date, reference) or failed (reason)."""

    award = models.ForeignKey(StipendAward, on_delete=models.CASCADE, related_name="tranches")
    position = models.PositiveSmallIntegerField(default=1)
    # Its schedule term's name: the portal's own as a code of TrancheName, written in the
    # reader's language (``name``); one a manager typed in ``label``, as typed.
    label = models.CharField(_("label"), max_length=100, blank=True)
    label_code = models.CharField(max_length=20, blank=True, choices=TrancheName.choices)
    amount = MoneyField(_("amount"), **MONEY)
    condition = models.CharField(_("due"), max_length=20, choices=TrancheCondition.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TrancheStatus.choices,
        default=TrancheStatus.WAITING,
        editable=False,
    )
    due_since = models.DateTimeField(_("due since"), null=True, blank=True, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, editable=False)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["award", "position", "pk"]
        indexes = [models.Index(fields=["status", "award"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="tranche_not_negative"),
            models.CheckConstraint(
                condition=~Q(status=TrancheStatus.PAID) | Q(paid_on__isnull=False),
                name="paid_tranche_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(label="") | ~Q(label_code=""), name="tranche_named"
            ),
        ]
        rules_permissions = {
            "view": perms.can_see_award_part,
            "manage": perms.can_manage_award_part,
        }

    def __str__(self):
        return f"{self.name}: {self.amount}"

    @property
    def name(self):
        return tranche_name(self.label, self.label_code)

    @property
    def payment_reference(self):
        return f"STIPEND-{self.award_id}-{self.position}"


class ExpenseClaim(RulesModel):
    """A claim of the firm's expenses against its award: lines with receipts, each converted
    into the program's currency at the rate of its date."""

    award = models.ForeignKey(StipendAward, on_delete=models.PROTECT, related_name="claims")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ClaimStatus.choices,
        default=ClaimStatus.DRAFT,
        editable=False,
    )
    # The lines' converted total, and the approved total once a manager approved it; both
    # written with the lines or the approval.
    total = MoneyField(_("total"), default=0, editable=False, **MONEY)
    approved_total = MoneyField(_("approved"), default=0, editable=False, **MONEY)
    reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, editable=False)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        ordering = ["pk"]
        indexes = [models.Index(fields=["award", "status"])]
        rules_permissions = {
            "view": perms.can_see_award_part,
            "manage": perms.can_manage_award_part,
            "edit": perms.can_edit_claim,
        }

    def __str__(self):
        return f"{self.award.company}: {self.total}"

    @property
    def payment_reference(self):
        return f"CLAIM-{self.pk}"


def receipt_path(line, filename):
    # The stored name is ours; the firm's file name is kept in receipt_name.
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
    return f"receipts/{line.claim_id}/{uuid.uuid4().hex}{extension.get(line.receipt_type, '')}"


class ClaimLine(models.Model):
    """One expense: its amount as spent, and converted at the rate in force on its date (the
    rate, its date and its source kept here, so a later rate changes nothing)."""

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="lines")
    on = models.DateField(_("date"))
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    description = models.CharField(
        _("description"), max_length=200, validators=[validate_single_line]
    )
    amount = MoneyField(_("amount"), **MONEY)
    converted = MoneyField(_("in the program's currency"), editable=False, **MONEY)
    rate = models.DecimalField(max_digits=24, decimal_places=10, editable=False)
    rate_date = models.DateField(editable=False)
    rate_source = models.CharField(max_length=200, editable=False)
    # A date outside the stay is allowed with a reason, and flagged to the manager.
    outside_stay = models.BooleanField(default=False, editable=False)
    outside_reason = models.TextField(_("why the date is outside the stay"), blank=True)
    receipt = models.FileField(_("receipt"), upload_to=receipt_path)
    receipt_name = models.CharField(max_length=255)
    receipt_type = models.CharField(max_length=100)
    # The manager's decision on the line: the amount approved (up to ``converted``).
    approved = MoneyField(_("approved"), null=True, blank=True, editable=False, **MONEY)
    note = models.TextField(_("manager's note"), blank=True)

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_line_positive"),
            models.CheckConstraint(
                condition=Q(approved__isnull=True) | Q(approved__lte=F("converted")),
                name="claim_line_approved_within_converted",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.amount}"


class MoneyEvent(models.Model):
    """The history of the money records: one row per change of an award, a tranche or a
    claim (who, when, status from and to, the note, and the fields' values before and after).
    Every row names its award; ``tranche`` or ``claim`` say which part changed."""

    award = models.ForeignKey(StipendAward, on_delete=models.CASCADE, related_name="events")
    tranche = models.ForeignKey(
        Tranche, on_delete=models.CASCADE, related_name="events", null=True, blank=True
    )
    claim = models.ForeignKey(
        ExpenseClaim, on_delete=models.CASCADE, related_name="events", null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    # What a person typed; a note of the portal's own is a code and its values instead,
    # written in the reader's language (placements.money_history).
    note = models.TextField(blank=True)
    note_code = models.CharField(max_length=30, blank=True, choices=MoneyNote.choices)
    note_values = models.JSONField(default=dict, blank=True)
    # {"field": [before, after]} as data: a sum as {"amount", "currency"}, a day or a moment
    # in ISO 8601, a claim's line as {"sign", "description", "amount"}. Rows recorded before
    # kept text in the writer's language, which reads as written.
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.award_id}: {self.from_status or '-'} -> {self.to_status}"
