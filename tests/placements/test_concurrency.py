"""Two people confirming at once, each on a connection of their own, on the suite's database
(SQLite by default, PostgreSQL with DATABASE_URL, as in CI)."""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from placements import services
from placements.models import Placement
from programs import services as programs_services
from tests import factories
from tests.placements.conftest import accepted_offer, day

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _overlap(monkeypatch):
    """Each confirmation, once it has counted the desks, waits (a second at most) for the
    other to count too: without the locks both would count the same free desk. With them the
    second waits at the lock, the barrier breaks and the first goes on alone."""
    barrier = threading.Barrier(2)
    full_days = services.full_days

    def full_days_together(*args, **kwargs):
        days = full_days(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        return days

    monkeypatch.setattr(services, "full_days", full_days_together)


def at_once(*calls):
    """Run each call on its own thread (named T1, T2...) and connection, released together;
    return what each returned or raised (a ValidationError as it is, any other error as its
    repr: the server error a person would meet)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index):
        try:
            barrier.wait(timeout=5)
            outcomes[index] = calls[index]()
        except ValidationError as error:
            outcomes[index] = error
        except Exception as error:  # the server error a person would meet
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index,), name=f"T{index + 1}")
        for index in range(len(calls))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def confirm(offer, by, desk, start, end):
    return lambda: services.confirm_placement(
        offer, by=by, desk=desk, starts_on=day(start), ends_on=day(end)
    )


def test_two_partners_confirming_one_offer_at_once_make_one_placement(intake, host, offer, partner):
    colleague = factories.UserFactory(full_name="Carl Colleague")
    programs_services.add_host_partner(host, user=colleague)
    outcomes = at_once(
        confirm(offer, partner, "Desk 1", -10, 40), confirm(offer, colleague, "Desk 2", -5, 30)
    )
    (placement,) = [o for o in outcomes if isinstance(o, Placement)]
    (refused,) = [o for o in outcomes if isinstance(o, ValidationError)]
    winner = placement.confirmed_by.full_name
    assert refused.messages[0].startswith(
        f"The desk and dates of Maple Analytics were already confirmed by {winner}: "
    )
    assert Placement.objects.count() == 1


def test_two_confirmations_for_the_last_desk_at_once_give_it_to_one(intake, host, offer, partner):
    other = accepted_offer(intake, host)
    outcomes = at_once(confirm(offer, partner, "", 0, 20), confirm(other, partner, "", 10, 30))
    assert sorted(type(o).__name__ for o in outcomes) == ["Placement", "ValidationError"]
    (refused,) = [o for o in outcomes if isinstance(o, ValidationError)]
    assert refused.messages[0].startswith("Berlin Hub has no free desk on these days: ")
    assert Placement.objects.count() == 1
