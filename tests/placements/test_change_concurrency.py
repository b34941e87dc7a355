"""A change request answered while the stay ends or is cancelled, each on a connection of its
own, on PostgreSQL: the answer locks the stay before the request (as the departure and the
cancellation do), so one waits for the other; it deadlocked before, one of them a server
error."""

import pytest
from django.core.exceptions import ValidationError

from placements import changes, services, stipends
from placements.enums import CancelReason, ChangeKind, ChangeStatus, PlacementStatus
from placements.models import ChangeRequest, Placement
from tests.applications.services.test_counting_concurrency import pause_t1, refused
from tests.placements.conftest import day, placed
from tests.placements.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def approved_while(ending, point, change, manager):
    """``ending`` (T1) stops at ``point`` of placements.stipends, holding the stay; the
    manager then approves ``change`` (T2). What each returned or raised."""
    reached, paused = pause_t1(stipends, point, before=True, seconds=1.5)

    def approve():
        reached.wait(10)
        return changes.approve_change(change, by=manager)

    with paused:
        return at_once(ending, approve)


def test_a_cut_short_approved_while_the_departure_is_logged(postgres, offer, partner, manager):
    placement = placed(offer, partner, start=-10, end=40)
    services.log_arrival(placement, by=partner, on=day(-10))
    change = changes.request_change(
        placement, by=partner, kind=ChangeKind.CUT_SHORT, ends_on=day(-1), reason="Ill"
    )
    # T1 (the departure) holds the stay; T2 (the approval) comes then.
    outcomes = approved_while(
        lambda: services.log_departure(placement, by=partner, on=day(0)),
        "satisfy_condition",
        change,
        manager,
    )

    assert refused(outcomes[:1]) == []
    assert isinstance(outcomes[1], ValidationError)  # already closed: nothing changed
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.COMPLETED
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.CLOSED


def test_a_move_approved_while_the_stay_is_cancelled(postgres, offer, partner, manager, owner):
    placement = placed(offer, partner, start=5, end=40)
    change = changes.request_change(
        placement, by=owner, kind=ChangeKind.MOVE_DATES, starts_on=day(7), ends_on=day(40),
        reason="Visa later",
    )  # fmt: skip
    outcomes = approved_while(
        lambda: services.cancel_placement(placement, by=manager, reason=CancelReason.NO_SHOW),
        "cancel_award_of",
        change,
        manager,
    )

    assert refused(outcomes[:1]) == []
    assert isinstance(outcomes[1], ValidationError)
    stay = Placement.objects.get(pk=placement.pk)
    assert (stay.status, stay.starts_on) == (PlacementStatus.CANCELLED, day(5))
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.CLOSED
