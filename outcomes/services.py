"""Every write on outcomes: the report schedule, what a firm reports, verification, costs.

A report's status changes only through ``change_report_status`` (row locked by the caller,
REPORT_TRANSITIONS checked, a ReportEvent written). Reports are scheduled here, from a
placement that ended, by the beat task or the manager's button: never by a hook inside
``placements``.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from djmoney.money import Money
from kombu.exceptions import OperationalError

from outcomes import figures
from outcomes.enums import (
    CLOSED_STAGES,
    EDITABLE,
    FOLLOW_UPS,
    REPORT_TRANSITIONS,
    Attribution,
    Basis,
    Dimension,
    OpportunityKind,
    ReportKind,
    ReportStatus,
    Source,
    Stage,
)
from outcomes.models import (
    WITH_HEADCOUNT,
    WITH_INVESTMENT,
    Baseline,
    IntakeFigureCell,
    IntakeFigures,
    IntakeMarket,
    MarketEntry,
    Opportunity,
    OpportunityUpdate,
    OutcomeReport,
    ProgramCost,
    ProgramFigures,
    ReportEvent,
    ReportQuestion,
    ReportTerms,
)
from placements import stipends
from placements.enums import EntryKind, MoneyNote, PlacementStatus, TrancheCondition
from placements.models import Placement
from placements.rates import NoRate, convert
from portal.locks import lock_in_order
from portal.services import first_sending
from programs.models import Intake

logger = logging.getLogger(__name__)

S = ReportStatus
ENDED = [PlacementStatus.COMPLETED, PlacementStatus.CUT_SHORT]


class ReportConflict(ValidationError):
    """The report changed since this person loaded it; nothing was saved."""

    def __init__(self, current):
        super().__init__(_("Someone else saved this report after you opened it."))
        self.current = current


# --- The schedule --------------------------------------------------------------------------


def terms_of(intake):
    """The intake's reporting terms, or the defaults (14 days; 3, 6 and 12 months)."""
    return ReportTerms.objects.filter(intake=intake).first() or ReportTerms(intake=intake)


def due_dates(placement, terms):
    """{kind: due date}: the end-of-stay report some days after departure, the follow-ups
    some months after it (the last day of a shorter month when the day is missing)."""
    left = placement.departed_on or placement.ends_on
    dates = {ReportKind.END_OF_STAY: left + relativedelta(days=terms.end_of_stay_days)}
    for kind, field in FOLLOW_UPS:
        dates[kind] = left + relativedelta(months=getattr(terms, field))
    return dates


@transaction.atomic
def schedule_reports(placement, *, by=None):
    """The reports of a placement that ended (completed or cut short), and its baseline.
    Running it again creates nothing more; a cancelled or running placement gets none."""
    placement = (
        Placement.objects.select_for_update(of=("self",), no_key=True)
        .select_related("intake", "company")
        .get(pk=placement.pk)
    )
    if placement.status not in ENDED:
        raise ValidationError(_("Reports are scheduled only for a stay that has ended."))
    existing = set(placement.outcome_reports.values_list("kind", flat=True))
    created = []
    for kind, due_on in due_dates(placement, terms_of(placement.intake)).items():
        if kind in existing:
            continue
        report = OutcomeReport.objects.create(placement=placement, kind=kind, due_on=due_on)
        # No note: ReportEvent.shown_note says "Scheduled" in each reader's language.
        ReportEvent.objects.create(report=report, actor=by, to_status=S.DUE, due_to=due_on)
        created.append(report)
    company = placement.company
    Baseline.objects.get_or_create(
        placement=placement,
        defaults={"employees": company.employees, "annual_revenue": company.annual_revenue},
    )
    return created


@transaction.atomic
def move_due_date(report, *, by, to, reason):
    """A manager gives one firm's report another due date; the reason is kept. The
    reminders follow the new date (outcomes.reminders keys them by it) and an overdue flag
    is lifted until the new date's grace period is over."""
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    locked = _lock(report)
    if locked.status not in (S.DUE, S.CHANGES_REQUESTED):
        raise ValidationError(_("Only a report still to hand in has a due date to move."))
    if to == locked.due_on:
        raise ValidationError(_("That is already its due date."))
    ReportEvent.objects.create(
        report=locked, actor=by, due_from=locked.due_on, due_to=to, note=reason.strip()
    )
    locked.due_on = to
    locked.overdue_flagged_on = None
    locked.save(update_fields=["due_on", "overdue_flagged_on", "updated_at"])
    return locked


# --- Status --------------------------------------------------------------------------------


def _lock(report):
    """Its placement, then the report: every change of a report takes them in this order,
    before the deals it mentions (in order: keep_latest_values, save_opportunity). The
    placement first, because flagging the stay's latest report writes its other reports while
    holding the placement; two reports of one stay, or mentioning one deal, take turns."""
    lock_in_order(
        Placement.objects.filter(
            pk__in=OutcomeReport.objects.filter(pk=report.pk).values("placement")
        )
    )
    return (
        OutcomeReport.objects.select_for_update(of=("self",), no_key=True)
        .select_related("placement__company", "placement__intake", "placement__host__market")
        .get(pk=report.pk)
    )


def check_can_become(report, to):
    if to not in REPORT_TRANSITIONS[report.status]:
        raise ValidationError(
            _("A report that is %(current)s cannot become %(target)s.")
            % {"current": S(report.status).label.lower(), "target": S(to).label.lower()}
        )


def change_report_status(report, *, to, by, note="", fields=()):
    """The one way a report's status changes: ``report`` is a row the caller locked; checked
    against REPORT_TRANSITIONS, moved, saved with the caller's ``fields``, and recorded."""
    check_can_become(report, to)
    event = ReportEvent(report=report, actor=by, from_status=report.status, to_status=to, note=note)
    now = timezone.now()
    extra = []
    if to == S.SUBMITTED:
        report.submitted_at = now
        report.overdue_flagged_on = None
        extra += ["submitted_at", "overdue_flagged_on"]
    if to == S.VERIFIED or report.status == S.VERIFIED:
        report.verified_at = now if to == S.VERIFIED else None
        extra.append("verified_at")
    was_verified = report.status == S.VERIFIED
    report.status = to
    report.save(update_fields=["status", "updated_at", *extra, *fields])
    if to == S.VERIFIED or was_verified:
        keep_latest_values(report)
        # Stamped again now that keep_latest_values holds the program's kept figures (its
        # refresh locks them): the changes of a program's verified figures then commit in the
        # order of their stamps, so a program report that read the latest stamp read every
        # change before it (documents.verified_changed_at).
        event.at = timezone.now()
        if to == S.VERIFIED:
            report.verified_at = event.at
            report.save(update_fields=["verified_at"])
    event.save()
    return report


# --- Values kept for the figures -----------------------------------------------------------


def latest_verified_update():
    """An opportunity's updates in verified reports, the latest first (by the report's due
    date, then when it was written): the first says what the verified figures count."""
    return OpportunityUpdate.objects.filter(
        opportunity=OuterRef("pk"), report__status=S.VERIFIED
    ).order_by("-report__due_on", "-at", "-pk")


def keep_verified_values(opportunities):
    """Write on each of ``opportunities`` (a queryset) the stage, converted value,
    attribution and date identified of its latest verified update (blank and None when no
    verified report mentions it), so that an edit in a report not yet verified changes no
    verified figure."""
    latest = latest_verified_update().annotate(
        # An update written in bulk without them (the bench) stands for the opportunity's own.
        said_attribution=Coalesce(NullIf("attribution", Value("")), OuterRef("attribution")),
        said_identified_on=Coalesce("identified_on", OuterRef("identified_on")),
    )
    return opportunities.update(
        verified_stage=Coalesce(Subquery(latest.values("stage")[:1]), Value("")),
        verified_value_converted=Subquery(latest.values("value_converted")[:1]),
        verified_attribution=Coalesce(Subquery(latest.values("said_attribution")[:1]), Value("")),
        verified_identified_on=Subquery(latest.values("said_identified_on")[:1]),
    )


# Per stay, the flag on its latest verified report giving each figure.
LATEST_FLAGS = {"latest_verified": WITH_HEADCOUNT, "latest_verified_investment": WITH_INVESTMENT}


def keep_latest_report(placement_id):
    """Flag the placement's latest verified report giving a headcount (jobs read it), and
    its latest giving an investment (follow-on investment reads it), and only those."""
    reports = OutcomeReport.objects.filter(placement_id=placement_id)
    for flag, gives in LATEST_FLAGS.items():
        latest = (
            reports.filter(gives, status=S.VERIFIED)
            .order_by("-due_on", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        reports.filter(**{flag: True}).exclude(pk=latest).update(**{flag: False})
        if latest is not None:
            reports.filter(pk=latest, **{flag: False}).update(**{flag: True})


@transaction.atomic
def refill_latest_values():
    """Every kept value at once, from the records (for rows written in bulk, as the bench
    does): a few UPDATE statements, then every intake's kept figures (in one transaction:
    refresh_figures locks the programs' rows)."""
    keep_verified_values(Opportunity.objects.all())
    for flag, gives in LATEST_FLAGS.items():
        later = OutcomeReport.objects.filter(
            gives, placement=OuterRef("placement"), status=S.VERIFIED
        ).filter(
            Q(due_on__gt=OuterRef("due_on")) | Q(due_on=OuterRef("due_on"), pk__gt=OuterRef("pk"))
        )
        OutcomeReport.objects.exclude(**{flag: False}).update(**{flag: False})
        OutcomeReport.objects.filter(gives, status=S.VERIFIED).filter(~Exists(later)).update(
            **{flag: True}
        )
    refresh_figures()


def keep_latest_values(report):
    """After ``report`` became verified or stopped being so (same transaction): the kept
    verified stage and value of the opportunities it mentions, its placement's latest
    verified report, and the kept figures of the intakes they count in."""
    # What _lock takes: two reports of a stay take turns.
    lock_in_order(Placement.objects.filter(pk=report.placement_id))
    mentioned = Opportunity.objects.filter(
        pk__in=OpportunityUpdate.objects.filter(report=report).values("opportunity")
    )
    # Locked first, in order: the UPDATE below then reads the reports another verification
    # of the same deal committed while this one waited (an UPDATE that waits for a row
    # computes its subquery from the snapshot it started with).
    lock_in_order(mentioned)
    keep_verified_values(mentioned)
    keep_latest_report(report.placement_id)
    # An opportunity counts in the intake of the stay it was first reported from, which a
    # later stay's report may update.
    intakes = set(mentioned.values_list("placement__intake", flat=True))
    refresh_figures({report.placement.intake_id, *intakes})


# --- Figures kept per intake ---------------------------------------------------------------


def intakes_changed(intakes):
    """The outcomes watcher (placements.watchers): placed firms or payments changed in the
    intakes ``intakes`` (pks), or in every intake when None (an exchange rate entered). A
    few intakes are refreshed at once, in the change's transaction (a few grouped queries
    over their records); every intake after the change commits, by a task (a pass over
    every record: the page that entered the rate answers without waiting for it)."""
    if intakes is None:
        refresh_every_intake_later()
    else:
        refresh_figures(intakes)


def host_moved(host):
    """The outcomes handler of programs.services.when_host_moved (in the changing
    transaction): the kept cells group opportunities by their host's market, so the intakes
    with a stay at the host are refreshed."""
    intakes = Placement.objects.filter(host=host).values_list("intake", flat=True)
    refresh_figures(set(intakes.order_by()))


def refresh_every_intake_later():
    """Queue the refresh of every intake's kept figures for when the current transaction
    commits. With no broker the task runs inline then; if the broker cannot take it, the
    refresh runs here, after the commit (slower, never lost)."""
    from outcomes.tasks import refresh_every_intake as task

    def send():
        try:
            task.delay()
        except (OSError, OperationalError) as exc:
            logger.warning(
                "%s: the broker cannot take it (%s: %s); refreshing here.",
                task.name, type(exc).__name__, exc,
            )  # fmt: skip
            refresh_every_intake()

    transaction.on_commit(send)


@transaction.atomic
def refresh_every_intake():
    """Recompute every intake's kept figures (and every program's), in one transaction."""
    refresh_figures()


def _per_program(reports, **total):
    """``total`` (one aggregate) over ``reports`` of one program, as a subquery."""
    found = reports.values("placement__intake__program").annotate(**total).order_by()
    return Subquery(found.values(*total)[:1])


def refresh_figures(intakes=None):
    """The kept figures of ``intakes`` (intakes or their pks; every intake when None), each
    computed by the live functions of ``outcomes.figures`` for the whole intake, so the kept
    and the live definitions cannot diverge; then their programs' distinct counts.

    Each program's ProgramFigures row is locked first: two transactions changing one
    program refresh one after the other, and the second's queries (read committed, a new
    snapshot per statement) see what the first committed."""
    if intakes is None:
        pks = list(Intake.objects.order_by("pk").values_list("pk", flat=True))
    else:
        pks = sorted({getattr(intake, "pk", intake) for intake in intakes})
    programs = sorted(set(Intake.objects.filter(pk__in=pks).values_list("program", flat=True)))
    for program in programs:
        ProgramFigures.objects.get_or_create(program_id=program)
    lock_in_order(ProgramFigures.objects.filter(program__in=programs))
    if pks:
        _refresh_intakes(pks)
    for program in programs:
        whole = figures.Scope(Intake.objects.filter(program=program))
        # Jobs and follow-on investment once per firm across the program's intakes (a firm
        # placed in two is in both intakes' rows), computed in the UPDATE itself.
        ProgramFigures.objects.filter(program=program).update(
            jobs=Coalesce(_per_program(figures.job_reports(whole), jobs=figures.JOBS), 0),
            investment=Coalesce(
                _per_program(figures.investment_reports(whole), value=figures.INVESTMENT),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=18, decimal_places=2),
            ),
            companies=figures.placed(whole).values("company").distinct().count(),
            markets=IntakeMarket.objects.filter(intake__program=program)
            .values("country")
            .distinct()
            .count(),
        )


def _refresh_intakes(pks):
    """The kept rows of the intakes ``pks``, from the computed breakdown per intake: the
    same few grouped queries for one intake or all of them (each reads its tables once)."""
    scope = figures.Scope(Intake.objects.filter(pk__in=pks))
    # An intake with nothing counted is no row of the breakdown per intake.
    found = {row.group: row.figures for row in figures.live_breakdown(
        scope, Dimension.INTAKE, Basis.VERIFIED
    )}  # fmt: skip
    left_out = figures.left_out_by(scope, Dimension.INTAKE)
    now = timezone.now()
    kept = ["present", "companies", "markets", *figures.ADDITIVE, "cost_left_out", "refreshed_at"]
    rows = []
    for pk in pks:
        counted = found.get(pk, figures.Figures())
        rows.append(
            IntakeFigures(
                intake_id=pk,
                present=pk in found,
                companies=counted.companies,
                markets=counted.markets,
                **{name: getattr(counted, name) for name in figures.ADDITIVE},
                cost_left_out=left_out.get(pk, {}),
                refreshed_at=now,
            )
        )
    # One INSERT ... ON CONFLICT DO UPDATE for the intakes (Django splits it in batches under
    # the database's parameter limit), not a SELECT and a write per intake.
    IntakeFigures.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["intake"], update_fields=kept
    )
    IntakeFigureCell.objects.filter(intake__in=pks).delete()
    IntakeFigureCell.objects.bulk_create(
        IntakeFigureCell(
            intake_id=cell["intake"],
            market=cell["market"] or "",
            year=cell["year"],
            opportunities=cell["n"],
            value_identified=cell["value"] or 0,
            deals_won=cell["won"],
            value_won=cell["value_won"] or 0,
        )
        for cell in figures.opportunity_cells(scope, Basis.VERIFIED, per_intake=True)
    )
    IntakeMarket.objects.filter(intake__in=pks).delete()
    IntakeMarket.objects.bulk_create(
        IntakeMarket(intake_id=intake, country=country)
        for intake, country in figures.market_entries(scope, Basis.VERIFIED)
        .values_list("placement__intake", "country")
        .distinct()
        .order_by()
    )


# --- What the firm reports -----------------------------------------------------------------

REPORT_FIELDS = [
    "revenue_from_market",
    "total_revenue",
    "employees_home",
    "employees_abroad",
    "investment",
    "narrative",
    "useful_host",
    "useful_mentors",
    "useful_services",
    "useful_stipend",
]


def _lock_for_edit(report, *, version=None, editor=""):
    locked = _lock(report)
    if locked.status not in EDITABLE:
        raise ValidationError(_("This report can no longer be changed."))
    stale = version is not None and locked.version != version
    if stale and not (editor and locked.last_editor == editor):
        raise ReportConflict(locked)
    return locked


def _touch(locked, *, by, fields=(), editor="", what=""):
    """Save a change the firm made: a new version, and verification reopened if the report
    was verified (the history then shows the verification and the edit after it)."""
    locked.version += 1
    locked.updated_by = by
    locked.last_editor = editor
    locked.save(update_fields=[*fields, "version", "updated_by", "last_editor", "updated_at"])
    if locked.status == S.VERIFIED:
        change_report_status(
            locked,
            to=S.SUBMITTED,
            by=by,
            note=_("Edited after verification: %(what)s") % {"what": what or _("the report")},
        )
    return locked


# The converted columns hold 16 digits, 2 of them cents.
LARGEST = Decimal(10) ** 14


@dataclass(frozen=True)
class Converted:
    amount: Decimal
    rate: Decimal
    rate_date: object
    source: str


def to_program_currency(money, on, *, field):
    """``money`` in the program's currency at the rate in force on ``on``, or a
    ValidationError on ``field`` naming the currency and the day with no rate."""
    if money.amount < 0:
        raise ValidationError({field: _("Enter an amount of zero or more.")})
    try:
        conversion = convert(money, settings.PORTAL_CURRENCY, on)
    except NoRate as error:
        raise ValidationError({field: error.messages}) from error
    if conversion.amount.amount >= LARGEST:
        # Converted, it would not fit its column (a server error): no deal of a firm is this.
        raise ValidationError({field: _("Enter a smaller amount.")})
    return Converted(
        conversion.amount.amount, conversion.rate, conversion.rate_date, conversion.source
    )


def report_date(report):
    """The day a report's figures are at: its due date, or today if that is still to come."""
    return min(report.due_on, timezone.localdate())


@transaction.atomic
def save_report(report, *, by, version, editor="", answer=None, **fields):
    """Save part of a report if nobody saved it since ``version``; ``answer`` answers the
    manager's open question. Values equal to the report's change nothing: a Save of the
    page as it was leaves the report (and a verified one verified) as it is."""
    locked = _lock_for_edit(report, version=version, editor=editor)
    for name, value in fields.items():
        if name not in REPORT_FIELDS:
            raise ValueError(name)
        if isinstance(value, int | Decimal) and not isinstance(value, bool) and value < 0:
            raise ValidationError({name: _("Enter zero or more.")})
    fields = {name: value for name, value in fields.items() if getattr(locked, name) != value}
    for name, value in fields.items():
        setattr(locked, name, value)
    changed = list(fields)
    if "investment" in fields:
        if locked.investment is None:
            locked.investment_converted = locked.investment_rate = None
        else:
            converted = to_program_currency(
                locked.investment, report_date(locked), field="investment"
            )
            locked.investment_converted, locked.investment_rate = converted.amount, converted.rate
        changed += ["investment_currency", "investment_converted", "investment_rate"]
    for name in ("revenue_from_market", "total_revenue"):
        if name in fields:
            changed.append(f"{name}_currency")
            if fields[name] is not None and fields[name].amount < 0:
                raise ValidationError({name: _("Enter an amount of zero or more.")})
    answered = False
    if answer is not None:
        question = locked.questions.filter(answered_at__isnull=True).last()
        if question is None:
            question = locked.questions.order_by("-asked_at", "-pk").first()
        if question is not None and answer.strip() != question.answer:
            question.answer = answer.strip()
            question.answered_at = timezone.now() if question.answer else None
            question.save(update_fields=["answer", "answered_at"])
            answered = True
    if not changed and not answered:
        return locked
    return _touch(locked, by=by, fields=changed, editor=editor)


INTRODUCTION_KINDS = {
    "customer": OpportunityKind.SALES_CONTRACT,
    "distributor": OpportunityKind.DISTRIBUTION,
    "investor": OpportunityKind.INVESTMENT,
}
OPPORTUNITY_FIELDS = [
    "organisation",
    "country",
    "kind",
    "value",
    "stage",
    "identified_on",
    "expected_on",
    "closed_on",
    "attribution",
]


def check_opportunity(data):
    """Refuse, next to the field, what cannot be: a future identification, a deal won or
    lost before it was identified or with no date, a negative value."""
    identified, closed = data.get("identified_on"), data.get("closed_on")
    errors = {}
    if identified and identified > timezone.localdate():
        errors["identified_on"] = _("This date has not come yet.")
    if data.get("stage") in CLOSED_STAGES and not closed:
        errors["closed_on"] = _("Give the day the deal was won or lost.")
    if closed and data.get("stage") not in CLOSED_STAGES:
        errors["closed_on"] = _("Only a deal won or lost has this date.")
    if closed and identified and closed < identified:
        errors["closed_on"] = _(
            "A deal cannot be won or lost before it was identified (%(day)s)."
        ) % {"day": date_format(identified)}
    if data.get("value") is None:
        errors["value"] = _("Enter the value, zero if it is not known yet.")
    elif data["value"].amount < 0:
        errors["value"] = _("Enter an amount of zero or more.")
    if errors:
        raise ValidationError(errors)


def _record_update(locked, opportunity):
    OpportunityUpdate.objects.update_or_create(
        report=locked,
        opportunity=opportunity,
        defaults={
            "stage": opportunity.stage,
            "value": opportunity.value,
            # Named apart: an update saves only the fields named here, and the amount's
            # currency is a column of its own (the report kept the first currency it said).
            "value_currency": opportunity.value.currency,
            "value_converted": opportunity.value_converted,
            "closed_on": opportunity.closed_on,
            "attribution": opportunity.attribution,
            "identified_on": opportunity.identified_on,
            "at": timezone.now(),
        },
    )


def _says_it(report, opportunity):
    """Does ``report`` already record the opportunity as it is now?"""
    said = OpportunityUpdate.objects.filter(report=report, opportunity=opportunity).first()
    return said is not None and all(
        getattr(said, name) == getattr(opportunity, name)
        for name in ("stage", "value", "closed_on", "attribution", "identified_on")
    )


def _convert_value(opportunity):
    converted = to_program_currency(opportunity.value, opportunity.identified_on, field="value")
    opportunity.value_converted = converted.amount
    opportunity.rate = converted.rate
    opportunity.rate_date = converted.rate_date
    opportunity.rate_source = converted.source


@transaction.atomic
def save_opportunity(report, *, by, opportunity=None, once="", **data):
    """Add an opportunity to the firm's records from a report, or update one of the firm's
    (its stage, value, dates ...); the report records what it said about it. A form sent
    again (``once``, its token) adds nothing more: None. An update that changes nothing the
    report does not already say leaves the report as it is."""
    locked = _lock_for_edit(report)
    unknown = set(data) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise ValueError(unknown)
    if opportunity is None and not first_sending(once):
        return None
    if opportunity is None:
        opportunity = Opportunity(placement=locked.placement, company=locked.placement.company)
    else:
        # With the deals the report mentions, in order, as keep_latest_values takes them.
        mentioned = OpportunityUpdate.objects.filter(report=locked).values("opportunity")
        lock_in_order(Opportunity.objects.filter(Q(pk=opportunity.pk) | Q(pk__in=mentioned)))
        opportunity = Opportunity.objects.get(pk=opportunity.pk)
        if opportunity.company_id != locked.placement.company_id:
            raise ValidationError(_("This opportunity is another firm's."))
        unchanged = all(getattr(opportunity, name) == value for name, value in data.items())
        if unchanged and _says_it(locked, opportunity):
            # An update form sent as it was drawn: like a Save of the report unchanged, it
            # leaves the report (and a verified one verified) as it is.
            return opportunity
    # The verified figures read what verified reports said (the update below, in this
    # report, counts once it is verified; _touch reopens a verified one, which refreshes
    # them): an edit here changes no verified figure by itself.
    for name, value in data.items():
        setattr(opportunity, name, value)
    check_opportunity({name: getattr(opportunity, name) for name in OPPORTUNITY_FIELDS})
    _convert_value(opportunity)
    opportunity.full_clean(exclude=["placement", "company", "introduction"])
    opportunity.save()
    _record_update(locked, opportunity)
    _touch(locked, by=by, editor="", what=opportunity.organisation)
    return opportunity


@transaction.atomic
def confirm_introduction(report, entry, *, by):
    """The firm confirms an introduction its host logged as an opportunity, in one click:
    the opportunity starts identified on the day of the introduction, keeps the entry it
    came from, and the firm fills in its value and stage afterwards."""
    locked = _lock_for_edit(report)
    if (
        entry.kind != EntryKind.INTRODUCTION
        or entry.staff_only
        or entry.placement.company_id != locked.placement.company_id
    ):
        raise ValidationError(_("This is not an introduction of your firm's stay."))
    if Opportunity.objects.filter(introduction=entry).exists():
        raise ValidationError(_("This introduction is already one of your opportunities."))
    opportunity = Opportunity(
        placement=entry.placement,
        company=locked.placement.company,
        organisation=entry.organisation,
        country=entry.country or entry.placement.host.market.country,
        kind=INTRODUCTION_KINDS.get(entry.introduction_kind, OpportunityKind.OTHER),
        value=Money(0, settings.PORTAL_CURRENCY),
        stage=Stage.IDENTIFIED,
        identified_on=entry.on,
        attribution=Attribution.DECISIVE,
        source=Source.INTRODUCTION,
        introduction=entry,
    )
    _convert_value(opportunity)
    try:
        with transaction.atomic():
            opportunity.save()
    except IntegrityError as error:
        raise ValidationError(
            _("This introduction is already one of your opportunities.")
        ) from error
    _record_update(locked, opportunity)
    _touch(locked, by=by, what=opportunity.organisation)
    return opportunity


@transaction.atomic
def record_market_entry(report, *, by, country, kind, on):
    """A first sale, first customer, or registration or office in a market, with its date."""
    locked = _lock_for_edit(report)
    if on > timezone.localdate():
        raise ValidationError({"on": _("This date has not come yet.")})
    # An entry of a rejected report counts nowhere: the firm may record it again. The
    # placement's lock (_lock) makes two recordings of one stay take turns.
    recorded = MarketEntry.objects.filter(placement=locked.placement, country=country, kind=kind)
    if recorded.exclude(report__status=S.REJECTED).exists():
        raise ValidationError(_("This market entry is already recorded."))
    entry = MarketEntry.objects.create(
        report=locked, placement=locked.placement, country=country, kind=kind, on=on
    )
    _touch(locked, by=by, what=str(entry))
    return entry


@transaction.atomic
def submit_report(report, *, by):
    locked = _lock(report)
    check_can_become(locked, S.SUBMITTED)
    missing = []
    if not locked.narrative.strip():
        missing.append(str(OutcomeReport._meta.get_field("narrative").verbose_name))
    if locked.questions.filter(answered_at__isnull=True).exists():
        missing.append(_("the answer to the program's question"))
    if missing:
        raise ValidationError(_("Fill in: %(fields)s.") % {"fields": ", ".join(missing)})
    return change_report_status(locked, to=S.SUBMITTED, by=by)


# --- Verification --------------------------------------------------------------------------


@transaction.atomic
def verify_report(report, *, by, note=""):
    """Verify a report. The end-of-stay report verified lets the stipend's tranche that waits
    on it fall due (placements.stipends.satisfy_condition, in the same transaction)."""
    locked = _lock(report)
    check_can_become(locked, S.VERIFIED)
    if locked.kind == ReportKind.END_OF_STAY:
        # The tranches before the kept figures (which the verification refreshes), as a
        # payment takes them (placements.services.log_arrival says why).
        stipends.satisfy_condition(
            locked.placement,
            TrancheCondition.REPORT_VERIFIED,
            by=by,
            note_code=MoneyNote.REPORT_VERIFIED,
        )
    change_report_status(locked, to=S.VERIFIED, by=by, note=note.strip())
    return locked


@transaction.atomic
def request_changes(report, *, by, question):
    """Ask the firm a question; it answers in the report and submits it again."""
    if not question.strip():
        raise ValidationError(_("Write the question the firm should answer."))
    locked = _lock(report)
    # A new version, no one's edit: a page of the report open before the question saves
    # nothing more (a conflict), so its answer box, the previous question's, never answers
    # this one.
    locked.version += 1
    locked.last_editor = ""
    change_report_status(
        locked,
        to=S.CHANGES_REQUESTED,
        by=by,
        note=question.strip(),
        fields=["version", "last_editor"],
    )
    ReportQuestion.objects.create(report=locked, question=question.strip(), asked_by=by)
    return locked


@transaction.atomic
def reject_report(report, *, by, reason):
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    locked = _lock(report)
    return change_report_status(locked, to=S.REJECTED, by=by, note=reason.strip())


@transaction.atomic
def mark_value_unverified(opportunity, *, by, reason):
    """The opportunity counts, but not its value: verified figures leave it out."""
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    locked = Opportunity.objects.select_for_update(no_key=True).get(pk=opportunity.pk)
    locked.value_unverified, locked.unverified_reason = True, reason.strip()
    locked.save(update_fields=["value_unverified", "unverified_reason", "updated_at"])
    refresh_figures([locked.placement.intake_id])
    return locked


@transaction.atomic
def mark_value_verified(opportunity, *, by):
    locked = Opportunity.objects.select_for_update(no_key=True).get(pk=opportunity.pk)
    locked.value_unverified, locked.unverified_reason = False, ""
    locked.save(update_fields=["value_unverified", "unverified_reason", "updated_at"])
    refresh_figures([locked.placement.intake_id])
    return locked


# --- Costs ---------------------------------------------------------------------------------


@transaction.atomic
def add_program_cost(intake, *, by, description, amount, on):
    converted = to_program_currency(amount, on, field="amount")
    cost = ProgramCost.objects.create(
        intake=intake,
        description=description.strip(),
        amount=amount,
        amount_converted=converted.amount,
        on=on,
        entered_by=by,
    )
    refresh_figures([intake])
    return cost
