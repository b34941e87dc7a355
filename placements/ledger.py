"""What people may see of the money, and the intake's ledger: its figures (one aggregate
query per kind of record) and its lists (one page of ``values()`` rows each)."""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from djmoney.money import Money

from applications.models import CompanyMember
from placements.enums import (
    AwardStatus,
    ClaimStatus,
    DeskInvoiceStatus,
    PlacementStatus,
    TrancheStatus,
)
from placements.models import (
    DeskInvoice,
    ExpenseClaim,
    MoneyEvent,
    Placement,
    StipendAward,
    Tranche,
)
from programs.queries import intakes_managed_by

A, T, C, D = AwardStatus, TrancheStatus, ClaimStatus, DeskInvoiceStatus
# Desk invoices the program owes (sent to the host, confirmed) or paid: a draft is not yet
# an invoice.
INVOICED = [D.SENT, D.CONFIRMED, D.PAID]


def _visible(queryset, user, prefix=""):
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    member = Exists(
        CompanyMember.objects.filter(company=OuterRef(f"{prefix}company"), user=user.pk)
    )
    return queryset.filter(Q(member) | Q(**{f"{prefix}intake__in": intakes_managed_by(user)}))


def awards_visible_to(user):
    """Awards of the person's firms and of the intakes they manage; a host's partner sees
    none (money is not theirs). Anything else is a 404."""
    return _visible(
        StipendAward.objects.select_related("company", "intake__program", "placement__host"),
        user,
    )


def tranches_visible_to(user):
    return _visible(
        Tranche.objects.select_related("award__company", "award__intake"), user, "award__"
    )


def claims_visible_to(user):
    return _visible(
        ExpenseClaim.objects.select_related("award__company", "award__intake", "award__placement"),
        user,
        "award__",
    )


def history_of(**record):
    """The MoneyEvents of one award, tranche or claim, oldest first, with their actors."""
    return MoneyEvent.objects.filter(**record).select_related("actor").order_by("at", "pk")


def award_history(award):
    """The award's own changes (not those of its tranches and claims, shown on theirs)."""
    return history_of(award=award, tranche__isnull=True, claim__isnull=True)


def _sum(value):
    return value or Decimal(0)


def desk_figures(intake):
    """Desk costs invoiced and paid, one pair per currency the hosts' desk costs are set in
    (they are not paid from the stipend pool): one query."""
    return [
        {
            "currency": row["total_currency"],
            "invoiced": Money(_sum(row["invoiced"]), row["total_currency"]),
            "paid": Money(_sum(row["paid"]), row["total_currency"]),
        }
        for row in DeskInvoice.objects.filter(intake=intake, status__in=INVOICED)
        .values("total_currency")
        .annotate(invoiced=Sum("total"), paid=Sum("total", filter=Q(status=D.PAID)))
        .order_by("total_currency")
    ]


def _by_status(records, **sums):
    """{status: {name: sum or count}} of ``records``: one GROUP BY query, the figures of each
    status added up in Python (cheaper to build than a filtered aggregate per figure)."""
    return {row.pop("status"): row for row in records.values("status").annotate(**sums).order_by()}


def _total(by_status, name, statuses):
    return sum((by_status[status][name] or 0 for status in statuses if status in by_status), 0)


def ledger_figures(intake):
    """Pool, proposed, awarded, paid (tranches and claims), claims pending and approved, and
    what is left of the pool, in the program's currency: three queries, each the intake's
    records of one kind summed and counted by status; and the desk invoices' figures
    (desk_figures), a fourth."""
    currency = str(intake.stipend_cap.currency)
    awarded_statuses = [A.AWARDED, A.REDUCED, A.CLOSED]
    awards = _by_status(StipendAward.objects.filter(intake=intake), amount=Sum("amount"),
                        count=Count("pk"))  # fmt: skip
    tranches = _by_status(Tranche.objects.filter(award__intake=intake), amount=Sum("amount"),
                          count=Count("pk"))  # fmt: skip
    claims = _by_status(ExpenseClaim.objects.filter(award__intake=intake), total=Sum("total"),
                        approved=Sum("approved_total"), count=Count("pk"))  # fmt: skip
    pool = intake.stipend_budget.amount
    proposed = _total(awards, "amount", [A.PROPOSED])
    awarded = _total(awards, "amount", awarded_statuses)
    tranches_paid = _total(tranches, "amount", [T.PAID])
    claims_paid = _total(claims, "approved", [C.PAID])

    def money(value):
        return Money(_sum(value), currency)

    return {
        "pool": money(pool),
        "proposed": money(proposed),
        "awarded": money(awarded),
        "award_count": _total(awards, "count", awarded_statuses),
        "tranches_paid": money(tranches_paid),
        "tranches_to_pay": money(_total(tranches, "amount", [T.DUE, T.APPROVED, T.FAILED])),
        "claims_pending": money(_total(claims, "total", [C.SUBMITTED])),
        "claims_pending_count": _total(claims, "count", [C.SUBMITTED]),
        "claims_approved": money(_total(claims, "approved", [C.APPROVED])),
        "claims_paid": money(claims_paid),
        "paid": money(tranches_paid + claims_paid),
        "left": money(pool - proposed - awarded),
        "desks": desk_figures(intake),
        # How many of each status, for the totals of the lists of these records.
        "counts": {
            kind: {status: row["count"] for status, row in by_status.items()}
            for kind, by_status in (("awards", awards), ("tranches", tranches), ("claims", claims))
        },
    }


def listed_total(figures, kind, statuses=()):
    """How many records a ledger list holds (``ledger_list``'s filters), read from the
    figures' counts by status; None for a list the figures do not count."""
    counts = figures["counts"].get(kind)
    if counts is None:
        return None
    return sum(count for status, count in counts.items() if not statuses or status in statuses)


# The ledger's lists: each a queryset of values() rows, filtered by status when the figure
# that links to it names one.
AWARD_COLUMNS = [
    "pk",
    "company__name",
    "placement__host__name",
    "amount",
    "amount_currency",
    "approved_total",
    "status",
]
TRANCHE_COLUMNS = [
    "pk",
    "award_id",
    "award__company__name",
    "label",
    "amount",
    "amount_currency",
    "status",
    "paid_on",
    "reference",
    # With "label", the name (models.tranche_name); last, as the CSV has no column of it.
    "label_code",
]
CLAIM_COLUMNS = [
    "pk",
    "award_id",
    "award__company__name",
    "total",
    "total_currency",
    "approved_total",
    "status",
    "submitted_at",
    "paid_on",
    "reference",
]
DESK_INVOICE_COLUMNS = [
    "pk",
    "host__name",
    "placement__company__name",
    "period_start",
    "period_end",
    "days",
    "total",
    "total_currency",
    "status",
    "paid_on",
    "payment_reference",
]
# Placements with no award yet, or whose award was cancelled (proposed again there, the way
# to put right a mistyped amount), the stay itself not cancelled: where the manager proposes.
UNAWARDED_COLUMNS = ["pk", "company__name", "host__name", "starts_on", "ends_on", "status"]
LISTS = {
    "unawarded": (
        Placement.objects.filter(Q(award__isnull=True) | Q(award__status=A.CANCELLED)).exclude(
            status=PlacementStatus.CANCELLED
        ),
        "intake",
        UNAWARDED_COLUMNS,
        PlacementStatus,
    ),
    "awards": (StipendAward.objects, "intake", AWARD_COLUMNS, AwardStatus),
    "tranches": (Tranche.objects, "award__intake", TRANCHE_COLUMNS, TrancheStatus),
    "claims": (ExpenseClaim.objects, "award__intake", CLAIM_COLUMNS, ClaimStatus),
    "desk_invoices": (DeskInvoice.objects, "intake", DESK_INVOICE_COLUMNS, DeskInvoiceStatus),
}


def ledger_list(intake, kind, statuses=(), currency=""):
    """A ledger list's rows, of ``statuses`` when given, and for the desk invoices of one
    ``currency`` when given (the figures that link to them are per currency)."""
    records, intake_field, columns, _enum = LISTS[kind]
    rows = records.filter(**{intake_field: intake})
    if statuses:
        rows = rows.filter(status__in=statuses)
    if currency and kind == "desk_invoices":
        rows = rows.filter(total_currency=currency)
    return rows.order_by("pk").values(*columns)


def firm_awards(user):
    """The awards of the person's firms, for their placement pages and dashboard, each with
    ``in_tranches``: what its tranches paid or approved (stipends.left_of)."""
    member = Exists(CompanyMember.objects.filter(company=OuterRef("company"), user=user.pk))
    in_tranches = (
        Tranche.objects.filter(award=OuterRef("pk"), status__in=[T.APPROVED, T.PAID])
        .values("award")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        StipendAward.objects.filter(member)
        .select_related("company", "placement__host", "intake")
        .annotate(in_tranches=Coalesce(Subquery(in_tranches), Value(Decimal(0))))
    )
