"""Done when: a host partner's own script, over HTTP against a running portal, makes a token
(signed in, as the account page would), logs an arrival and an introduction through the API,
and the program manager's placement page shows both."""

import datetime

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tests.placements.conftest import day, placed

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(live_server, user):
    """A requests session carrying the person's session cookie and a CSRF cookie."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    page = session.get(live_server.url + reverse("api_tokens"), timeout=30)
    assert page.status_code == 200
    return session


def test_a_partners_script_logs_the_stay_and_the_manager_sees_it(
    live_server, offer, partner, manager, host
):
    placement = placed(offer, partner, start=-10, end=40)

    browser = signed_in(live_server, partner)
    made = browser.post(
        f"{live_server.url}/api/v1/tokens/",
        json={
            "name": "Hub CRM sync",
            "expires_on": str(timezone.localdate() + datetime.timedelta(days=90)),
            "can_write": True,
            "scope": {"host": [host.pk]},
        },
        headers={"X-CSRFToken": browser.cookies["csrftoken"]},
        timeout=30,
    )
    assert made.status_code == 201, made.text
    token = made.json()["token"]

    script = requests.Session()
    script.headers["Authorization"] = f"Bearer {token}"
    api = f"{live_server.url}/api/v1/placements/{placement.pk}"
    arrived = script.post(f"{api}/arrival/", json={"on": str(day(-3))}, timeout=30)
    assert (arrived.status_code, arrived.json()["status"]) == (200, "in-residence")
    introduced = script.post(
        f"{api}/entries/",
        json={
            "kind": "introduction",
            "on": str(day(-1)),
            "organisation": "Rhine Logistics GmbH",
            "country": "DE",
            "introduction_kind": "distributor",
            "hoped_outcome": "A distribution agreement for Bavaria.",
        },
        timeout=30,
    )
    assert introduced.status_code == 201, introduced.text

    page = signed_in(live_server, manager).get(
        live_server.url + reverse("placements:detail", args=[placement.pk]), timeout=30
    )
    assert page.status_code == 200
    html = page.text
    assert "In residence" in html
    assert f"<strong>Arrival</strong> · {date_format(day(-3))}" in html
    assert f"<strong>Introduction</strong> · {date_format(day(-1))}" in html
    assert "Rhine Logistics GmbH (Germany) · Distributor or channel partner" in html
    assert "A distribution agreement for Bavaria." in html
