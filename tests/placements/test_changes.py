"""Change requests: asked by the firm or the host's partner, approved or refused by the
manager (every check made again), the firm's and the host's people told in their language."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils.formats import date_format as d

from placements import changes, services
from placements.enums import ChangeKind, ChangeStatus, PlacementStatus
from placements.models import ChangeRequest, Placement
from portal.models import OutgoingEmail
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed

pytestmark = pytest.mark.django_db
C = ChangeStatus
P = PlacementStatus


@pytest.fixture
def people(partner, owner, manager):
    partner.language, owner.language, manager.language = "fr", "en", "en"
    for person in (partner, owner, manager):
        person.save()
    return partner, owner, manager


def move(placement, by, start, end, reason="The visa came late."):
    return changes.request_change(
        placement,
        by=by,
        kind=ChangeKind.MOVE_DATES,
        starts_on=day(start),
        ends_on=day(end),
        reason=reason,
    )


def test_an_approved_move_gives_the_stay_its_new_dates_and_tells_everyone(
    offer, people, django_capture_on_commit_callbacks
):
    partner, owner, manager = people
    placement = placed(offer, partner, start=10, end=40)

    with django_capture_on_commit_callbacks(execute=True):
        change = move(placement, owner, 20, 60)
    assert [email.to for email in mail.outbox] == [[manager.email]]
    assert mail.outbox[0].subject == "Change asked: Maple Analytics at Berlin Hub"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        changes.approve_change(change, by=manager, note="Fine.")

    placement.refresh_from_db()
    assert (placement.starts_on, placement.ends_on, placement.desk_until) == (
        day(20),
        day(60),
        day(60),
    )
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_note) == (
        C.APPROVED,
        manager,
        "Fine.",
    )
    assert list(change.events.values_list("actor", "from_status", "to_status")) == [
        (owner.pk, "", C.PENDING),
        (manager.pk, C.PENDING, C.APPROVED),
    ]
    moved = placement.events.last()
    assert (moved.from_status, moved.to_status, moved.note_text) == (
        P.SCHEDULED,
        P.SCHEDULED,
        f"Dates moved from {d(day(10))} – {d(day(40))} to {d(day(20))} – {d(day(60))}: "
        "The visa came late.",
    )
    # The firm in English, the host's partner in French (the new sentences wait for the
    # catalogue; the greeting shows the language each was rendered in).
    by_reader = {email.to[0]: email for email in mail.outbox}
    assert sorted(by_reader) == sorted([owner.email, partner.email])
    assert by_reader[owner.email].subject == "Change approved: Maple Analytics at Berlin Hub"
    assert by_reader[owner.email].body.startswith("Hello,")
    assert by_reader[partner.email].body.startswith("Bonjour,")
    assert (
        f"The program approved the new dates of the stay of Maple Analytics at Berlin Hub: "
        f"{d(day(20))} – {d(day(60))}."
    ) in by_reader[owner.email].body
    keys = set(
        OutgoingEmail.objects.filter(key__startswith="placement-")
        .exclude(key__startswith="placement-confirmed")
        .values_list("key", flat=True)
    )
    assert keys == {
        f"placement-change-asked:{change.pk}:en",
        f"placement-change:{change.pk}:approved:en",
        f"placement-change:{change.pk}:approved:fr",
    }


def test_approval_checks_the_desks_again_and_changes_nothing_when_they_are_taken(
    intake, host, offer, people
):
    partner, owner, manager = people
    placement = placed(offer, partner, start=10, end=40)
    change = move(placement, owner, 45, 80)
    # Meanwhile the host's one desk goes to another firm over those days.
    placed(accepted_offer(intake, host), partner, start=50, end=70)

    with pytest.raises(ValidationError) as error:
        changes.approve_change(change, by=manager)

    assert error.value.messages == [
        f"Berlin Hub has no free desk on these days: {d(day(50))} – {d(day(70))}."
    ]
    change.refresh_from_db()
    placement.refresh_from_db()
    assert (change.status, placement.starts_on, placement.ends_on) == (C.PENDING, day(10), day(40))
    assert change.events.count() == 1


def test_an_approved_cut_short_frees_the_desk_from_the_next_day(intake, host, offer, people):
    partner, owner, manager = people
    placement = placed(offer, partner, start=-10, end=40)
    services.log_arrival(placement, by=partner, on=day(-10))
    change = changes.request_change(
        placement, by=partner, kind=ChangeKind.CUT_SHORT, ends_on=day(0), reason="Family matter."
    )

    changes.approve_change(change, by=manager)

    placement.refresh_from_db()
    assert (placement.status, placement.departed_on, placement.desk_until) == (
        P.CUT_SHORT,
        day(0),
        day(0),
    )
    assert placement.events.last().note == "Family matter."
    # The one desk is free from tomorrow.
    assert placed(accepted_offer(intake, host), partner, start=1, end=30).starts_on == day(1)


def test_a_refusal_needs_a_reason_and_leaves_the_stay_as_it_was(
    offer, people, django_capture_on_commit_callbacks
):
    partner, owner, manager = people
    placement = placed(offer, partner, start=10, end=40)
    change = move(placement, partner, 20, 50)

    with pytest.raises(ValidationError) as error:
        changes.refuse_change(change, by=manager, reason="  ")
    assert error.value.messages == ["Give the reason."]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changes.refuse_change(change, by=manager, reason="The host has an event then.")

    change.refresh_from_db()
    placement.refresh_from_db()
    assert (change.status, change.decision_note) == (C.REFUSED, "The host has an event then.")
    assert (placement.starts_on, placement.ends_on) == (day(10), day(40))
    english = next(email for email in mail.outbox if email.to == [owner.email])
    assert english.subject == "Change refused: Maple Analytics at Berlin Hub"
    assert "The manager's reason: The host has an event then." in english.body


def test_an_answered_request_cannot_be_answered_again(offer, people):
    partner, owner, manager = people
    change = move(placed(offer, partner, start=10, end=40), owner, 20, 50)
    changes.withdraw_change(change, by=owner)

    with pytest.raises(ValidationError) as error:
        changes.approve_change(change, by=manager)

    assert error.value.messages == [
        "This request was already answered (withdrawn); nothing was changed."
    ]
    assert ChangeRequest.objects.get().status == C.WITHDRAWN


def test_one_pending_request_per_placement(offer, people):
    partner, owner, _manager = people
    placement = placed(offer, partner, start=10, end=40)
    move(placement, owner, 20, 50)

    with pytest.raises(ValidationError) as error:
        move(placement, partner, 15, 45)

    assert error.value.messages == [
        "A change to this stay already waits for the manager's answer; nothing was sent."
    ]
    assert ChangeRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "kind", "start", "end", "message"),
    [
        (
            "scheduled",
            ChangeKind.CUT_SHORT,
            None,
            0,
            "A placement that is scheduled cannot be changed this way.",
        ),
        (
            "in-residence",
            ChangeKind.CUT_SHORT,
            None,
            3,
            "A stay is cut short on the day the firm leaves, or later. To end it on a day "
            "still to come, ask to move its dates.",
        ),
        (
            "in-residence",
            ChangeKind.MOVE_DATES,
            -5,
            40,
            "The stay has begun: only its end can move.",
        ),
        (
            "scheduled",
            ChangeKind.MOVE_DATES,
            -10,
            200,
            None,
        ),
    ],
)
def test_a_change_that_could_not_be_granted_is_refused_when_asked(
    offer, people, intake, status, kind, start, end, message
):
    partner, owner, _manager = people
    placement = placed(offer, partner, start=-10, end=40)
    if status == "in-residence":
        services.log_arrival(placement, by=partner, on=day(-10))

    with pytest.raises(ValidationError) as error:
        changes.request_change(
            placement,
            by=owner,
            kind=kind,
            starts_on=None if start is None else day(start),
            ends_on=day(end),
            reason="Because.",
        )

    expected = message or (
        f"The stay must fall between {d(intake.placement_starts_on)} and "
        f"{d(intake.placement_ends_on)}."
    )
    assert expected in error.value.messages
    assert ChangeRequest.objects.count() == 0
    assert Placement.objects.get().status == status


def test_a_partner_of_another_host_cannot_withdraw_nor_a_colleague(offer, people, company):
    partner, owner, _manager = people
    change = move(placed(offer, partner, start=10, end=40), owner, 20, 50)
    colleague = factories.CompanyMemberFactory(company=company).user

    assert colleague.has_perm("placements.view_changerequest", change)
    assert not colleague.has_perm("placements.withdraw_changerequest", change)
    assert owner.has_perm("placements.withdraw_changerequest", change)
    assert not owner.has_perm("placements.decide_changerequest", change)


def test_a_stay_in_residence_moves_its_end_and_keeps_its_start(offer, people):
    partner, owner, manager = people
    placement = placed(offer, partner, start=-10, end=40)
    services.log_arrival(placement, by=partner, on=day(-10))

    change = changes.request_change(
        placement, by=owner, kind=ChangeKind.MOVE_DATES, ends_on=day(50), reason="More buyers."
    )
    changes.approve_change(change, by=manager)

    placement.refresh_from_db()
    assert (change.starts_on, placement.starts_on, placement.ends_on, placement.status) == (
        day(-10),
        day(-10),
        day(50),
        P.IN_RESIDENCE,
    )


def test_the_migration_closes_requests_left_waiting_or_withdrawn_by_a_stay_s_end(offer, people):
    """Before a closed status, the stay's end marked a waiting request withdrawn (with its
    note, in the language of the moment), and a request asked before closing existed stayed
    waiting on an ended stay: placements 0007 closes both, and leaves a real withdrawal."""
    from importlib import import_module

    from django.apps import apps

    from placements.models import ChangeRequestEvent

    close_unanswered = import_module("placements.migrations.0007_change_closed").close_unanswered
    partner, owner, manager = people
    intake, host = offer.application.intake, offer.host
    stays = [placed(offer, partner, start=10, end=20)]
    stays += [placed(accepted_offer(intake, host), partner, start=n, end=n + 10) for n in (30, 50)]
    ended = move(stays[0], owner, 11, 21)
    french, taken_back = (
        move(stay, partner, n + 1, n + 11) for stay, n in zip(stays[1:], (30, 50), strict=True)
    )
    changes.withdraw_change(taken_back, by=partner)
    services.cancel_placement(stays[1], by=manager, reason="no-show")  # closed by today's code
    ChangeRequest.objects.filter(pk=french.pk).update(status=C.WITHDRAWN)
    ChangeRequestEvent.objects.filter(request=french, to_status=C.CLOSED).update(
        to_status=C.WITHDRAWN, note="Close\u00a0: le séjour a été annulé."
    )
    Placement.objects.filter(pk=stays[0].pk).update(status=P.CANCELLED)  # before closing existed

    close_unanswered(apps, None)

    statuses = dict(ChangeRequest.objects.values_list("pk", "status"))
    assert statuses == {ended.pk: C.CLOSED, french.pk: C.CLOSED, taken_back.pk: C.WITHDRAWN}
    closing = ChangeRequestEvent.objects.get(request=ended, to_status=C.CLOSED)
    assert (closing.from_status, closing.note, closing.actor) == (
        C.PENDING,
        "Closed: the stay was cancelled.",
        owner,
    )
    assert list(french.events.values_list("to_status", flat=True)) == [C.PENDING, C.CLOSED]
