import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from djmoney.money import Money

from portal.dates import days_text, moment_text
from portal.links import link_to
from portal.locks import lock_in_order
from portal.services import queue_email_to_people
from programs import deadlines, queries
from programs.enums import (
    DEFAULT_CRITERIA,
    DEFAULT_CRITERION_DESCRIPTIONS,
    DEFAULT_RUBRIC_SCALE,
    DefaultCriterion,
    Direction,
    IntakeChangeKind,
    SectorCode,
)
from programs.models import (
    DeskOffer,
    ForeignMarket,
    HostIncubator,
    HostPartnerChange,
    Intake,
    IntakeChange,
    ProgramStaff,
    RubricCriterion,
    Sector,
)


class IntakeLocked(ValidationError):
    """A change that would silently invalidate applications already made."""


@transaction.atomic
def grant_program_role(program, *, user, role, intake=None):
    """Make a person manager or reviewer of a program, or of one of its intakes.

    Granting twice changes nothing.
    """
    staff, _created = ProgramStaff.objects.get_or_create(
        program=program, intake=intake, user=user, role=role
    )
    return staff


# What later apps do when someone loses a role in a program: applications withdraws the
# person's open reviews of intakes they no longer review. programs cannot import those apps
# (imports flow one way), so each registers its reaction here from AppConfig.ready(), as
# portal/dashboard.py's sections do: plain calls, in the revoking transaction, no signals.
_staff_removed_handlers = []


def when_staff_removed(handler):
    """Register ``handler(program, *, user)``, called after ``user`` lost a role in
    ``program``. A handler reads the roles as they are now, so calling it twice, or for
    someone who kept another role, is harmless."""
    _staff_removed_handlers.append(handler)
    return handler


def staff_removed(program, *, user):
    """Let every registered app react to ``user`` having lost a role in ``program`` (the
    revoking service, and the admin's staff rows, call it)."""
    for handler in _staff_removed_handlers:
        handler(program, user=user)


@transaction.atomic
def revoke_program_role(program, *, user, role, intake=None):
    ProgramStaff.objects.filter(program=program, intake=intake, user=user, role=role).delete()
    staff_removed(program, user=user)


@transaction.atomic
def set_host_partners(host: HostIncubator, partners, *, by):
    """Make ``partners`` exactly the people who act for ``host``.

    Partner staff read the shortlisted applicants of every intake offering desks at the host,
    so each change is recorded (who, when, before and after) and everyone added or removed is
    told by email, in their language. ``by`` is the person making the change (None for the
    portal's own set-up). Setting the same people again records nothing; returns the change.
    """
    locked = HostIncubator.objects.select_for_update(no_key=True).get(pk=host.pk)
    before = list(locked.partner_staff.order_by("email"))
    after = sorted(set(partners), key=lambda person: person.email)
    if {person.pk for person in before} == {person.pk for person in after}:
        return None
    locked.partner_staff.set(after)
    change = HostPartnerChange.objects.create(
        host=locked,
        changed_by=by,
        before=[person.email for person in before],
        after=[person.email for person in after],
    )
    added = [person for person in after if person not in before]
    removed = [person for person in before if person not in after]
    context = {"host": locked.name, "link": link_to("programs:host_workspace", locked.pk)}
    for reason, people in [("added", added), ("removed", removed)]:
        if people:
            queue_email_to_people(
                [(person.email, person.language) for person in people],
                key=f"host-partners:{change.pk}:{reason}",
                template=f"programs/email/partner_{reason}",
                context=context,
            )
    return change


@transaction.atomic
def add_host_partner(host: HostIncubator, *, user, by=None):
    return set_host_partners(host, [*host.partner_staff.all(), user], by=by)


@transaction.atomic
def remove_host_partner(host: HostIncubator, *, user, by=None):
    return set_host_partners(
        host, [person for person in host.partner_staff.all() if person != user], by=by
    )


def ensure_sectors():
    """The sector table, as the migration loads it (tests and demos that emptied it)."""
    for position, code in enumerate(SectorCode.values):
        Sector.objects.update_or_create(code=code, defaults={"position": position})


@transaction.atomic
def create_market(*, country, groups=(), **fields):
    """Create a market in every group that lists its country, and in ``groups``."""
    market = ForeignMarket.objects.create(country=country, **fields)
    market.groups.set({*queries.groups_containing(market.country.code), *groups})
    return market


BRIEFING_FIELDS = [
    "summary",
    "regulation",
    "tax_and_residency",
    "intellectual_property",
    "language_and_culture",
    "contacts",
]


@transaction.atomic
def update_market(market, *, fields, groups):
    """Save a manager's edits; the briefing date moves only when the briefing changed."""
    before = ForeignMarket.objects.get(pk=market.pk)
    for name, value in fields.items():
        setattr(market, name, value)
    if any(getattr(before, name) != getattr(market, name) for name in BRIEFING_FIELDS):
        market.briefing_updated_at = timezone.now()
    market.save()
    market.groups.set(groups)
    return market


_host_moved_handlers = []


def when_host_moved(handler):
    """Register ``handler(host)``, called when a host incubator changed market, in the
    changing transaction (applications keeps counts of its list's market filter)."""
    _host_moved_handlers.append(handler)
    return handler


@transaction.atomic
def save_host(host, *, sectors=None, partner_staff=None, by=None, fields=None):
    """Create or update a host, with its sectors and partner staff when given (partner
    staff changes recorded). ``fields`` ({name: value}), when given, are the only ones
    changed, on the host as saved now: a page saves what it changed, and a colleague's
    change saved since it was drawn stays. A lower capacity is checked against the stays it
    holds with its row locked, as a confirmation counts its desks (the form's check alone
    ran before that lock); a move to another market against the direction of the intakes
    offering desks there, with the row locked too (an intake changing direction locks its
    hosts before it reads their market)."""
    if fields is not None:
        host = HostIncubator.objects.select_for_update(no_key=True).get(pk=host.pk)
        for name, value in fields.items():
            setattr(host, name, value)
    host.full_clean()
    if host.pk:
        HostIncubator.objects.select_for_update(no_key=True).filter(pk=host.pk).first()
        below = capacity_below_stays(host, host.desk_capacity)
        if below:
            raise ValidationError({"desk_capacity": below})
    was = (
        HostIncubator.objects.filter(pk=host.pk).values_list("market_id", flat=True).first()
        if host.pk
        else None
    )
    if was is not None and was != host.market_id:
        moved = market_change_refused(host, host.market)
        if moved:
            raise ValidationError({"market": moved})
    host.save()
    if was is not None and was != host.market_id:
        for handler in _host_moved_handlers:
            handler(host)
    if sectors is not None:
        host.sectors.set(sectors)
    if partner_staff is not None:
        set_host_partners(host, partner_staff, by=by)
    return host


@transaction.atomic
def create_intake(program, *, by, markets=(), sectors=(), **fields):
    """A new intake with the seed's default rubric; it stays unpublished until published."""
    intake = Intake(program=program, **fields)
    intake.full_clean()
    intake.save()
    intake.markets.set(markets)
    intake.sectors.set(sectors)
    RubricCriterion.objects.bulk_create(
        _default_criterion(intake, code, weight=weight, scale=DEFAULT_RUBRIC_SCALE, position=p)
        for p, (code, weight) in enumerate(DEFAULT_CRITERIA)
    )
    return intake


def _default_criterion(intake, code, *, weight, scale, position):
    """A criterion of the default rubric: kept by its code, its name and description in
    English (each reader sees them in their language), whoever made it."""
    with translation.override("en"):
        name, description = str(code.label), str(DEFAULT_CRITERION_DESCRIPTIONS[code])
    return RubricCriterion(
        intake=intake, code=code, name=name, description=description, weight=weight,
        scale_max=scale, position=position,
    )  # fmt: skip


def default_criterion_code(name, description):
    """The default criterion named and described so in one of the portal's languages (a
    manager kept it as the rubric page showed it), or None."""
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            for code in DefaultCriterion:
                if (name, description) == (
                    str(code.label),
                    str(DEFAULT_CRITERION_DESCRIPTIONS[code]),
                ):
                    return code
    return None


class DeadlineShortened(ValidationError):
    """An earlier closing time that leaves drafts less time: confirmed with their count."""

    def __init__(self, count):
        self.count = count
        super().__init__(
            ngettext(
                "The new closing time is earlier: %(count)s draft has less time to be "
                "submitted. Its owners will be told by email. Confirm to go ahead.",
                "The new closing time is earlier: %(count)s drafts have less time to be "
                "submitted. Their owners will be told by email. Confirm to go ahead.",
                count,
            )
            % {"count": count}
        )


# What later apps hold in an intake's currency (its stipend cap's): placements counts the
# intake's stipend awards, whose tranches and approved claims are sums in that currency.
# programs cannot import placements (imports flow one way), so it registers its count here
# from AppConfig.ready(), as applications does with when_host_moved.
_currency_holders = []


def when_currency_held(handler):
    """Register ``handler(intake)`` -> how many stipend awards the app holds in the intake's
    currency. While any does, the stipend cap and pool keep that currency."""
    _currency_holders.append(handler)
    return handler


def currency_change_refused(intake, *, stipend_cap=None, stipend_budget=None):
    """{field: reason} for a stipend cap or pool whose currency would change under awards
    already made in the intake's currency (their sums would read as the new currency's, and
    adding them to the new cap would fail); empty when the change may go ahead. ``intake``
    holds the terms as saved."""
    changed = [
        name
        for name, money in [("stipend_cap", stipend_cap), ("stipend_budget", stipend_budget)]
        if money is not None and money.currency != getattr(intake, name).currency
    ]
    if not changed:
        return {}
    held = sum(handler(intake) for handler in _currency_holders)
    if not held:
        return {}
    reason = ngettext(
        "%(count)s stipend award of this intake is in %(currency)s: the stipend cap and the "
        "pool stay in %(currency)s.",
        "%(count)s stipend awards of this intake are in %(currency)s: the stipend cap and the "
        "pool stay in %(currency)s.",
        held,
    ) % {"count": held, "currency": intake.stipend_cap.currency}
    return {name: reason for name in changed[:1]}


# What later apps hold in an intake's desks and dates: placements' confirmed stays, each
# holding a desk at its host from its start to its last day there. programs cannot import
# placements (imports flow one way), so it registers what it holds here from
# AppConfig.ready(), as with when_currency_held, and the desk offers, the placement window,
# the longest stay and a host's capacity keep room for those stays.
@dataclass(frozen=True)
class StayHolder:
    # (*, intake=None, host=None) -> Counter {(host pk, day): stays holding a desk there that
    # day}: the intake's stays, or the host's in every intake not archived.
    desks_held: Callable
    # (intake) -> [(firm name, first day, last day)] of the intake's stays holding a desk.
    stays: Callable


_stay_holders = []


def when_stays_held(holder):
    """Register a ``StayHolder``, asked before an intake's desks or dates, or a host's
    capacity, change under the stays it holds."""
    _stay_holders.append(holder)
    return holder


def _desks_held(*, intake=None, host=None):
    held = Counter()
    for holder in _stay_holders:
        held.update(holder.desks_held(intake=intake, host=host))
    return held


def capacity_below_stays(host, capacity):
    """Why ``host`` cannot have only ``capacity`` desks: more confirmed stays of intakes not
    archived hold desks there on one day; empty when it can."""
    held = _desks_held(host=host)
    peak = max(held.values(), default=0)
    if capacity >= peak:
        return ""
    day = min(day for (_host, day), count in held.items() if count == peak)
    return ngettext(
        "%(count)s confirmed stay holds a desk here on %(day)s: the capacity cannot be lower.",
        "%(count)s confirmed stays hold desks here on %(day)s: the capacity cannot be lower.",
        peak,
    ) % {"count": peak, "day": days_text([day])}


def stays_over_offers(intake, offers):
    """Why each host cannot offer ``intake`` only the desks ``offers`` (host, desks) give it
    (a host left out gives none): more of the intake's confirmed stays hold desks there on
    some days. Empty when they all fit."""
    held = _desks_held(intake=intake)
    offered = {host.pk: desks for host, desks in offers}
    over = defaultdict(dict)
    for (host_id, day), count in held.items():
        if count > offered.get(host_id, 0):
            over[host_id][day] = count
    if not over:
        return []
    names = dict(HostIncubator.objects.filter(pk__in=over).values_list("pk", "name"))
    reasons = []
    for host_id in sorted(over, key=lambda pk: (names[pk], pk)):
        days = over[host_id]
        most = max(days.values())
        reasons.append(
            ngettext(
                "%(count)s confirmed stay holds a desk at %(host)s on these days: %(days)s. "
                "Offer at least %(count)s desk there.",
                "Up to %(count)s confirmed stays hold desks at %(host)s on these days: "
                "%(days)s. Offer at least %(count)s desks there.",
                most,
            )
            % {"count": most, "host": names[host_id], "days": days_text(days)}
        )
    return reasons


WINDOW_FIELDS = ["placement_starts_on", "placement_ends_on", "max_stay_days"]


def stays_refused(intake, *, placement_starts_on=None, placement_ends_on=None, max_stay_days=None):
    """{field: reason} for a placement window or a longest stay that the intake's confirmed
    stays would no longer fit (naming them); empty when they fit. ``intake`` holds the terms
    as saved; a value left None is unchanged."""
    start = placement_starts_on or intake.placement_starts_on
    end = placement_ends_on or intake.placement_ends_on
    longest = max_stay_days or intake.max_stay_days
    if (start, end, longest) == (
        intake.placement_starts_on,
        intake.placement_ends_on,
        intake.max_stay_days,
    ):
        return {}
    stays = [stay for holder in _stay_holders for stay in holder.stays(intake)]
    outside = {
        "placement_starts_on": [firm for firm, first, _last in stays if start and first < start],
        "placement_ends_on": [firm for firm, _first, last in stays if end and last > end],
        "max_stay_days": [
            firm for firm, first, last in stays if longest and (last - first).days + 1 > longest
        ],
    }
    messages = {
        "placement_starts_on": lambda count: ngettext(
            "%(count)s confirmed stay starts before this day: %(firms)s.",
            "%(count)s confirmed stays start before this day: %(firms)s.",
            count,
        ),
        "placement_ends_on": lambda count: ngettext(
            "%(count)s confirmed stay ends after this day: %(firms)s.",
            "%(count)s confirmed stays end after this day: %(firms)s.",
            count,
        ),
        "max_stay_days": lambda count: ngettext(
            "%(count)s confirmed stay is longer than this: %(firms)s.",
            "%(count)s confirmed stays are longer than this: %(firms)s.",
            count,
        ),
    }
    return {
        name: messages[name](len(firms)) % {"count": len(firms), "firms": ", ".join(firms)}
        for name, firms in outside.items()
        if firms
    }


@transaction.atomic
def update_intake(
    intake, *, by=None, reason="", drafts_confirmed=None, markets=None, sectors=None, **fields
):
    """Change the intake's terms given (``markets`` or ``sectors`` None: unchanged). A page
    sends only what it changed, so a colleague's change saved since it was drawn stays; the
    whole terms are recorded, before and after. Once it has opened, only with a reason, and
    recorded (who, when, why, before and after) like its rules. An earlier closing time of a
    published intake is refused if it has passed (it would close on applicants at once),
    and, when it cuts drafts short, until the manager confirms their number
    (``drafts_confirmed``); their owners are then told by email (``programs.deadlines``).
    The stipend cap's and pool's currency is refused once an app holds awards in it
    (``when_currency_held``), and a placement window or longest stay that confirmed stays
    would not fit (``when_stays_held``)."""
    intake = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    before = terms_snapshot(intake)
    closed_at, opened = intake.closes_at, needs_confirmation(intake)
    # Checked under the intake's lock: an award is made with the intake locked too.
    refused = currency_change_refused(
        intake,
        stipend_cap=fields.get("stipend_cap"),
        stipend_budget=fields.get("stipend_budget"),
    )
    window = {name: fields[name] for name in WINDOW_FIELDS if name in fields}
    moved = any(value != getattr(intake, name) for name, value in window.items())
    turned = fields.get("direction", intake.direction) != intake.direction
    if moved or turned:
        # The hosts' rows locked before the stays or their markets are read: a confirmation
        # locks its host before it reads the intake's window, and a host moving to another
        # market locks its row before it reads the intakes' directions, so each waits for
        # this change and reads it.
        lock_in_order(HostIncubator.objects.filter(desk_offers__intake=intake))
    if moved:
        refused = {**stays_refused(intake, **window), **refused}
    if turned:
        mismatched = direction_change_refused(intake, fields["direction"])
        if mismatched:
            refused = {"direction": mismatched, **refused}
    if refused:
        raise ValidationError(refused)
    for name, value in fields.items():
        setattr(intake, name, value)
    intake.full_clean()
    if intake.published_at is not None and intake.closes_at < closed_at:
        count = deadlines.cut_short(intake, before=closed_at, after=intake.closes_at)
        if count and intake.closes_at <= timezone.now():
            raise ValidationError(
                {"closes_at": ngettext(
                    "This time has passed: %(count)s draft would be closed at once. Choose a "
                    "time still to come.",
                    "This time has passed: %(count)s drafts would be closed at once. Choose a "
                    "time still to come.",
                    count,
                ) % {"count": count}}
            )  # fmt: skip
        if count and drafts_confirmed != count:
            raise DeadlineShortened(count)
    intake.save()
    if markets is not None:
        intake.markets.set(markets)
    if sectors is not None:
        intake.sectors.set(sectors)
    _record(
        intake, kind=IntakeChangeKind.TERMS, by=by, reason=reason, before=before,
        after=terms_snapshot(intake), opened=opened,
    )  # fmt: skip
    if intake.published_at is not None:
        deadlines.tell(intake, before=closed_at, after=intake.closes_at)
    return intake


def terms_snapshot(intake):
    """An intake's terms as plain values, for its history."""
    return {
        "title": intake.title,
        "summary": intake.summary,
        "direction": intake.direction,
        "markets": sorted(market.country.code for market in intake.markets.all()),
        "sectors": sorted(sector.code for sector in intake.sectors.all()),
        "time_zone": intake.time_zone,
        # In UTC: the same moment read from the database or typed in the intake's zone is
        # the same text, so an untouched time is not recorded as changed.
        "opens_at": _utc_iso(intake.opens_at),
        "closes_at": _utc_iso(intake.closes_at),
        "placement_starts_on": _iso(intake.placement_starts_on),
        "placement_ends_on": _iso(intake.placement_ends_on),
        "max_stay_days": intake.max_stay_days,
        "check_in_every_days": intake.check_in_every_days,
        "max_host_preferences": intake.max_host_preferences,
        "stipend_cap": money_snapshot(intake.stipend_cap),
        "stipend_budget": money_snapshot(intake.stipend_budget),
        "desk_invoicing": intake.desk_invoicing,
    }


def money_snapshot(money):
    """A sum as plain data for the history ({"amount": "4000.00", "currency": "CAD"}), read
    in the reader's language (programs.history), not the writer's. The amount has the
    field's two decimals: 4000 typed and 4000.00 saved are the same text."""
    if money is None:
        return None
    return {"amount": f"{money.amount:.2f}", "currency": str(money.currency)}


def _iso(value):
    return value.isoformat() if value is not None else None


def _utc_iso(moment):
    return moment.astimezone(datetime.UTC).isoformat()


@transaction.atomic
def publish_intake(intake, *, by):
    locked = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    if not locked.desk_offers.exists():
        raise ValidationError(_("Offer at least one host desk before publishing the intake."))
    if not locked.criteria.exists():
        raise ValidationError(_("Give the intake a scoring rubric before publishing it."))
    if locked.published_at is None:
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
    intake.published_at = locked.published_at
    return locked


def _serves_direction(market, direction):
    """Whether a host in ``market`` can give desks to an intake going ``direction``: an
    outbound intake places firms abroad, an inbound one at home."""
    is_home = market.country.code == settings.PORTAL_HOME_COUNTRY
    if direction == Direction.OUTBOUND:
        return not is_home
    if direction == Direction.INBOUND:
        return is_home
    return True


def check_desk_offers(intake, offers, *, direction=None):
    """Errors for a list of (host, desks): capacity, direction and duplicates. ``direction``
    is the intake's unless given (a change of direction checks the offers saved)."""
    errors = []
    seen = set()
    direction = direction or intake.direction
    for host, desks in offers:
        if host.pk in seen:
            errors.append(_("%(host)s is listed twice.") % {"host": host.name})
        seen.add(host.pk)
        if desks > host.desk_capacity:
            errors.append(
                _("%(host)s has %(capacity)s desks; %(desks)s is more than it can give.")
                % {"host": host.name, "capacity": host.desk_capacity, "desks": desks}
            )
        if _serves_direction(host.market, direction):
            continue
        if direction == Direction.OUTBOUND:
            errors.append(
                _("%(host)s is at home; an outbound intake places firms abroad.")
                % {"host": host.name}
            )
        else:
            errors.append(
                _("%(host)s is abroad; an inbound intake places firms at home.")
                % {"host": host.name}
            )
    return errors


def direction_change_refused(intake, direction):
    """Why ``intake`` cannot go ``direction``: the desk offers it has saved would no longer
    match it (one reason per host); empty when they do, or when the direction is unchanged.
    ``intake`` holds the terms as saved."""
    if not direction or direction == intake.direction:
        return []
    offers = intake.desk_offers.select_related("host__market").order_by("host__name", "host_id")
    return check_desk_offers(
        intake, [(offer.host, offer.desks) for offer in offers], direction=direction
    )


def market_change_refused(host, market):
    """Why ``host`` cannot move to ``market``: intakes not archived that offer desks there
    go the other way (an outbound intake at a host moved home, an inbound one at a host
    moved abroad); empty when none does. ``host`` holds its market as saved, or the new one
    (only the intakes' directions are compared with ``market``)."""
    if host.pk is None or market is None:
        return ""
    intakes = (
        Intake.objects.filter(desk_offers__host=host, archived_at__isnull=True)
        .order_by("title", "pk")
        .distinct()
    )
    refused = [intake for intake in intakes if not _serves_direction(market, intake.direction)]
    if not refused:
        return ""
    titles = ", ".join(intake.title for intake in refused)
    if market.country.code == settings.PORTAL_HOME_COUNTRY:
        message = ngettext(
            "%(count)s outbound intake offers desks here: %(intakes)s. It places firms "
            "abroad: remove its desk offer before moving the host home.",
            "%(count)s outbound intakes offer desks here: %(intakes)s. They place firms "
            "abroad: remove their desk offers before moving the host home.",
            len(refused),
        )
    else:
        message = ngettext(
            "%(count)s inbound intake offers desks here: %(intakes)s. It places firms at "
            "home: remove its desk offer before moving the host abroad.",
            "%(count)s inbound intakes offer desks here: %(intakes)s. They place firms at "
            "home: remove their desk offers before moving the host abroad.",
            len(refused),
        )
    return message % {"count": len(refused), "intakes": titles}


@transaction.atomic
def set_desk_offers(intake, *, offers, by=None, reason=""):
    """Replace the intake's desk offers with (host, desks) pairs; two managers saving them at
    once take turns on the intake (the second replaces the first's, not adds to them).

    A host keeps at least the desks the intake's confirmed stays hold there on one day (a
    host left out offers none). A person's change (``by``) of an intake that has opened needs
    a reason, and is recorded (who, when, why, the offers before and after) like its terms;
    the portal's own set-up (``by`` None: demos, tests) is not."""
    locked = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    opened = needs_confirmation(locked)
    # The hosts' rows locked before their stays are counted, in the order a confirmation
    # takes them (the host, then its desks): one confirmed meanwhile is counted here, or
    # waits and reads the new offers. The offers are checked against the hosts as they are
    # under that lock: a host moved to another market meanwhile (save_host, under the same
    # lock) is seen, not the row the form read before.
    hosts = {offer.host_id for offer in locked.desk_offers.all()} | {h.pk for h, _d in offers}
    lock_in_order(HostIncubator.objects.filter(pk__in=hosts))
    fresh = HostIncubator.objects.select_related("market").in_bulk([h.pk for h, _d in offers])
    offers = [(fresh[host.pk], desks) for host, desks in offers]
    errors = check_desk_offers(locked, offers)
    if errors:
        raise ValidationError(errors)
    refused = stays_over_offers(locked, offers)
    if refused:
        raise ValidationError(refused)
    before = desk_offers_snapshot(locked)
    DeskOffer.objects.filter(intake=locked).delete()
    DeskOffer.objects.bulk_create(
        DeskOffer(intake=locked, host=host, desks=desks) for host, desks in offers
    )
    if by is not None:
        _record(
            locked, kind=IntakeChangeKind.TERMS, by=by, reason=reason, before=before,
            after=desk_offers_snapshot(locked), opened=opened,
        )  # fmt: skip
    return locked


def desk_offers_snapshot(intake):
    """The intake's desk offers as {host: desks}, for its history (a host's name; with its
    city when two offered hosts share the name)."""
    offers = list(intake.desk_offers.select_related("host").order_by("host__name", "host_id"))
    names = Counter(offer.host.name for offer in offers)

    def named(host):
        return host.name if names[host.name] == 1 else f"{host.name} ({host.city})"

    return {named(offer.host): offer.desks for offer in offers}


def needs_confirmation(intake, now=None):
    """Rules and rubric of an intake that has opened may have been applied against."""
    now = now or timezone.now()
    return intake.published_at is not None and intake.opens_at <= now


def eligibility_snapshot(intake):
    return {
        "min_years_operating": intake.min_years_operating,
        "min_employees": intake.min_employees,
        "min_annual_revenue": money_snapshot(intake.min_annual_revenue),
        "proven_product_required": intake.proven_product_required,
        "allowed_home_countries": sorted(c.code for c in intake.allowed_home_countries),
        "allowed_sectors": sorted(s.code for s in intake.allowed_sectors.all()),
    }


def rubric_snapshot(intake):
    # A default criterion's code goes with it: the history reads it in the reader's language.
    return [
        {"name": c.name, "description": c.description, "weight": c.weight, "scale": c.scale_max}
        | ({"code": c.code} if c.code else {})
        for c in intake.criteria.all()
    ]


def _record(intake, *, kind, by, reason, before, after, opened=None):
    """Record a change made after opening (``opened``: as it was before the change)."""
    if before == after:
        return None
    opened = needs_confirmation(intake) if opened is None else opened
    if opened and not reason.strip():
        raise IntakeLocked(_("The intake is open: say why the change is needed, and confirm it."))
    if not opened:
        return None
    return IntakeChange.objects.create(
        intake=intake, kind=kind, changed_by=by, reason=reason, before=before, after=after
    )


@transaction.atomic
def set_eligibility(intake, *, by, reason="", allowed_sectors, **rules):
    """Change the eligibility rules; after opening, only with a reason, and recorded."""
    intake = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    before = eligibility_snapshot(intake)
    for name, value in rules.items():
        setattr(intake, name, value)
    intake.full_clean()
    intake.save()
    intake.allowed_sectors.set(allowed_sectors)
    _record(
        intake,
        kind=IntakeChangeKind.ELIGIBILITY,
        by=by,
        reason=reason,
        before=before,
        after=eligibility_snapshot(intake),
    )
    return intake


@transaction.atomic
def set_rubric(intake, *, by, criteria, reason=""):
    """Replace the rubric with (name, description, weight, scale) rows; recorded after opening."""
    intake = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    if not criteria:
        raise ValidationError(_("A rubric needs at least one criterion."))
    for _name, _description, weight, scale in criteria:
        if weight < 1 or scale < 2:
            raise ValidationError(_("Weights must be positive and scales at least 2."))
    # The criteria locked before the check that no score names them: a score being saved
    # holds them, and its scores are seen once it commits.
    lock_in_order(intake.criteria.all())
    before = rubric_snapshot(intake)
    try:
        with transaction.atomic():
            intake.criteria.all().delete()
    except ProtectedError as error:
        raise ValidationError(
            _("Reviewers have scored against this rubric; it can no longer change.")
        ) from error
    RubricCriterion.objects.bulk_create(
        _criterion(intake, name, description, weight=weight, scale=scale, position=position)
        for position, (name, description, weight, scale) in enumerate(criteria)
    )
    _record(
        intake,
        kind=IntakeChangeKind.RUBRIC,
        by=by,
        reason=reason,
        before=before,
        after=rubric_snapshot(intake),
    )
    return intake


def _criterion(intake, name, description, *, weight, scale, position):
    """A criterion as the manager left it: one of the default rubric's, kept as the page
    showed it in their language, stays a default one (read in each reader's language)."""
    code = default_criterion_code(name, description)
    if code is not None:
        return _default_criterion(intake, code, weight=weight, scale=scale, position=position)
    return RubricCriterion(
        intake=intake, name=name, description=description, weight=weight, scale_max=scale,
        position=position,
    )  # fmt: skip


class NoExchangeRate(ValidationError):
    pass


def to_program_currency(money, *, on=None):
    """(converted amount, rate used); the rate is 1 for the program's own currency."""
    home = settings.PORTAL_CURRENCY
    if str(money.currency) == home:
        return Money(money.amount, home), Decimal(1)
    rate = queries.rate_for(str(money.currency), on)
    if rate is None:
        raise NoExchangeRate(
            _("No exchange rate for %(currency)s is recorded yet; use %(home)s or ask the team.")
            % {"currency": money.currency, "home": home}
        )
    amount = (Decimal(money.amount) * rate.rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Money(amount, home), rate.rate


REVIEW_SETTINGS = [
    "reviewers_per_application",
    "reviews_due_at",
    "blind_until_reviewed",
    "score_aggregate",
    "calibrate_scores",
    "disagreement_points",
    "offer_response_days",
]


def reviews_due_refused(intake, due):
    """Why reviews of ``intake`` cannot be due at ``due``: at or before the intake closes,
    applications may still come in; empty when they can be (or no time is set)."""
    if due is None or due > intake.closes_at:
        return ""
    return _("Reviews can be due only after the intake closes, %(closes)s.") % {
        "closes": moment_text(intake.closes_at, intake.time_zone)
    }


_scoring_changed_handlers = []


def when_scoring_changed(handler):
    """Register ``handler(intake)``, called when the intake's score settings changed (which
    score ranks its applications, or how far apart reviewers must be to disagree), in the
    changing transaction."""
    _scoring_changed_handlers.append(handler)
    return handler


@transaction.atomic
def update_review_settings(intake, *, by, **settings_):
    """Change how the intake is reviewed and scored; recorded in the intake's history."""
    intake = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    before = {name: str(getattr(intake, name)) for name in REVIEW_SETTINGS}
    for name in settings_:
        if name not in REVIEW_SETTINGS:
            raise ValueError(name)
    due = settings_.get("reviews_due_at", intake.reviews_due_at)
    early = reviews_due_refused(intake, due) if due != intake.reviews_due_at else ""
    if early:
        raise ValidationError({"reviews_due_at": early})
    for name, value in settings_.items():
        setattr(intake, name, value)
    intake.full_clean(exclude=["program"])
    intake.save(update_fields=list(settings_))
    after = {name: str(getattr(intake, name)) for name in REVIEW_SETTINGS}
    changed = [name for name in REVIEW_SETTINGS if before[name] != after[name]]
    if changed:
        # Every change is kept, open or not: a ranking depends on these settings. Only
        # what changed is recorded, each with its value before and after.
        IntakeChange.objects.create(
            intake=intake, kind=IntakeChangeKind.REVIEW, changed_by=by,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )  # fmt: skip
    if {"score_aggregate", "calibrate_scores", "disagreement_points"} & set(changed):
        for handler in _scoring_changed_handlers:
            handler(intake)
    return intake
