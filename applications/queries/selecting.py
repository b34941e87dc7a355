"""Reads for selection: runs and their slates, offers, the decision outbox, freed seats
(mirrors services.selecting)."""

from django.db.models import (
    Count,
    Q,
)

from applications.enums import (
    FREED_OFFER_STATUSES,
    SEAT_CANDIDATE_STATUSES,
    ApplicationStatus,
)
from applications.models import (
    Application,
    HostPreference,
    Offer,
    SelectionRun,
)
from portal.models import OutgoingEmail
from programs.enums import SectorCode
from programs.models import ForeignMarket, Sector

__all__ = [
    "runs_of",
    "slate_of",
    "offers_of",
    "offer_of",
    "decisions_batch",
    "decision_emails",
    "selection_choices",
    "cap_labels",
    "free_seats",
    "seat_candidates",
]


def runs_of(intake):
    """An intake's selection runs, newest first, with how many each offered and waitlisted."""
    return (
        SelectionRun.objects.filter(intake=intake)
        .select_related("started_by")
        .annotate(
            offered=Count("entries", filter=Q(entries__host__isnull=False)),
            waitlisted=Count("entries", filter=Q(entries__waitlist_position__isnull=False)),
        )
        .order_by("-number")
    )


def slate_of(run):
    """A run's entries, best merit first, with what the slate page shows."""
    return run.entries.select_related("application__company", "host", "proposed_host").order_by(
        "position"
    )


def offers_of(intake):
    """An intake's offers in the order they were made, with who they replaced."""
    return (
        Offer.objects.filter(intake=intake)
        .select_related("application__company", "host", "replaces__application__company")
        .order_by("made_at", "pk")
    )


def offer_of(application):
    return Offer.objects.filter(application=application).select_related("host").first()


def decisions_batch(intake):
    """The outbox batch holding an intake's decision emails until a manager releases it."""
    return f"decisions:{intake.pk}"


def decision_emails(intake):
    """The intake's decision emails in the outbox, held or released, in the order written."""
    return OutgoingEmail.objects.filter(batch=decisions_batch(intake)).order_by("pk")


def selection_choices(intake):
    """(markets of the intake's hosts, (code, label) of the shortlist's sectors) for caps."""
    markets = ForeignMarket.objects.filter(hosts__desk_offers__intake=intake).distinct()
    codes = Application.objects.filter(intake=intake, status=ApplicationStatus.SHORTLISTED).values(
        "company__sector__code"
    )
    sectors = Sector.objects.filter(code__in=codes).order_by("position")
    return list(markets.order_by("pk")), [(s.code, s.get_code_display()) for s in sectors]


def cap_labels(run):
    """A run's caps as (market or sector name, at most), markets first."""
    markets = ForeignMarket.objects.filter(pk__in=[int(pk) for pk in run.market_caps])
    sectors = dict(SectorCode.choices)
    return [(str(m), run.market_caps[str(m.pk)]) for m in markets] + [
        (sectors.get(code, code), cap) for code, cap in run.sector_caps.items()
    ]


def free_seats(intake):
    """Seats freed by a decline or an expiry that nobody has been offered again."""
    return (
        Offer.objects.filter(intake=intake, status__in=FREED_OFFER_STATUSES, filled_by__isnull=True)
        .select_related("application__company", "host")
        .order_by("answered_at", "pk")
    )


def seat_candidates(intake, host_ids):
    """Per host, the applications a freed seat there may go to by hand: shortlisted,
    waitlisted or not selected, never offered a place, and ranked that host; by name."""
    found = {host_id: [] for host_id in host_ids}
    for preference in (
        HostPreference.objects.filter(
            host__in=host_ids,
            application__intake=intake,
            application__status__in=SEAT_CANDIDATE_STATUSES,
            application__offer__isnull=True,
        )
        .select_related("application__company")
        .order_by("application__company__name", "application_id")
    ):
        found[preference.host_id].append(preference.application)
    return found
