"""The program's figures, computed by the database from verified (or reported) records.

Every figure is an aggregate over one table, grouped in SQL by the placement's intake, host
market, firm's sector, host, or the year its stay ended, and filtered by a ``Scope``. The
figures page, the CSV, and (later) the PDF and the public results page all read these
functions, and each figure's records come from the matching drill-down queryset below, so a
number and the rows behind it cannot disagree.

Definitions (shown beside the figures, ``DEFINITIONS``):

- companies placed: distinct firms with a placement in residence, completed or cut short;
- markets entered: distinct countries where a placed firm recorded a first sale, first
  customer, or registration or office, in a verified report;
- opportunities identified: distinct opportunities that a verified report mentions and the
  firm did not call unrelated to the stay; their value is each one's value in the latest
  verified report, in the program's currency at the rate of the day it was identified,
  leaving out values a manager marked unverified;
- deals won: those opportunities whose latest verified report says won, and their value;
- jobs: per firm, employees at home and abroad in its latest verified report giving a
  headcount, less the employees its application stated (firms with both only), summed;
  a firm placed more than once counts once in a set of figures: its latest such report
  across its stays there, less the employees its application for that stay stated;
- follow-on investment: per firm, the investment raised since the stay in its latest
  verified report giving one (whatever later reports leave empty), summed, once per firm
  as jobs are;
- program cost: stipends paid (tranches and expense claims paid), host desk invoices paid,
  and other program costs a manager enters per intake (``COST_SOURCES``), in the program's
  currency (a payment at the rate recorded for the day it was paid); a cost entered per
  intake is shared equally among the intake's placed firms when figures are broken down;
- ROI: value of opportunities identified / program cost.

"Reported" figures read the same records as the firms last entered them in every report
but rejected ones (an opportunity as its latest update in such a report says), unverified
values included.

Kept figures: the verified figures of whole intakes are also kept per intake (IntakeFigures,
IntakeFigureCell, IntakeMarket, ProgramFigures), written by
``outcomes.services.refresh_figures`` from ``live_breakdown`` and
``opportunity_cells`` below; ``overview`` and ``breakdown`` read them where they say the
same thing (``reads_kept``) and compute otherwise.
"""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, NullIf
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from djmoney.money import Money

from outcomes.enums import Attribution, Basis, Dimension, ReportStatus, Stage
from outcomes.models import (
    WITH_HEADCOUNT,
    WITH_INVESTMENT,
    IntakeFigureCell,
    IntakeFigures,
    IntakeMarket,
    MarketEntry,
    Opportunity,
    OpportunityUpdate,
    OutcomeReport,
    ProgramCost,
    ProgramFigures,
)
from placements.enums import ClaimStatus, DeskInvoiceStatus, PlacementStatus, TrancheStatus
from placements.models import DeskInvoiceLine, ExpenseClaim, Placement, Tranche
from placements.rates import NoRate, convert
from portal.rows import labels
from programs.enums import SectorCode
from programs.models import Intake

S = ReportStatus
PLACED = [PlacementStatus.IN_RESIDENCE, PlacementStatus.COMPLETED, PlacementStatus.CUT_SHORT]
ZERO = Decimal("0.00")
CENT = Decimal("0.01")

DEFINITIONS = {
    "companies": _("Distinct firms with a stay in residence, completed or cut short."),
    "markets": _(
        "Distinct countries where a placed firm recorded a first sale, a first customer, or a "
        "registration or office, in a verified report."
    ),
    "opportunities": _(
        "Distinct opportunities a verified report mentions, not called unrelated to the stay. "
        "Value: the latest verified value, converted at the rate of the day each was "
        "identified; values marked unverified are left out."
    ),
    "won": _("Those opportunities whose latest verified report says the deal was won."),
    "jobs": _(
        "Per firm: employees at home and abroad in its latest verified report giving them, "
        "less those in its application; summed, once per firm placed more than once."
    ),
    "investment": _(
        "Per firm: follow-on investment raised since the stay, in its latest verified report "
        "giving it; summed, once per firm placed more than once."
    ),
    "cost": _(
        "Stipends paid, host desk invoices paid, and other program costs entered per intake "
        "(shared equally among the intake's placed firms in a breakdown), in the program's "
        "currency at the rate recorded for the day each was paid."
    ),
    "roi": _("Value of the opportunities identified divided by the program cost."),
    "payments": _(
        "Stipend tranches and expense claims paid, and host desk invoices paid (each stay's "
        "desk-days), as paid; the program cost converts each at the rate recorded for its day."
    ),
}


@dataclass(frozen=True)
class Scope:
    """Which placements the figures describe: those of ``intakes`` (a queryset of the
    intakes the reader may see), narrowed by any of the filters."""

    intakes: object
    intake: int | None = None
    market: str = ""
    sector: str = ""
    host: int | None = None
    year: int | None = None
    # Dimensions whose value is not known (the "Not known" row of a breakdown): the
    # placements with none (no year for a stay not ended, no sector ...).
    unknown: tuple = ()

    def q(self, prefix=""):
        q = Q(**{f"{prefix}intake__in": self.intakes})
        if self.intake:
            q &= Q(**{f"{prefix}intake": self.intake})
        if self.market:
            q &= Q(**{f"{prefix}host__market__country": self.market})
        if self.sector:
            q &= Q(**{f"{prefix}company__sector__code": self.sector})
        if self.host:
            q &= Q(**{f"{prefix}host": self.host})
        if self.year:
            q &= Q(**{f"{prefix}departed_on__year": self.year})
        for dimension in self.unknown:
            q &= Q(**{f"{prefix}{UNKNOWN[dimension]}__isnull": True})
        return q

    @property
    def narrowed(self):
        """Is it narrower than whole intakes (a market, sector, host or year)?"""
        return bool(self.market or self.sector or self.host or self.year or self.unknown)


# What a placement lacks when its group of a dimension is not known.
UNKNOWN = {
    Dimension.MARKET: "host__market__country",
    Dimension.SECTOR: "company__sector",
    Dimension.HOST: "host",
    Dimension.YEAR: "departed_on",
}


def group_values(dimension, prefix=""):
    """values() arguments that group a table by ``dimension`` of its placement: its key and
    what the label is read from. None groups everything into one."""
    if dimension is None:
        return {"group": Value(0, output_field=IntegerField())}
    if dimension == Dimension.INTAKE:
        return {"group": F(f"{prefix}intake"), "label": F(f"{prefix}intake__title")}
    if dimension == Dimension.MARKET:
        return {"group": F(f"{prefix}host__market__country")}
    if dimension == Dimension.SECTOR:
        return {"group": F(f"{prefix}company__sector__code")}
    if dimension == Dimension.HOST:
        return {"group": F(f"{prefix}host"), "label": F(f"{prefix}host__name")}
    if dimension == Dimension.YEAR:
        return {"group": ExtractYear(f"{prefix}departed_on")}
    raise ValueError(dimension)


# --- The records behind each figure --------------------------------------------------------


def placed(scope):
    return Placement.objects.filter(scope.q(), status__in=PLACED)


def _report_statuses(basis):
    if basis == Basis.VERIFIED:
        return [S.VERIFIED]
    return [S.DUE, S.SUBMITTED, S.CHANGES_REQUESTED, S.VERIFIED]


def market_entries(scope, basis=Basis.VERIFIED):
    return MarketEntry.objects.filter(
        scope.q("placement__"),
        placement__status__in=PLACED,
        report__status__in=_report_statuses(basis),
    )


def opportunities(scope, basis=Basis.VERIFIED):
    """Opportunities counted as identified, each annotated with the stage, the value (in the
    program's currency) and the day identified the figures read: ``counted_stage``,
    ``counted_value`` (None for a value marked unverified, on the verified basis),
    ``counted_identified_on``. Neither basis reads what a report not counted said: the
    verified one reads what the latest verified report said, the reported one what the
    latest report not rejected said."""
    found = Opportunity.objects.filter(scope.q("placement__"), placement__status__in=PLACED)
    if basis == Basis.REPORTED:
        return _as_last_reported(found)
    # The latest verified stage, value, attribution and date are kept on the opportunity
    # (services.keep_latest_values): one row per opportunity, no subquery over its updates.
    return (
        found.exclude(verified_stage="")
        .exclude(verified_attribution=Attribution.UNRELATED)
        .annotate(
            counted_stage=F("verified_stage"),
            counted_value=Case(
                When(value_unverified=True, then=Value(None)),
                default=F("verified_value_converted"),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
            counted_identified_on=F("verified_identified_on"),
        )
    )


def _as_last_reported(found):
    """``found`` as the firm's latest update in a report not rejected says (the one it wrote
    last): an opportunity only a rejected report mentions is left out, and a rejected
    report's change to one does not count. The latest update is found by one subquery and
    joined for its columns (four subqueries, one a column, took three times as long: 1.2 s
    for 50,000 opportunities)."""
    said = OpportunityUpdate.objects.filter(
        opportunity=OuterRef("pk"), report__status__in=_report_statuses(Basis.REPORTED)
    ).order_by("-at", "-pk")
    return (
        found.annotate(said=Subquery(said.values("pk")[:1]))
        .filter(updates__pk=F("said"))
        .annotate(
            counted_stage=F("updates__stage"),
            counted_value=F("updates__value_converted"),
            # Rows written in bulk without an attribution or a date (the bench) read the
            # opportunity's own.
            counted_attribution=Coalesce(
                NullIf("updates__attribution", Value("")), F("attribution")
            ),
            counted_identified_on=Coalesce("updates__identified_on", F("identified_on")),
        )
        .exclude(counted_attribution=Attribution.UNRELATED)
    )


def won(scope, basis=Basis.VERIFIED):
    return opportunities(scope, basis).filter(counted_stage=Stage.WON)


# Within a group of a dimension, a firm placed more than once counts once: the group's key
# from a report (none for the sector: one firm, one sector), with what stands for "Not known"
# (a stay not ended has no year), so that the comparison is a plain equality PostgreSQL can
# hash (an OR of "both NULL" made each report's "is there a later one" a subplan: six
# seconds for a breakdown by market at 100,000 reports).
PARTITION = {
    Dimension.INTAKE: ("placement__intake", 0),
    Dimension.MARKET: ("placement__host__market__country", ""),
    Dimension.HOST: ("placement__host", 0),
    Dimension.YEAR: ("placement__departed_on__year", 0),
}


def _latest(scope, dimension, among):
    """Per placed firm (in each group of ``dimension``), its latest report of those
    ``among`` selects: the one no later such report of its firm follows, an anti-join that
    PostgreSQL runs as one hash join."""
    placed_reports = OutcomeReport.objects.filter(
        scope.q("placement__"), placement__status__in=PLACED
    )
    later = placed_reports.filter(among, placement__company=OuterRef("placement__company"))
    later = later.filter(
        Q(due_on__gt=OuterRef("due_on")) | Q(due_on=OuterRef("due_on"), pk__gt=OuterRef("pk"))
    )
    if dimension in PARTITION:
        path, unknown = PARTITION[dimension]
        later = later.alias(key=Coalesce(path, Value(unknown))).filter(
            key=Coalesce(OuterRef(path), Value(unknown))
        )
    return (
        placed_reports.filter(among)
        .filter(~Exists(later))
        .annotate(
            employees=Coalesce("employees_home", 0) + Coalesce("employees_abroad", 0),
            baseline=F("placement__outcome_baseline__employees"),
        )
    )


def job_reports(scope, basis=Basis.VERIFIED, dimension=None):
    """The reports jobs read: per placed firm its latest report giving a headcount,
    verified on the verified basis (kept per stay by services.keep_latest_values). Jobs and
    follow-on investment each read their own latest report, so a later report leaving one
    of them empty does not erase it; a firm placed more than once counts once in the scope
    (in each group of ``dimension``): its latest such report across its stays."""
    if basis == Basis.VERIFIED:
        among = Q(latest_verified=True)
    else:
        among = WITH_HEADCOUNT & Q(status__in=_report_statuses(basis))
    return _latest(scope, dimension, among)


def investment_reports(scope, basis=Basis.VERIFIED, dimension=None):
    """The reports follow-on investment reads (as ``job_reports``, for the investment)."""
    if basis == Basis.VERIFIED:
        among = Q(latest_verified_investment=True)
    else:
        among = WITH_INVESTMENT & Q(status__in=_report_statuses(basis))
    return _latest(scope, dimension, among)


# The aggregates of jobs over ``job_reports`` and of follow-on investment over
# ``investment_reports``.
JOBS = Sum(F("employees") - F("baseline"), filter=Q(baseline__isnull=False))
INVESTMENT = Sum("investment_converted")


def costs(scope):
    """The other program costs counted in the scope: its intakes', and in a narrower scope
    only those of intakes with a placed firm in it (``cost_shares`` says how much of each)."""
    found = ProgramCost.objects.filter(intake__in=scope.intakes).filter(
        **({"intake": scope.intake} if scope.intake else {})
    )
    if scope.narrowed:
        found = found.filter(intake__in=placed(scope).values("intake"))
    return found


def _placed_per_intake(scope):
    """{intake pk: placements placed}: what an intake's other costs are shared among."""
    return dict(placed(scope).values_list("intake").annotate(n=Count("pk")).order_by())


def cost_shares(scope):
    """{cost pk: the part of it the scope's program cost counts}: whole for whole intakes;
    in a narrower scope, each intake's costs shared equally among its placed firms, as
    ``other_program_costs`` shares them (in cents that add up to the figure's)."""
    listed = costs(scope).values_list("pk", "intake", "amount_converted").order_by()
    if not scope.narrowed:
        return {pk: amount or ZERO for pk, _intake, amount in listed}
    firms = _placed_per_intake(Scope(scope.intakes, intake=scope.intake))
    here = _placed_per_intake(scope)
    shares = {
        pk: (amount or ZERO) * here.get(intake, 0) / firms[intake]
        for pk, intake, amount in listed
        if firms.get(intake)
    }
    return in_cents(shares) if shares else {}


# --- Costs ---------------------------------------------------------------------------------


def other_program_costs(scope, dimension):
    """{group: cost}: each intake's other program costs, whole for the intake (and the
    program), shared equally among its placed firms in any other breakdown or narrower
    scope."""
    per_intake = dict(
        costs(scope).values_list("intake").annotate(total=Sum("amount_converted")).order_by()
    )
    if not per_intake:
        return {}
    if dimension in (None, Dimension.INTAKE) and not scope.narrowed:
        if dimension is None:
            return {0: sum(per_intake.values(), ZERO)}
        return per_intake
    firms = _placed_per_intake(Scope(scope.intakes, intake=scope.intake))
    shares = {}
    rows = (
        placed(scope)
        .values("intake", **group_values(dimension))
        .annotate(n=Count("pk"))
        .values_list("group", "intake", "n")
        .order_by()
    )
    for group, intake, n in rows:
        if per_intake.get(intake) and firms.get(intake):
            share = per_intake[intake] * n / firms[intake]
            shares[group] = shares.get(group, ZERO) + share
    return in_cents(shares)


def in_cents(shares):
    """{group: share} rounded to cents so that the groups add up to their total rounded
    (largest remainder: each share rounded down, then the cents left over, one each, to the
    shares that lost the most; ties by group): 100.00 shared by three is 33.34, 33.33 and
    33.33, not 99.99."""
    total = sum(shares.values(), ZERO).quantize(CENT, ROUND_HALF_UP)
    rounded = {group: value.quantize(CENT, ROUND_DOWN) for group, value in shares.items()}
    left = int((total - sum(rounded.values(), ZERO)) / CENT)
    by_loss = sorted(shares, key=lambda group: (rounded[group] - shares[group], str(group)))
    for group in by_loss[:left]:
        rounded[group] += CENT
    return rounded


def _paid_rows(queryset, dimension, prefix, *, amount, currency, day, counted=False):
    """(group, currency, day paid, total) rows of one kind of payment (and how many
    payments, ``counted``)."""
    columns = ["group", "paid_currency", "paid_day", "total"] + (["n"] if counted else [])
    return (
        queryset.values(group=group_values(dimension, prefix)["group"])
        .annotate(paid_currency=F(currency), paid_day=F(day))
        .values("group", "paid_currency", "paid_day")
        .annotate(total=Sum(amount), **({"n": Count("pk")} if counted else {}))
        .values_list(*columns)
        .order_by()
    )


def payment_parts(scope, dimension, *, counted=False):
    """The payments a program makes, each a grouped query of (group, currency, day paid,
    total): stipend tranches paid, expense claims paid (their approved amounts, as the
    stipend ledger counts them), and host desk invoices paid (their lines, each placement's
    desk-days); with how many payments, ``counted``. Drill-downs: ``payments``."""
    tranches = Tranche.objects.filter(scope.q("award__placement__"), status=TrancheStatus.PAID)
    claims = ExpenseClaim.objects.filter(scope.q("award__placement__"), status=ClaimStatus.PAID)
    desk = DeskInvoiceLine.objects.filter(
        scope.q("placement__"), invoice__status=DeskInvoiceStatus.PAID
    )
    return [
        _paid_rows(
            tranches, dimension, "award__placement__", counted=counted,
            amount="amount", currency="amount_currency", day="paid_on",
        ),
        _paid_rows(
            claims, dimension, "award__placement__", counted=counted,
            amount="approved_total", currency="approved_total_currency", day="paid_on",
        ),
        _paid_rows(
            desk, dimension, "placement__", counted=counted,
            amount="amount", currency="amount_currency", day="invoice__paid_on",
        ),
    ]  # fmt: skip


PAYMENT_KINDS = {
    "tranche": _("Stipend tranche"),
    "claim": _("Expense claim"),
    "desk": _("Host desk invoice"),
}


def payments(scope):
    """The payments behind the program cost, one row each (kind, company, day paid, amount,
    currency), the latest first: one UNION ALL query, paged like any list."""
    columns = ("kind", "company_name", "paid_day", "paid_amount", "paid_currency")

    def rows(queryset, kind, company, amount, day):
        return (
            queryset.annotate(
                kind=Value(kind),
                company_name=F(company),
                paid_day=F(day),
                paid_amount=F(amount),
                paid_currency=F(f"{amount}_currency"),
            )
            .values_list(*columns)
            .order_by()
        )

    tranches = Tranche.objects.filter(scope.q("award__placement__"), status=TrancheStatus.PAID)
    claims = ExpenseClaim.objects.filter(scope.q("award__placement__"), status=ClaimStatus.PAID)
    desk = DeskInvoiceLine.objects.filter(
        scope.q("placement__"), invoice__status=DeskInvoiceStatus.PAID
    )
    return (
        rows(tranches, "tranche", "award__company__name", "amount", "paid_on")
        .union(
            rows(claims, "claim", "award__company__name", "approved_total", "paid_on"),
            rows(desk, "desk", "placement__company__name", "amount", "invoice__paid_on"),
            all=True,
        )
        .order_by("-paid_day", "kind", "company_name")
    )


def _whole_costs(scope, dimension):
    """Other costs as payment rows (already in the program's currency), when each intake's
    costs count whole (the program, or per intake, not narrowed)."""
    return (
        costs(scope)
        .values(group=group_values(dimension)["group"])
        .annotate(
            paid_currency=Value(settings.PORTAL_CURRENCY, output_field=CharField()),
            paid_day=F("on"),
        )
        .values("group", "paid_currency", "paid_day")
        .annotate(total=Sum("amount_converted"))
        .values_list("group", "paid_currency", "paid_day", "total")
        .order_by()
    )


def costs_are_whole(scope, dimension):
    return dimension in (None, Dimension.INTAKE) and not scope.narrowed


def payments_paid(scope, dimension, *, with_other_costs=False):
    """{group: paid}: stipends paid and desk invoices paid, in one query (UNION ALL of the
    parts), each group's total per currency and day converted to the program's currency at
    the rate recorded for the day it was paid (a total in a currency with no rate for its
    day is left out). ``with_other_costs`` adds the other costs to the same query, where
    they count whole (``costs_are_whole``)."""
    first, *others = payment_parts(scope, dimension)
    if with_other_costs:
        others.append(_whole_costs(scope, dimension))
    total = {}
    for group, currency, paid_on, amount in first.union(*others, all=True):
        if amount is None:
            continue
        converted = _in_program_currency(Decimal(amount), currency, paid_on)
        if converted is not None:
            total[group] = total.get(group, ZERO) + converted
    return total


@dataclass(frozen=True)
class LeftOut:
    """Payments in one currency that the program cost leaves out: no exchange rate is
    recorded for the day they were paid."""

    amount: Money
    payments: int


def left_out_by(scope, dimension=None):
    """{group: {currency: [payments, amount as text]}}: the payments of the scope that
    ``payments_paid`` cannot convert (no rate for their currency on the day paid), per group
    of ``dimension``. One query, and a rate looked up per currency and day paid."""
    first, *others = payment_parts(scope, dimension, counted=True)
    found = {}
    for group, currency, paid_on, amount, n in first.union(*others, all=True):
        if amount is None or currency == settings.PORTAL_CURRENCY:
            continue
        if _in_program_currency(Decimal(amount), currency, paid_on) is None:
            payments, total = found.setdefault(group, {}).get(currency, [0, "0"])
            found[group][currency] = [payments + n, str(Decimal(total) + Decimal(amount))]
    return found


def payments_left_out(scope, basis=Basis.VERIFIED):
    """[LeftOut] per currency, the most payments first: what the program cost (and so the
    ROI) leaves out, for the figures page to say so instead of being silently lower. Read
    from the kept figures of whole intakes (``IntakeFigures.cost_left_out``, kept with the
    cost), computed otherwise."""
    if reads_kept(scope, basis):
        kept = IntakeFigures.objects.filter(intake__in=_scope_intakes(scope).values("pk"))
        parts = list(kept.values_list("cost_left_out", flat=True))
    else:
        parts = list(left_out_by(scope).values())
    found = {}
    for part in parts:
        for currency, (n, amount) in part.items():
            payments, total = found.get(currency, (0, ZERO))
            found[currency] = (payments + n, total + Decimal(amount))
    left = [LeftOut(Money(cents(total), currency), n) for currency, (n, total) in found.items()]
    return sorted(left, key=lambda item: (-item.payments, str(item.amount.currency)))


def _in_program_currency(amount, currency, on):
    if currency == settings.PORTAL_CURRENCY:
        return amount
    try:
        return convert(Money(amount, currency), settings.PORTAL_CURRENCY, on).amount.amount
    except NoRate:
        return None


# The program's costs, each a function (scope, dimension) -> {group: Decimal in the
# program's currency} that runs its own grouped query: the other costs managers enter per
# intake, and the payments (stipends paid, desk invoices paid). Program cost is their sum.
COST_SOURCES = [other_program_costs, payments_paid]


def program_cost(scope, dimension=None):
    """{group: cost}: the sum of the COST_SOURCES; where the other costs count whole, they
    are read in the payments' query (one query for the whole cost)."""
    if costs_are_whole(scope, dimension):
        return payments_paid(scope, dimension, with_other_costs=True)
    total = {}
    for source in COST_SOURCES:
        for group, value in source(scope, dimension).items():
            total[group] = total.get(group, ZERO) + value
    return total


# --- The figures ---------------------------------------------------------------------------


@dataclass
class Figures:
    companies: int = 0
    markets: int = 0
    opportunities: int = 0
    value_identified: Decimal = ZERO
    deals_won: int = 0
    value_won: Decimal = ZERO
    jobs: int = 0
    investment: Decimal = ZERO
    cost: Decimal = ZERO

    @property
    def roi(self):
        """Value identified per unit of cost, to one decimal; None without a cost."""
        if not self.cost:
            return None
        return (self.value_identified / self.cost).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Row:
    group: object
    label: str
    figures: Figures = field(default_factory=Figures)


def _grouped(queryset, dimension, prefix, **aggregates):
    """{group: {aggregate: value}, ...} and {group: label} of one grouped query."""
    values = group_values(dimension, prefix)
    rows = queryset.values(**values).annotate(**aggregates).order_by()
    found, names = {}, {}
    for row in rows:
        found[row["group"]] = row
        names[row["group"]] = row.get("label")
    return found, names


def breakdown(scope, dimension=None, basis=Basis.VERIFIED):
    """The figures per group of ``dimension`` (one row for the whole scope when None), in
    a fixed number of queries whatever the number of groups and records: read from the
    kept figures of its intakes where they apply (``reads_kept``), computed otherwise."""
    if reads_kept(scope, basis, dimension):
        return kept_breakdown(scope, dimension)
    return live_breakdown(scope, dimension, basis)


def live_breakdown(scope, dimension=None, basis=Basis.VERIFIED):
    """``breakdown`` computed from the records."""
    tables = {}
    names = {}

    def read(key, queryset, prefix, **aggregates):
        found, labels_found = _grouped(queryset, dimension, prefix, **aggregates)
        tables[key] = found
        for group, label in labels_found.items():
            if label is not None:
                names[group] = label

    read("companies", placed(scope), "", n=Count("company", distinct=True))
    read("markets", market_entries(scope, basis), "placement__", n=Count("country", distinct=True))
    read(
        "opportunities",
        opportunities(scope, basis),
        "placement__",
        n=Count("pk"),
        value=Sum("counted_value"),
        won=Count("pk", filter=Q(counted_stage=Stage.WON)),
        value_won=Sum("counted_value", filter=Q(counted_stage=Stage.WON)),
    )
    read("jobs", job_reports(scope, basis, dimension), "placement__", jobs=JOBS)
    read("investment", investment_reports(scope, basis, dimension), "placement__", value=INVESTMENT)
    cost = program_cost(scope, dimension)
    groups = set(cost)
    for table in tables.values():
        groups |= set(table)
    rows = []
    for group in groups:
        row = Row(group, _label(dimension, group, names))
        f = row.figures
        f.companies = tables["companies"].get(group, {}).get("n") or 0
        f.markets = tables["markets"].get(group, {}).get("n") or 0
        found = tables["opportunities"].get(group, {})
        f.opportunities = found.get("n") or 0
        f.value_identified = cents(found.get("value"))
        f.deals_won = found.get("won") or 0
        f.value_won = cents(found.get("value_won"))
        f.jobs = tables["jobs"].get(group, {}).get("jobs") or 0
        f.investment = cents(tables["investment"].get(group, {}).get("value"))
        f.cost = cents(cost.get(group))
        rows.append(row)
    return sorted(rows, key=lambda row: (row.group is None, str(row.label)))


def cell_breakdown(scope, dimension, *, per_intake=False):
    """The firms placed, opportunities identified and their value per group of
    ``dimension``, on the verified basis, and nothing else: what a public breakdown shows
    (outcomes.publishing), in two grouped queries rather than ``breakdown``'s nine (its jobs,
    investment and cost were read and thrown away on every view of an anonymous page).
    ``per_intake``: {intake pk: rows} for each intake of the scope, from the same two
    queries."""
    by_intake = {"intake": F("placement__intake")} if per_intake else {}
    firms = placed(scope).values(*(["intake"] if per_intake else []), **group_values(dimension))
    deals = opportunities(scope).values(**by_intake, **group_values(dimension, "placement__"))
    cells, names = {}, {}
    for row in firms.annotate(n=Count("company", distinct=True)).order_by():
        cells[row.get("intake"), row["group"]] = Figures(companies=row["n"])
        names[row["group"]] = row.get("label")
    for row in deals.annotate(n=Count("pk"), value=Sum("counted_value")).order_by():
        found = cells.setdefault((row.get("intake"), row["group"]), Figures())
        found.opportunities, found.value_identified = row["n"], cents(row["value"])
        names[row["group"]] = names.get(row["group"]) or row.get("label")
    rows = {}
    for (intake, group), found in cells.items():
        rows.setdefault(intake, []).append(Row(group, _label(dimension, group, names), found))
    for listed in rows.values():
        listed.sort(key=lambda row: (row.group is None, str(row.label)))
    return rows if per_intake else rows.get(None, [])


def cents(value):
    """Sums come back as Decimal("1200") on SQLite and Decimal("1200.00") on PostgreSQL:
    one form for both."""
    return (value or ZERO).quantize(CENT, ROUND_HALF_UP)


def opportunity_cells(scope, basis=Basis.VERIFIED, *, per_intake=False):
    """The opportunities counted, grouped by their host market and the year each was
    identified (and their intake, ``per_intake``): dicts of market, year, n, value, won,
    value_won (each opportunity is in one cell, so the cells add up to the headline, the
    value by market and the value by year)."""
    group = {"intake": F("placement__intake")} if per_intake else {}
    return (
        opportunities(scope, basis)
        .values(
            market=F("placement__host__market__country"),
            year=ExtractYear("counted_identified_on"),
            **group,
        )
        .annotate(
            n=Count("pk"),
            value=Sum("counted_value"),
            won=Count("pk", filter=Q(counted_stage=Stage.WON)),
            value_won=Sum("counted_value", filter=Q(counted_stage=Stage.WON)),
        )
        .order_by()
    )


def overview(scope, basis=Basis.VERIFIED):
    """The headline figures and the charts' series, for the figures page: from the kept
    figures of whole intakes on the verified basis (``reads_kept``), computed otherwise.
    Returns (Figures, [(market, value)], [(year, value identified, value won)])."""
    if reads_kept(scope, basis):
        return kept_overview(scope)
    return live_overview(scope, basis)


def live_overview(scope, basis=Basis.VERIFIED):
    """``overview`` computed from the records, in six queries whatever the size of the
    program: the firms placed, the markets entered, the opportunities' cells
    (``opportunity_cells``), the latest reports, the other costs and the payments."""
    figures = Figures()
    figures.companies = placed(scope).aggregate(n=Count("company", distinct=True))["n"] or 0
    figures.markets = (
        market_entries(scope, basis).aggregate(n=Count("country", distinct=True))["n"] or 0
    )
    figures.jobs, figures.investment = firm_figures(scope, basis)
    figures.cost = cents(program_cost(scope, None).get(0))
    return _with_cells(figures, opportunity_cells(scope, basis))


def firm_figures(scope, basis=Basis.VERIFIED):
    """(jobs, follow-on investment) of the scope, computed: two queries."""
    jobs = job_reports(scope, basis).aggregate(n=JOBS)["n"]
    return jobs or 0, cents(investment_reports(scope, basis).aggregate(n=INVESTMENT)["n"])


def _with_cells(figures, cells):
    """The headline's opportunity figures and the two series, summed from the cells."""
    by_market, by_year = {}, {}
    value = value_won = ZERO
    for row in cells:
        figures.opportunities += row["n"]
        figures.deals_won += row["won"]
        value += row["value"] or ZERO
        value_won += row["value_won"] or ZERO
        by_market[row["market"]] = by_market.get(row["market"], ZERO) + (row["value"] or ZERO)
        identified, won = by_year.get(row["year"], (ZERO, ZERO))
        by_year[row["year"]] = (
            identified + (row["value"] or ZERO),
            won + (row["value_won"] or ZERO),
        )
    figures.value_identified, figures.value_won = cents(value), cents(value_won)
    markets = sorted(
        (
            (_label(Dimension.MARKET, market, {}), cents(total))
            for market, total in by_market.items()
        ),
        key=lambda item: item[0],
    )
    years = [(year, cents(v), cents(w)) for year, (v, w) in sorted(by_year.items())]
    return figures, markets, years


# --- The kept figures ----------------------------------------------------------------------
# outcomes.services.refresh_figures writes, per intake, what live_breakdown and
# opportunity_cells compute for the whole intake (IntakeFigures, IntakeFigureCell), the
# countries of its markets entered (IntakeMarket), and per program its distinct counts
# (ProgramFigures), in the transaction of every change to what they count.

ADDITIVE = ["opportunities", "value_identified", "deals_won", "value_won", "jobs", "investment",
            "cost"]  # fmt: skip
# Kept per intake, but counted once per firm: a firm placed in two intakes is in both
# intakes' rows, so across intakes they are kept per program (ProgramFigures) or computed.
PER_FIRM = ["jobs", "investment"]
SUMMED = [name for name in ADDITIVE if name not in PER_FIRM]


def reads_kept(scope, basis, dimension=None):
    """Do the kept figures say it: verified, whole intakes, the program or per intake?"""
    return basis == Basis.VERIFIED and not scope.narrowed and dimension in (None, Dimension.INTAKE)


def _scope_intakes(scope):
    return scope.intakes.filter(pk=scope.intake) if scope.intake else scope.intakes


def kept_rows(scope):
    """The IntakeFigures of the scope's intakes, each with its intake's title, whether the
    scope holds every intake of its program (``whole_program``) and that program's kept
    figures that do not add up (``program_companies``, ``program_markets``,
    ``program_jobs``, ``program_investment``): one query."""
    intakes = _scope_intakes(scope)
    others = Intake.objects.filter(program=OuterRef("intake__program")).exclude(
        pk__in=intakes.values("pk")
    )
    program = ProgramFigures.objects.filter(program=OuterRef("intake__program"))
    return IntakeFigures.objects.filter(intake__in=intakes.values("pk")).annotate(
        title=F("intake__title"),
        program=F("intake__program"),
        whole_program=~Exists(others),
        program_companies=Subquery(program.values("companies")[:1]),
        program_markets=Subquery(program.values("markets")[:1]),
        program_jobs=Subquery(program.values("jobs")[:1]),
        program_investment=Subquery(program.values("investment")[:1]),
    )


def _distinct_counts(rows):
    """(companies, markets, jobs, investment) of the intakes of ``rows``, the figures that
    do not add up across intakes: kept whole for one intake or every intake of one program,
    counted otherwise (the firms over the placements, through their index; the markets over
    the kept countries; jobs and investment over the reports, once per firm)."""
    if len(rows) == 1:
        row = rows[0]
        return row.companies, row.markets, row.jobs, row.investment
    programs = {row.program for row in rows}
    if len(programs) == 1 and all(row.whole_program for row in rows):
        row = rows[0]
        return (
            row.program_companies or 0,
            row.program_markets or 0,
            row.program_jobs or 0,
            row.program_investment or ZERO,
        )
    pks = [row.pk for row in rows]
    scope = Scope(Intake.objects.filter(pk__in=pks))
    companies = placed(scope).values("company").distinct()
    markets = IntakeMarket.objects.filter(intake__in=pks).values("country").distinct()
    return companies.count(), markets.count(), *firm_figures(scope)


def _kept_figures(row):
    figures = Figures(companies=row.companies, markets=row.markets)
    for name in ADDITIVE:
        value = getattr(row, name)
        setattr(figures, name, value if isinstance(value, int) else cents(value))
    return figures


def kept_breakdown(scope, dimension=None):
    """``breakdown`` of whole intakes on the verified basis, from the kept figures."""
    rows = [row for row in kept_rows(scope) if row.present]
    if dimension == Dimension.INTAKE:
        found = [Row(row.pk, row.title, _kept_figures(row)) for row in rows]
        return sorted(found, key=lambda row: str(row.label))
    # The program is one row, zeros when nothing counts (as the computed aggregate is).
    total = Figures()
    if rows:
        total.companies, total.markets, total.jobs, total.investment = _distinct_counts(rows)
    for row in rows:
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    for name in ("value_identified", "value_won", "investment", "cost"):
        setattr(total, name, cents(getattr(total, name)))
    return [Row(0, _label(None, 0, {}), total)]


def kept_overview(scope):
    """``overview`` of whole intakes on the verified basis, from the kept figures: the
    intakes' rows, their cells, and the distinct counts (kept per program, or counted)."""
    rows = [row for row in kept_rows(scope) if row.present]
    figures = Figures()
    if rows:
        figures.companies, figures.markets, figures.jobs, figures.investment = _distinct_counts(
            rows
        )
    for row in rows:
        figures.cost += row.cost
    figures.investment, figures.cost = cents(figures.investment), cents(figures.cost)
    cells = (
        IntakeFigureCell.objects.filter(intake__in=[row.pk for row in rows])
        .values("market", "year")
        .annotate(
            n=Sum("opportunities"),
            value=Sum("value_identified"),
            won=Sum("deals_won"),
            value_won=Sum("value_won"),
        )
        .order_by()
    )
    cells = [cell | {"market": cell["market"] or None} for cell in cells] if rows else []
    return _with_cells(figures, cells)


def kept_count(scope, basis, figure):
    """The number of records a drill-down lists, when a kept figure is that number (the
    opportunities identified, the deals won, of whole intakes on the verified basis);
    None otherwise."""
    column = {"opportunities": "opportunities", "won": "deals_won"}.get(figure)
    if column is None or not reads_kept(scope, basis):
        return None
    intakes = _scope_intakes(scope).values("pk")
    return IntakeFigures.objects.filter(intake__in=intakes).aggregate(n=Sum(column))["n"] or 0


def headline(scope, basis=Basis.VERIFIED):
    rows = breakdown(scope, None, basis)
    return rows[0].figures if rows else Figures()


def _label(dimension, group, names):
    if group is None:
        return str(_("Not known"))
    if dimension is None:
        return str(_("Whole program"))
    if dimension == Dimension.MARKET:
        return str(countries.name(group) or group)
    if dimension == Dimension.SECTOR:
        return labels(SectorCode).get(group, group)
    if dimension == Dimension.YEAR:
        return str(group)
    return str(names.get(group, group))


def by_year_identified(scope, basis=Basis.VERIFIED):
    """[(year, value identified, value won)] by the year each opportunity was identified:
    the figures over time."""
    rows = (
        opportunities(scope, basis)
        .values(year=ExtractYear("counted_identified_on"))
        .annotate(
            value=Sum("counted_value"),
            won=Sum("counted_value", filter=Q(counted_stage=Stage.WON)),
        )
        .order_by("year")
    )
    return [(row["year"], cents(row["value"]), cents(row["won"])) for row in rows]
