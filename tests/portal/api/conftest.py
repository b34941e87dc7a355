import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from portal import tokens
from programs import services as programs_services
from tests import factories


def make_token(user, *, can_write=True, scope=None, days=30):
    token, text = tokens.create_api_token(
        user,
        name="Host system",
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
        can_write=can_write,
        scope={"host": "all"} if scope is None else scope,
    )
    return token, text


def bearer(text):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


@pytest.fixture
def host(db):
    return factories.HostIncubatorFactory(name="Berlin Hub")


@pytest.fixture
def partner(host):
    user = factories.UserFactory(full_name="Petra Partner", email="petra@hub.example")
    programs_services.add_host_partner(host, user=user)
    return user
