"""What people may see of placements, and the lists' querysets (read with ``values()``)."""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from applications.enums import OfferStatus
from applications.models import CompanyMember, Offer
from placements.enums import (
    GONE_STATUSES,
    HOLDING_DESKS,
    ChangeStatus,
    DeskInvoiceStatus,
    EntryKind,
    PlacementStatus,
)
from placements.models import (
    ChangeRequest,
    DeskInvoice,
    ExchangeRate,
    LogEntry,
    Placement,
    PlacementEvent,
)
from programs.models import DeskOffer, HostIncubator
from programs.queries import intakes_managed_by, managed_by

P = PlacementStatus


def _partner_of(user, host_ref="host"):
    return Exists(
        HostIncubator.partner_staff.through.objects.filter(
            hostincubator=OuterRef(host_ref), user=user.pk
        )
    )


def placements_visible_to(user):
    """Placements of the person's firms, of the hosts they are partner staff of now, and of
    the intakes they manage (every one for the director). Anything else is a 404."""
    placements = Placement.objects.select_related(
        "company", "host__market", "intake__program", "offer"
    )
    if not user.is_authenticated:
        return placements.none()
    if user.is_superuser:
        return placements
    member = Exists(CompanyMember.objects.filter(company=OuterRef("company"), user=user.pk))
    return placements.filter(
        Q(member) | Q(_partner_of(user)) | Q(intake__in=intakes_managed_by(user))
    )


def waiting_offers():
    """Accepted offers with no placement yet: "waiting for the host"."""
    return Offer.objects.filter(status=OfferStatus.ACCEPTED, placement__isnull=True)


def confirmable_offers(user):
    """Accepted offers this person may give a desk and dates: at the hosts they are partner
    staff of now, or in the intakes they manage (a 404 otherwise). Those already confirmed
    stay in, so a second click is told who confirmed them rather than shown a 404."""
    offers = Offer.objects.filter(status=OfferStatus.ACCEPTED).select_related(
        "intake", "host", "application__company"
    )
    if user.is_superuser:
        return offers
    return offers.filter(Q(_partner_of(user)) | Q(intake__in=intakes_managed_by(user)))


# The host partner's workspace: one tab at a time, each one query for its page.
WAITING_COLUMNS = [
    "pk",
    "application__company__name",
    "application__company__country",
    "application__proposed_start",
    "application__proposed_end",
    "starts_on",
    "ends_on",
    "host__name",
    "intake__title",
    "intake__placement_starts_on",
    "intake__placement_ends_on",
    "intake__max_stay_days",
]
PLACEMENT_COLUMNS = [
    "pk",
    "company__name",
    "company__country",
    "host__name",
    "intake__title",
    "desk",
    "starts_on",
    "ends_on",
    "arrived_on",
    "departed_on",
    "status",
]
TABS = ["confirm", "arriving", "residence", "overdue", "gone"]
TAB_STATUSES = {
    "arriving": [P.SCHEDULED],
    "residence": [P.IN_RESIDENCE],
    "gone": GONE_STATUSES,
}


def _tab(tab, today=None):
    """What a tab of the workspace lists; "overdue" is the stays in residence whose check-in
    is overdue (also listed under "in residence")."""
    if tab == "overdue":
        return check_in_overdue(today)
    return Q(status__in=TAB_STATUSES[tab])


def partner_waiting(user):
    return (
        waiting_offers()
        .filter(_partner_of(user))
        .order_by("starts_on", "application__company__name", "pk")
        .values(*WAITING_COLUMNS)
    )


def partner_placements(user, tab, today=None):
    order = ["-departed_on", "-ends_on", "pk"] if tab == "gone" else ["starts_on", "pk"]
    if tab == "overdue":
        order = ["check_in_due_on", "pk"]
    return (
        Placement.objects.filter(_partner_of(user), _tab(tab, today))
        .order_by(*order)
        .values(*PLACEMENT_COLUMNS)
    )


def partner_counts(user, today=None):
    """How many in each tab of the workspace: two queries, whatever the number."""
    counts = Placement.objects.filter(_partner_of(user)).aggregate(
        **{tab: Count("pk", filter=_tab(tab, today)) for tab in TABS if tab != "confirm"}
    )
    counts["confirm"] = waiting_offers().filter(_partner_of(user)).count()
    return counts


# The manager's list: every accepted offer of the program's intakes the person manages, with
# its placement if the host confirmed one (a LEFT JOIN), so "waiting for the host" is a row.
MANAGER_COLUMNS = [
    "pk",
    "application__company__name",
    "application__company__country",
    "host__name",
    "host__market__country",
    "intake_id",
    "placement__pk",
    "placement__status",
    "placement__desk",
    "placement__starts_on",
    "placement__ends_on",
    "concern",
]


# Waiting for the host first (no placement, no start), then by start, on every database;
# ties by id, not by a joined name, so the page is sorted from the offers and their
# placements alone and the firms' names are read for its rows only.
MANAGER_ORDER = [F("placement__starts_on").asc(nulls_first=True), "pk"]


def concern_logged():
    return Exists(LogEntry.objects.filter(placement=OuterRef("placement"), kind=EntryKind.CONCERN))


# A check-in not logged this many days after it fell due is overdue (the managers are told,
# and the lists filter on it).
CHECK_IN_OVERDUE_AFTER_DAYS = 3


def check_in_overdue(today=None, prefix=""):
    """Stays in residence whose next check-in fell due, before their planned end, at least
    CHECK_IN_OVERDUE_AFTER_DAYS ago. ``prefix`` reaches the placement from another model."""
    today = today or timezone.localdate()
    late = today - datetime.timedelta(days=CHECK_IN_OVERDUE_AFTER_DAYS)
    return (
        Q(**{f"{prefix}status": P.IN_RESIDENCE})
        & Q(**{f"{prefix}check_in_due_on__lte": late})
        & Q(**{f"{prefix}check_in_due_on__lte": F(f"{prefix}ends_on")})
    )


def program_placements(intake_ids):
    """The manager's list: the accepted offers of these intakes (the ones of a program the
    person manages, which the view has read), waiting for the host first."""
    return (
        Offer.objects.filter(status=OfferStatus.ACCEPTED, intake__in=intake_ids)
        .annotate(concern=concern_logged())
        .order_by(*MANAGER_ORDER)
    )


def program_placement_rows(page_ids):
    """The rows of one page of program_placements (``page_ids``: its sliced ``values("pk")``),
    read by id alone so only the page's offers are joined to their firms, hosts and
    markets (the intakes' titles the view has read already)."""
    return (
        Offer.objects.filter(pk__in=page_ids)
        .annotate(concern=concern_logged())
        .order_by(*MANAGER_ORDER)
        .values(*MANAGER_COLUMNS)
    )


def ending_this_week(today=None):
    today = today or timezone.localdate()
    return Q(
        placement__status__in=[P.SCHEDULED, P.IN_RESIDENCE],
        placement__ends_on__gte=today,
        placement__ends_on__lte=today + datetime.timedelta(days=7),
    )


def for_export(offers):
    return offers.select_related(
        "application__company", "host__market", "intake", "placement"
    ).order_by(*MANAGER_ORDER)


def entries_for(placement, user):
    """The placement's log, oldest first; the firm's members do not see staff-only notes."""
    entries = placement.entries.select_related("author", "answered_by").order_by("on", "pk")
    if user.has_perm("placements.record_placement", placement):
        return entries
    return entries.filter(staff_only=False)


def history(placement):
    return PlacementEvent.objects.filter(placement=placement).select_related("actor")


def firm_placements(user):
    """The person's firms' stays, newest first, and their accepted offers still waiting for
    the host, for the firm's dashboard: the columns it shows (values()), two small queries
    (instances of the stays' hosts, markets, intakes and companies cost that page more than
    its rows)."""
    member = CompanyMember.objects.filter(user=user.pk)
    placements = (
        Placement.objects.filter(Exists(member.filter(company=OuterRef("company"))))
        .order_by("-starts_on", "pk")
        .values("pk", "company__name", "host__name", "starts_on", "ends_on", "status")
    )
    waiting = (
        waiting_offers()
        .filter(Exists(member.filter(company=OuterRef("application__company"))))
        .order_by("pk")
        .values("application__company__name", "host__name")
    )
    return placements, waiting


def manager_counts(user):
    """Per program the person manages: offers waiting for the host, placements with a concern
    logged, those ending this week and those whose check-in is overdue. One query."""
    today = timezone.localdate()
    return list(
        Offer.objects.filter(managed_by(user), status=OfferStatus.ACCEPTED)
        .values("intake__program", "intake__program__name")
        .annotate(
            waiting=Count("pk", filter=Q(placement__isnull=True)),
            concerns=Count("pk", filter=Q(concern_logged())),
            ending=Count("pk", filter=ending_this_week(today)),
            overdue=Count("pk", filter=check_in_overdue(today, prefix="placement__")),
            running=Count("pk", filter=Q(placement__status=P.IN_RESIDENCE)),
        )
        .order_by("intake__program__name")
    )


# The manager's placements board: the intake's hosts with their desks and the desks taken at
# them today by every intake, the placements of a page of those hosts, and the intake's
# changes waiting: three queries, whatever the number of hosts and placements.
def board_hosts(intake, day):
    """The hosts offering desks to ``intake``: host_id, host__name, desks (offered to it),
    host__desk_capacity and taken_at_host, the stays of any intake holding a desk there on
    ``day`` (those services.full_days counts against the host's capacity)."""
    taken = (
        Placement.objects.filter(
            host=OuterRef("host_id"),
            status__in=HOLDING_DESKS,
            starts_on__lte=day,
            desk_until__gte=day,
        )
        .order_by()
        .values("host")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        DeskOffer.objects.filter(intake=intake)
        .order_by("host__name", "host_id")
        .values(
            "host_id",
            "host__name",
            "desks",
            "host__desk_capacity",
            taken_at_host=Coalesce(Subquery(taken), 0),
        )
    )


BOARD_COLUMNS = [
    "pk",
    "host_id",
    "host__name",
    "company__name",
    "desk",
    "starts_on",
    "ends_on",
    "desk_until",
    "status",
]


def board_placements(intake):
    """Every placement of the intake, by host and start (the board's CSV); a cancelled one is
    listed but holds no desk (its ``desk_until`` is empty)."""
    return _by_host(intake).values(*BOARD_COLUMNS)


def board_rows(intake, host_ids):
    """The board's rows for one page of its hosts: board_placements' columns."""
    return _by_host(intake).filter(host__in=host_ids).values(*BOARD_COLUMNS)


def board_changes(intake):
    """The intake's change requests waiting for the manager, oldest first (a stay has at most
    one: ChangeRequest's one_pending_change_per_placement): pk, kind, starts_on, ends_on,
    placement_id, company, host and host_id. The board lists them above every page of its
    hosts and marks their stays' bars."""
    return (
        ChangeRequest.objects.filter(placement__intake=intake, status=ChangeStatus.PENDING)
        .order_by("created_at", "pk")
        .values(
            "pk",
            "kind",
            "starts_on",
            "ends_on",
            "placement_id",
            company=F("placement__company__name"),
            host=F("placement__host__name"),
            host_id=F("placement__host_id"),
        )
    )


def _by_host(intake):
    return Placement.objects.filter(intake=intake).order_by(
        "host__name", "host_id", "starts_on", "pk"
    )


def changes_visible_to(user):
    """Change requests of the placements the person sees (a 404 for any other)."""
    return ChangeRequest.objects.filter(
        placement__in=placements_visible_to(user).values("pk")
    ).select_related("placement__company", "placement__host", "placement__intake", "requested_by")


def changes_of(placement):
    return placement.change_requests.select_related("requested_by", "decided_by").order_by(
        "-created_at", "-pk"
    )


def change_events(change):
    return change.events.select_related("actor").order_by("at", "pk")


# --- Exchange rates (issue 17) ---------------------------------------------------------------


def rates_listed(*, currency=""):
    """Exchange rates newest day first, those of one currency (on either side) when named.
    The pair-and-day and quote-and-day indexes serve both orders."""
    rates = ExchangeRate.objects.select_related("entered_by")
    if currency:
        rates = rates.filter(Q(base=currency) | Q(quote=currency))
    return rates.order_by("-on", "base", "quote", "source", "pk")


# --- Host desk invoices (issue 17) -----------------------------------------------------------


def desk_invoices_visible_to(user):
    """Desk invoices of the intakes the person manages (every one for the director), and
    those sent to the hosts they are partner staff of now (a draft is not the partner's
    yet). Anything else is a 404."""
    invoices = DeskInvoice.objects.select_related("intake__program", "host", "placement__company")
    if not user.is_authenticated:
        return invoices.none()
    if user.is_superuser:
        return invoices
    return invoices.filter(
        Q(intake__in=intakes_managed_by(user))
        | (Q(_partner_of(user)) & ~Q(status=DeskInvoiceStatus.DRAFT))
    )


DESK_INVOICE_COLUMNS = [
    "pk",
    "host__name",
    "intake__title",
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


def desk_invoices_listed(invoices, *, status=""):
    """A list of desk invoices (one of the querysets above), newest period first."""
    if status:
        invoices = invoices.filter(status=status)
    return invoices.order_by("-period_start", "host__name", "pk").values(*DESK_INVOICE_COLUMNS)


def desk_invoices_of_intake(intake):
    return DeskInvoice.objects.filter(intake=intake)


def desk_invoices_for_partner(user):
    """What a host partner's list shows: their hosts' invoices once sent."""
    return DeskInvoice.objects.filter(_partner_of(user)).exclude(status=DeskInvoiceStatus.DRAFT)
