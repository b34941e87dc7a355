"""Change requests: the partner or the firm asks to move a stay's dates or to cut it short,
and the program's manager approves or refuses with a reason.

A request's status changes only through ``services.change_request_status`` (row locked by the
caller, CHANGE_TRANSITIONS checked, a ChangeRequestEvent written). Approval goes through the
placement's own services, so the window, the maximum stay and the desks per day are checked
again at that moment, and a refusal there leaves the request pending with nothing changed.
The firm's and the host's people are told the answer in their language, through the outbox.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.queries import managers_of
from placements import services
from placements.enums import (
    CHANGE_ALLOWED,
    ChangeKind,
    ChangeStatus,
    PlacementStatus,
)
from placements.models import ChangeRequest, ChangeRequestEvent, Placement
from portal.links import link_to
from portal.services import queue_email_to_people
from programs.models import HostIncubator

C = ChangeStatus
P = PlacementStatus


def _check_request(placement, *, kind, starts_on, ends_on, today):
    """Every reason this change cannot be asked (or granted) for the placement as it is now."""
    if placement.status not in CHANGE_ALLOWED[kind]:
        raise ValidationError(
            _("A placement that is %(status)s cannot be changed this way.")
            % {"status": P(placement.status).label.lower()}
        )
    if kind == ChangeKind.CUT_SHORT:
        if ends_on > today:
            raise ValidationError(
                _(
                    "A stay is cut short on the day the firm leaves, or later. To end it on a "
                    "day still to come, ask to move its dates."
                )
            )
        if ends_on < placement.arrived_on:
            raise ValidationError(
                _("A departure cannot come before the arrival (%(day)s).")
                % {"day": date_format(placement.arrived_on)}
            )
        services.check_cut_short_day(placement, ends_on)
        return
    if starts_on is None:
        raise ValidationError(_("Give the new start."))
    if placement.status == P.IN_RESIDENCE:
        if starts_on != placement.starts_on:
            raise ValidationError(_("The stay has begun: only its end can move."))
        if ends_on < today:
            raise ValidationError(
                _("A stay that has begun cannot end before today: ask to cut it short.")
            )
    if (starts_on, ends_on) == (placement.starts_on, placement.ends_on):
        raise ValidationError(_("These are the stay's dates already."))
    problems = services.stay_problems(
        placement.intake, placement.host, starts_on, ends_on, exclude=placement
    )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def request_change(placement, *, by, kind, ends_on, reason, starts_on=None, today=None):
    """The firm or the host's partner asks the manager to move the dates or cut the stay
    short. Checked now, so the person learns at once what could not be granted; checked
    again when the manager answers. One pending request per placement."""
    today = today or timezone.localdate()
    if kind not in ChangeKind.values:
        raise ValidationError(_("Choose the change."))
    if not reason.strip():
        raise ValidationError(_("Say why."))
    placement = (
        Placement.objects.select_for_update(of=("self",), no_key=True)
        .select_related("intake__program", "host", "company")
        .get(pk=placement.pk)
    )
    if kind == ChangeKind.CUT_SHORT:
        starts_on = None
    elif starts_on is None and placement.status == P.IN_RESIDENCE:
        starts_on = placement.starts_on  # a stay that has begun keeps its start
    _check_request(placement, kind=kind, starts_on=starts_on, ends_on=ends_on, today=today)
    if ChangeRequest.objects.filter(placement=placement, status=C.PENDING).exists():
        raise ValidationError(
            _("A change to this stay already waits for the manager's answer; nothing was sent.")
        )
    change = ChangeRequest.objects.create(
        placement=placement,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        requested_by=by,
    )
    ChangeRequestEvent.objects.create(request=change, actor=by, to_status=C.PENDING)
    queue_email_to_people(
        managers_of(placement.intake).values_list("email", "language"),
        key=f"placement-change-asked:{change.pk}",
        template="placements/email/change_asked",
        context=_context(change),
        intake_ref=placement.intake_id,
    )
    return change


def _context(change):
    placement = change.placement
    return {
        "change": change,
        "placement": placement,
        "company": placement.company.name,
        "host": placement.host.name,
        "link": link_to("placements:change_detail", change.pk),
        "approved": change.status == ChangeStatus.APPROVED,
    }


def _lock_change(change):
    """The stay's host, the stay, then the request: the order of move_dates (the host, then
    the stay) and of a departure or a cancellation (the stay, then its waiting requests). A
    request locked before its stay deadlocked with the departure logged at that moment."""
    stay = Placement.objects.filter(pk=change.placement_id).values_list("pk", "host_id").get()
    HostIncubator.objects.select_for_update(no_key=True).filter(pk=stay[1]).first()
    Placement.objects.select_for_update(no_key=True).filter(pk=stay[0]).first()
    return (
        ChangeRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("placement")
        .get(pk=change.pk)
    )


def move_dates(placement, *, by, starts_on, ends_on, note):
    """Give a scheduled or running stay new dates (the caller's transaction): the host's row
    locked first, as confirmation does, so the desks per day are counted one at a time; the
    move is written in the placement's history."""
    HostIncubator.objects.select_for_update(no_key=True).filter(pk=placement.host_id).first()
    placement = (
        Placement.objects.select_for_update(of=("self",), no_key=True)
        .select_related("intake", "host", "company")
        .get(pk=placement.pk)
    )
    kind = ChangeKind.MOVE_DATES
    _check_request(
        placement, kind=kind, starts_on=starts_on, ends_on=ends_on, today=timezone.localdate()
    )
    before = (placement.starts_on, placement.ends_on)
    placement.starts_on, placement.ends_on, placement.desk_until = starts_on, ends_on, ends_on
    placement.version += 1
    placement.save(update_fields=["starts_on", "ends_on", "desk_until", "version", "updated_at"])
    services.record_dates_moved(placement, by=by, before=before, note=note)
    return placement


def _tell(change):
    """The firm's members and the host's partners, each in their language."""
    placement = change.placement
    queue_email_to_people(
        services.stay_people(placement),
        key=f"placement-change:{change.pk}:{change.status}",
        template="placements/email/change_answered",
        context=_context(change),
        intake_ref=placement.intake_id,
    )


@transaction.atomic
def approve_change(change, *, by, note=""):
    """Approve and apply: the placement's own checks run again now, and a refusal there
    (raised) leaves the request pending and the stay as it was."""
    change = _lock_change(change)
    change.decided_by, change.decided_at = by, timezone.now()
    change.decision_note = note.strip()
    services.change_request_status(
        change,
        to=C.APPROVED,
        by=by,
        note=note.strip(),
        fields=["decided_by", "decided_at", "decision_note"],
    )
    if change.kind == ChangeKind.MOVE_DATES:
        move_dates(
            change.placement,
            by=by,
            starts_on=change.starts_on,
            ends_on=change.ends_on,
            note=change.reason,
        )
    else:
        services.cut_short(change.placement, by=by, on=change.ends_on, reason=change.reason)
    change.placement = Placement.objects.select_related("company", "host", "intake").get(
        pk=change.placement_id
    )
    _tell(change)
    return change


@transaction.atomic
def refuse_change(change, *, by, reason):
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    change = _lock_change(change)
    change.decided_by, change.decided_at = by, timezone.now()
    change.decision_note = reason.strip()
    services.change_request_status(
        change,
        to=C.REFUSED,
        by=by,
        note=reason.strip(),
        fields=["decided_by", "decided_at", "decision_note"],
    )
    change.placement = Placement.objects.select_related("company", "host", "intake").get(
        pk=change.placement_id
    )
    _tell(change)
    return change


@transaction.atomic
def withdraw_change(change, *, by):
    change = _lock_change(change)
    return services.change_request_status(change, to=C.WITHDRAWN, by=by)
