"""Every write on placements: confirming desk and dates, the stay's status, the host's log.

A placement's status changes only through ``change_placement_status`` (row locked by the
caller, PLACEMENT_TRANSITIONS checked, a PlacementEvent written). Placements are created here,
from an accepted offer, never by a hook inside ``applications``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.dates import date_problems
from applications.enums import OfferStatus
from applications.models import Offer
from applications.queries import managers_of, member_recipients
from placements import stipends, watchers
from placements.enums import (
    CHANGE_TRANSITIONS,
    HOLDING_DESKS,
    LOGGABLE_KINDS,
    NEEDS_REASON,
    PLACEMENT_TRANSITIONS,
    CancelReason,
    ChangeStatus,
    EntryKind,
    PlacementStatus,
    StayNote,
    TrancheCondition,
)
from placements.models import ChangeRequest, ChangeRequestEvent, LogEntry, Placement, PlacementEvent
from portal.dates import days_text
from portal.links import link_to
from portal.services import first_sending, queue_email_to_people, same_text
from portal.validators import validate_single_line
from programs.models import DeskOffer, HostIncubator

P = PlacementStatus
# The statuses of a stay whose firm counts as placed in the program's figures.
COUNTED_AS_PLACED = {P.IN_RESIDENCE, P.COMPLETED, P.CUT_SHORT}


def change_placement_status(placement, *, to, by, note="", fields=()):
    """The one way a placement's status changes: ``placement`` is a row the caller locked
    (``select_for_update``) in its transaction; checked against PLACEMENT_TRANSITIONS, moved
    to ``to``, saved with the other ``fields`` the caller set, and recorded in a
    PlacementEvent (who, from, to, when, ``note``)."""
    check_can_become(placement, to)
    if to in NEEDS_REASON and not note.strip():
        raise ValidationError(_("Give the reason."))
    event = PlacementEvent(
        placement=placement, actor=by, from_status=placement.status, to_status=to, note=note
    )
    counted = {event.from_status, to} & COUNTED_AS_PLACED
    placement.status = to
    placement.version += 1
    placement.save(update_fields=["status", "version", "updated_at", *fields])
    event.save()
    if counted:
        watchers.intakes_changed([placement.intake_id])
    return placement


def change_request_status(change, *, to, by, note="", note_code="", fields=()):
    """The one way a change request's status changes: ``change`` is a row the caller locked
    in its transaction; checked against CHANGE_TRANSITIONS, moved to ``to``, saved with the
    other ``fields`` the caller set, and recorded in a ChangeRequestEvent (``note``: what a
    person typed; ``note_code``: a StayNote, the portal's own, written in the reader's
    language when the history is read)."""
    if to not in CHANGE_TRANSITIONS[change.status]:
        raise ValidationError(
            _("This request was already answered (%(status)s); nothing was changed.")
            % {"status": ChangeStatus(change.status).label.lower()}
        )
    event = ChangeRequestEvent(
        request=change,
        actor=by,
        from_status=change.status,
        to_status=to,
        note=note,
        note_code=note_code,
    )
    change.status = to
    change.save(update_fields=["status", *fields])
    event.save()
    return change


def check_can_become(placement, to):
    """Refuse, in words, a change PLACEMENT_TRANSITIONS does not allow."""
    if to not in PLACEMENT_TRANSITIONS[placement.status]:
        raise ValidationError(
            _("A placement that is %(current)s cannot become %(target)s.")
            % {
                "current": P(placement.status).label.lower(),
                "target": P(to).label.lower(),
            }
        )


def _lock(placement):
    return (
        Placement.objects.select_for_update(of=("self",), no_key=True)
        .select_related("intake", "host", "company")
        .get(pk=placement.pk)
    )


def _lock_with_host(placement):
    """The stay's host, then the stay: the order of a confirmation and of a move of dates, so
    an arrival or a departure that makes the stay longer counts the host's desks one at a
    time, as they do."""
    HostIncubator.objects.select_for_update(no_key=True).filter(pk=placement.host_id).first()
    return _lock(placement)


def full_days(intake, host, starts_on, ends_on, *, exclude=None):
    """The days from ``starts_on`` to ``ends_on`` on which one more firm would put more firms
    than desks at ``host``: more than the desks it offers this intake (counting this intake's
    placements there), or more than its own desk capacity (counting every intake's)."""
    offered = (
        DeskOffer.objects.filter(intake=intake, host=host).values_list("desks", flat=True).first()
        or 0
    )
    holding = Placement.objects.filter(
        host=host,
        status__in=HOLDING_DESKS,
        starts_on__lte=ends_on,
        desk_until__gte=starts_on,
    )
    if exclude is not None:
        holding = holding.exclude(pk=exclude.pk)
    stays = list(holding.values_list("intake_id", "starts_on", "desk_until"))
    full = []
    day = starts_on
    while day <= ends_on:
        here = [intake_id for intake_id, first, last in stays if first <= day <= last]
        this_intake = sum(1 for intake_id in here if intake_id == intake.pk)
        if this_intake + 1 > offered or len(here) + 1 > host.desk_capacity:
            full.append(day)
        day += datetime.timedelta(days=1)
    return full


def stay_problems(intake, host, starts_on, ends_on, *, exclude=None):
    """Every reason these dates cannot be confirmed, as sentences (none: they can)."""
    problems = date_problems(intake, starts_on, ends_on)
    if problems:
        return problems
    full = full_days(intake, host, starts_on, ends_on, exclude=exclude)
    if full:
        problems.append(_no_free_desk(host, full))
    return problems


def _no_free_desk(host, full):
    return _("%(host)s has no free desk on these days: %(days)s.") % {
        "host": host.name,
        "days": days_text(full),
    }


def longer_stay_problems(placement, *, starts_on, ends_on, first, last):
    """Every reason the stay cannot become ``starts_on`` – ``ends_on`` (an arrival before its
    planned start, a departure after its planned end): the intake's window and longest stay,
    and the host's desks on the days ``first`` to ``last`` it would hold more, counted as a
    confirmation or a move counts them (without this stay)."""
    problems = date_problems(placement.intake, starts_on, ends_on)
    full = full_days(placement.intake, placement.host, first, last, exclude=placement)
    if full:
        problems.append(_no_free_desk(placement.host, full))
    return problems


def record_dates_moved(placement, *, by, before, note="", note_code=StayNote.DATES_MOVED):
    """A stay's new dates (``before``: its first and last day until now) are not a change of
    status: an audit row all the same, from and to the status it keeps. The days are kept as
    ISO dates and the sentence as a StayNote, so each reader reads them in their language;
    ``note``, the reason a person typed, as typed."""
    values = {
        "before": [day.isoformat() for day in before],
        "after": [placement.starts_on.isoformat(), placement.ends_on.isoformat()],
    }
    if note_code == StayNote.DATES_MOVED:
        values["note"] = note
    return PlacementEvent.objects.create(
        placement=placement,
        actor=by,
        from_status=placement.status,
        to_status=placement.status,
        note_code=note_code,
        note_values=values,
    )


@transaction.atomic
def confirm_placement(offer, *, by, desk, starts_on, ends_on):
    """The host's partner confirms a desk and dates for an accepted offer (or the manager
    schedules them): the placement is created, scheduled.

    The host's row is locked first, so two confirmations at one host take turns and the
    second counts the first's desk days; the offer's row next, so two people confirming the
    same offer at once give one placement, and the second (like a second click) is told who
    confirmed it and changes nothing."""
    HostIncubator.objects.select_for_update(no_key=True).filter(pk=offer.host_id).first()
    offer = (
        Offer.objects.select_for_update(of=("self",), no_key=True)
        .select_related("intake", "host", "application__company")
        .get(pk=offer.pk)
    )
    existing = Placement.objects.filter(offer=offer).select_related("confirmed_by").first()
    if existing is not None:
        raise ValidationError(
            _(
                "The desk and dates of %(company)s were already confirmed by %(person)s: "
                "%(start)s – %(end)s. Nothing was changed."
            )
            % {
                "company": offer.application.company.name,
                "person": str(existing.confirmed_by),
                "start": date_format(existing.starts_on),
                "end": date_format(existing.ends_on),
            }
        )
    if offer.status != OfferStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted offer can be given a desk and dates."))
    problems = stay_problems(offer.intake, offer.host, starts_on, ends_on)
    if problems:
        raise ValidationError(problems)
    validate_single_line(desk)  # a desk's name goes into emails' one-line places
    placement = Placement.objects.create(
        offer=offer,
        company=offer.application.company,
        intake=offer.intake,
        host=offer.host,
        desk=desk.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        desk_until=ends_on,
        confirmed_by=by,
    )
    PlacementEvent.objects.create(
        placement=placement, actor=by, from_status="", to_status=P.SCHEDULED
    )
    _tell_confirmed(placement)
    return placement


def _tell_confirmed(placement):
    """The firm's members and the intake's managers learn the desk and dates, each in their
    language, once (keyed in the outbox by the placement)."""
    firm = firm_people(placement)
    managers = list(managers_of(placement.intake).values_list("email", "language"))
    queue_email_to_people(
        firm + managers,
        key=f"placement-confirmed:{placement.pk}",
        template="placements/email/confirmed",
        context={
            "placement": placement,
            "company": placement.company.name,
            "host": placement.host.name,
            "link": link_to("placements:detail", placement.pk),
        },
        intake_ref=placement.intake_id,
    )


def _check_date(on, *, not_before=None, before_message=""):
    if on > timezone.localdate():
        raise ValidationError(_("This date has not come yet."))
    if not_before is not None and on < not_before:
        raise ValidationError(before_message)


@transaction.atomic
def log_arrival(placement, *, by, on, note=""):
    """The firm arrived: scheduled to in residence, with an arrival entry in the log. An
    arrival before the planned start moves the start to it, when the host has a desk for the
    days before (the desk is held from the start); after the planned end it is refused."""
    placement = _lock_with_host(placement)
    check_can_become(placement, P.IN_RESIDENCE)
    # Not before the intake's placement window (a year typed wrong invoiced a year of desk).
    _check_date(
        on,
        not_before=placement.intake.placement_starts_on,
        before_message=_("An arrival cannot come before the placement window opens (%(day)s).")
        % {"day": date_format(placement.intake.placement_starts_on)},
    )
    if on > placement.ends_on:
        raise ValidationError(
            _(
                "An arrival cannot come after the stay's planned end (%(day)s): ask the "
                "program's manager to move the stay's dates first."
            )
            % {"day": date_format(placement.ends_on)}
        )
    fields = ["arrived_on", "check_in_due_on"]
    if on < placement.starts_on:
        _start_earlier(placement, by=by, on=on)
        fields += ["starts_on"]
    placement.arrived_on = on
    placement.check_in_due_on = on + datetime.timedelta(days=placement.intake.check_in_every_days)
    # The tranches before the kept figures (which the status change refreshes), as a payment
    # takes them: a payment, a cancellation and this arrival at once then cannot wait on
    # each other in a circle.
    stipends.satisfy_condition(placement, TrancheCondition.ARRIVAL, by=by)
    change_placement_status(placement, to=P.IN_RESIDENCE, by=by, note=note, fields=fields)
    LogEntry.objects.create(
        placement=placement, kind=EntryKind.ARRIVAL, on=on, note=note, author=by
    )
    return placement


def _start_earlier(placement, *, by, on):
    """The firm came before its planned start: the stay starts on ``on`` (its desk held from
    then, the days before checked as a confirmation checks them), recorded in its history;
    refused, naming the full days, when the host has no desk for them."""
    before = (placement.starts_on, placement.ends_on)
    problems = longer_stay_problems(
        placement,
        starts_on=on,
        ends_on=placement.ends_on,
        first=on,
        last=placement.starts_on - datetime.timedelta(days=1),
    )
    if problems:
        problems.append(
            _(
                "Log the arrival on the planned start (%(day)s), or ask the program's manager "
                "to move the stay's dates first."
            )
            % {"day": date_format(placement.starts_on)}
        )
        raise ValidationError(problems)
    placement.starts_on = on
    record_dates_moved(placement, by=by, before=before, note_code=StayNote.ARRIVED_EARLY)


def _depart(placement, *, to, by, on, note):
    placement = _lock_with_host(placement)
    check_can_become(placement, to)
    _check_date(
        on,
        not_before=placement.arrived_on,
        before_message=_("A departure cannot come before the arrival (%(day)s).")
        % {"day": date_format(placement.arrived_on)},
    )
    if to == P.CUT_SHORT:
        check_cut_short_day(placement, on)
    elif on > placement.desk_until:
        check_late_departure(placement, on)
    # The desk is free from the day after the departure.
    placement.departed_on, placement.desk_until = on, on
    placement.check_in_due_on = None  # gone: no more check-ins
    # The tranches before the kept figures, as log_arrival takes them.
    stipends.satisfy_condition(placement, TrancheCondition.DEPARTURE, by=by)
    change_placement_status(
        placement,
        to=to,
        by=by,
        note=note,
        fields=["departed_on", "desk_until", "check_in_due_on"],
    )
    LogEntry.objects.create(
        placement=placement, kind=EntryKind.DEPARTURE, on=on, note=note, author=by
    )
    _close_pending_changes(placement, by=by, note_code=StayNote.STAY_ENDED)
    return placement


def check_cut_short_day(placement, on):
    """A stay is cut short before its planned end: after it, the desk would stretch over the
    next firm's days with no check of the host's desks (for the cut itself and the request
    for it alike)."""
    if on >= placement.ends_on:
        raise ValidationError(
            _("A stay is cut short before its planned end (%(day)s): log the departure instead.")
            % {"day": date_format(placement.ends_on)}
        )


def check_late_departure(placement, on):
    """A departure after the planned end holds the desk for the days after it: they are
    checked as a confirmation or a move checks them (the host's desks, the intake's window
    and longest stay); unchecked, the desk stretched over the next firm's days."""
    problems = longer_stay_problems(
        placement,
        starts_on=placement.starts_on,
        ends_on=on,
        first=placement.desk_until + datetime.timedelta(days=1),
        last=on,
    )
    if problems:
        problems.append(
            _(
                "Log the departure on the planned end (%(day)s), or ask the program's manager "
                "to move the stay's dates first."
            )
            % {"day": date_format(placement.ends_on)}
        )
        raise ValidationError(problems)


def firm_people(placement):
    """The firm's members, as (email, language) pairs."""
    return member_recipients([placement.company_id]).get(placement.company_id, [])


def partner_people(placement):
    """The host's partners, as (email, language) pairs."""
    return list(placement.host.partner_staff.values_list("email", "language"))


def stay_people(placement):
    """Who a change to the stay concerns: the firm's members and the host's partners."""
    return firm_people(placement) + partner_people(placement)


def _close_pending_changes(placement, *, by, note_code):
    """A stay that ended or was cancelled takes no change of dates any more: a request still
    waiting for the manager is closed unanswered (with why: ``note_code``, a StayNote), so no
    list shows it waiting, and
    the firm and the host are told that nothing was changed."""
    waiting = ChangeRequest.objects.select_for_update(no_key=True).filter(
        placement=placement, status=ChangeStatus.PENDING
    )
    people = None
    for change in waiting:
        change_request_status(change, to=ChangeStatus.CLOSED, by=by, note_code=note_code)
        people = stay_people(placement) if people is None else people
        queue_email_to_people(
            people,
            key=f"placement-change:{change.pk}:{change.status}",
            template="placements/email/change_closed",
            context={
                "change": change,
                "company": placement.company.name,
                "host": placement.host.name,
                "cancelled": placement.status == P.CANCELLED,
                "link": link_to("placements:change_detail", change.pk),
            },
            intake_ref=placement.intake_id,
        )


@transaction.atomic
def log_departure(placement, *, by, on, note=""):
    """The firm left at the end of its stay: in residence to completed."""
    return _depart(placement, to=P.COMPLETED, by=by, on=on, note=note)


@transaction.atomic
def cut_short(placement, *, by, on, reason):
    """The stay ended early (the reason is required): its desk is free from the next day."""
    return _depart(placement, to=P.CUT_SHORT, by=by, on=on, note=reason.strip())


@transaction.atomic
def cancel_placement(placement, *, by, reason, note=""):
    """The stay never began: no-show, withdrawal or visa refused. Its desk days are free."""
    if reason not in CancelReason.values:
        raise ValidationError(_("Say why the stay is cancelled."))
    placement = _lock(placement)
    check_can_become(placement, P.CANCELLED)
    placement.cancel_reason, placement.reason, placement.desk_until = reason, note.strip(), None
    text = str(CancelReason(reason).label) + (f": {note.strip()}" if note.strip() else "")
    change_placement_status(
        placement,
        to=P.CANCELLED,
        by=by,
        note=text,
        fields=["cancel_reason", "reason", "desk_until"],
    )
    stipends.cancel_award_of(placement, by=by, reason=text)
    _close_pending_changes(placement, by=by, note_code=StayNote.STAY_CANCELLED)
    return placement


# What each kind of entry must name, beyond its date.
REQUIRED_BY_KIND = {
    EntryKind.INTRODUCTION: ["organisation", "introduction_kind"],
    EntryKind.SERVICE: ["service"],
    EntryKind.MENTOR: ["mentor"],
}
TYPED_FIELDS = {
    EntryKind.INTRODUCTION: ["organisation", "country", "introduction_kind", "hoped_outcome"],
    EntryKind.SERVICE: ["service", "provided_by", "hours"],
    EntryKind.MENTOR: ["mentor", "expertise", "languages"],
}


@transaction.atomic
def add_log_entry(placement, *, by, kind, on, note="", staff_only=False, once="", **typed):
    """The host's partner logs a check-in, an introduction, a service, a mentor or a
    concern. Only the typed fields of that kind are kept. A form sent again (``once``, its
    token) logs nothing more: None (a double click logged two introductions, both counted)."""
    placement = _lock(placement)
    if placement.status == P.CANCELLED:
        raise ValidationError(_("This placement was cancelled; nothing more is logged on it."))
    if kind not in LOGGABLE_KINDS:
        raise ValidationError(_("Choose what to log."))
    _check_date(on)
    _check_within_stay(placement, kind, on)
    if not first_sending(once):
        return None
    kept = {name: typed[name] for name in TYPED_FIELDS.get(kind, []) if typed.get(name)}
    missing = [name for name in REQUIRED_BY_KIND.get(kind, []) if not kept.get(name)]
    if missing:
        names = ", ".join(str(LogEntry._meta.get_field(name).verbose_name) for name in missing)
        raise ValidationError(_("Fill in: %(fields)s.") % {"fields": names})
    entry = LogEntry.objects.create(
        placement=placement,
        kind=kind,
        on=on,
        note=note.strip(),
        staff_only=staff_only,
        author=by,
        **kept,
    )
    if kind == EntryKind.CHECK_IN and placement.status == P.IN_RESIDENCE:
        _set_check_in_due(placement)
    return entry


def _check_within_stay(placement, kind, on):
    """No entry before the intake opened (a year typed wrong: year 1 was taken); a check-in
    is dated within the stay (once the arrival is logged, not before it); no entry but a
    concern (a key not given back) after the departure. An introduction, a service or a
    mentor may come before the arrival (a mentor assigned the week before), and a concern any
    day since the intake opened (a firm that never came)."""
    intake = placement.intake
    opened = timezone.localtime(intake.opens_at, intake.zone).date()
    if on < opened:
        raise ValidationError(
            _("This entry cannot come before the intake opened (%(day)s).")
            % {"day": date_format(opened)}
        )
    if kind == EntryKind.CONCERN:
        return
    if kind == EntryKind.CHECK_IN:
        if placement.arrived_on is None:
            raise ValidationError(_("A check-in comes once the arrival is logged."))
        if on < placement.arrived_on:
            raise ValidationError(
                _("This entry cannot come before the arrival (%(day)s).")
                % {"day": date_format(placement.arrived_on)}
            )
    if placement.departed_on is not None and on > placement.departed_on:
        raise ValidationError(
            _("This entry cannot come after the departure (%(day)s).")
            % {"day": date_format(placement.departed_on)}
        )


def _set_check_in_due(placement):
    """The next check-in falls due the intake's cadence after the last one (or the arrival):
    kept on the placement, in the transaction of the arrival or the check-in."""
    last = placement.entries.filter(kind=EntryKind.CHECK_IN).aggregate(last=Max("on"))["last"]
    since = max(filter(None, [last, placement.arrived_on]))
    placement.check_in_due_on = since + datetime.timedelta(
        days=placement.intake.check_in_every_days
    )
    placement.save(update_fields=["check_in_due_on", "updated_at"])


class AnsweredSince(ValidationError):
    """A check-in answered by a colleague after the person's page showed its answer (or no
    answer): saving would replace theirs unseen. Says who answered and what they wrote."""

    def __init__(self, entry):
        self.entry = entry
        reasons = [
            _(
                "%(person)s answered this check-in after you opened the page, so your answer "
                "is not saved. Their answer is shown above: send yours again to replace it."
            )
            % {"person": entry.answered_by}
        ]
        if entry.went_well:
            reasons.append(
                _("What went well, in their words: “%(text)s”") % {"text": entry.went_well}
            )
        if entry.needs:
            reasons.append(
                _("What the firm needs, in their words: “%(text)s”") % {"text": entry.needs}
            )
        super().__init__(reasons)


def _same_answer(entry, went_well, needs):
    return same_text(entry.went_well, went_well) and same_text(entry.needs, needs)


@transaction.atomic
def answer_check_in(entry, *, by, went_well, needs, drawn=None):
    """A member of the firm answers a check-in meant for it: what went well, what it needs.
    Answering again replaces the answer (the firm's own words, kept with who and when).
    ``drawn``: the answer the person's page showed ({"went_well", "needs"}, both empty when
    there was none); when the answer saved now is another (a colleague answered since), the
    answer is refused (AnsweredSince) rather than replacing theirs unseen, unless the person
    typed what is saved now. None (a caller that showed nothing) saves as given."""
    # Locked: two members answering at once take turns, the second compared with the first.
    entry = (
        LogEntry.objects.select_for_update(of=("self",), no_key=True)
        .select_related("placement", "answered_by")
        .get(pk=entry.pk)
    )
    if entry.kind != EntryKind.CHECK_IN or entry.staff_only:
        raise ValidationError(_("Only a check-in meant for the firm can be answered."))
    if entry.placement.status == P.CANCELLED:
        raise ValidationError(_("This placement was cancelled; nothing more is logged on it."))
    went_well, needs = went_well.strip(), needs.strip()
    if not (went_well or needs):
        raise ValidationError(_("Say what went well or what the firm needs."))
    if (
        drawn is not None
        and not _same_answer(entry, drawn.get("went_well"), drawn.get("needs"))
        and not _same_answer(entry, went_well, needs)
    ):
        raise AnsweredSince(entry)
    entry.went_well, entry.needs = went_well, needs
    entry.answered_by, entry.answered_at = by, timezone.now()
    entry.save(update_fields=["went_well", "needs", "answered_by", "answered_at"])
    return entry
