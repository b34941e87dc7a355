"""Two managers saving one intake's desk offers at the same moment, each on a connection of
its own, on PostgreSQL: the second replaces the first's, as one after the other would."""

import threading
import time

import pytest
from django.db import transaction

from programs import services
from programs.models import DeskOffer
from tests import factories
from tests.placements.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_managers_saving_desk_offers_at_once_leave_the_second_set(postgres):
    intake = factories.IntakeFactory()
    market = factories.DeskOfferFactory(intake=intake).host.market
    lagos, lyon = (
        factories.HostIncubatorFactory(market=market, name=name, desk_capacity=5)
        for name in ("Lagos Works", "Lyon Hub")
    )
    saved = threading.Event()

    def first():
        with transaction.atomic():  # the request's transaction (ATOMIC_REQUESTS)
            services.set_desk_offers(intake, offers=[(lagos, 2)])
            saved.set()
            time.sleep(1)
        return "first"

    def second():
        saved.wait(10)
        services.set_desk_offers(intake, offers=[(lyon, 3)])
        return "second"

    assert at_once(first, second) == ["first", "second"]
    assert list(DeskOffer.objects.filter(intake=intake).values_list("host__name", "desks")) == [
        ("Lyon Hub", 3)
    ]
