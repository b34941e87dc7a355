"""The host partners' API: placements read, the stay's log written through the services,
desk invoices read and confirmed; scope, rights and faults."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from placements.enums import EntryKind, PlacementStatus
from placements.models import LogEntry
from portal import tokens
from tests.placements.conftest import day, placed

pytestmark = pytest.mark.django_db


def token_for(user, *, can_write=True, scope=None, expires_in=30):
    _token, text = tokens.create_api_token(
        user,
        name="Host system",
        expires_on=timezone.localdate() + datetime.timedelta(days=expires_in),
        can_write=can_write,
        scope={"host": "all"} if scope is None else scope,
    )
    return text


def client_with(text):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


@pytest.fixture
def placement(offer, partner):
    return placed(offer, partner, start=-10, end=40)


def test_partner_lists_the_placements_of_their_hosts(placement, partner):
    response = client_with(token_for(partner)).get("/api/v1/placements/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == placement.pk
    assert body["results"][0]["company"] == "Maple Analytics"
    assert body["results"][0]["host_name"] == "Berlin Hub"
    assert body["results"][0]["status"] == "scheduled"


def test_arrival_and_introduction_go_through_the_services(placement, partner):
    client = client_with(token_for(partner))
    arrived = client.post(
        f"/api/v1/placements/{placement.pk}/arrival/", {"on": str(day(-2))}, format="json"
    )
    assert arrived.status_code == 200
    assert arrived.json()["status"] == PlacementStatus.IN_RESIDENCE
    assert arrived.json()["arrived_on"] == str(day(-2))
    introduced = client.post(
        f"/api/v1/placements/{placement.pk}/entries/",
        {
            "kind": "introduction",
            "on": str(day(-1)),
            "organisation": "Deutsche Bank",
            "introduction_kind": "customer",
            "service": "legal",
        },
        format="json",
    )
    assert introduced.status_code == 201, introduced.json()
    entry = LogEntry.objects.get(pk=introduced.json()["id"])
    assert (entry.kind, entry.organisation, entry.author) == (
        EntryKind.INTRODUCTION,
        "Deutsche Bank",
        partner,
    )
    # The service keeps only the fields of the kind, as for the page's form.
    assert entry.service == ""
    kinds = [
        row["kind"]
        for row in client.get(f"/api/v1/placements/{placement.pk}/entries/").json()["results"]
    ]
    assert kinds == ["arrival", "introduction"]
