"""The account page's API tokens: made with a name, a last day, rights and a scope chosen
from the person's hosts; shown once; listed with their use; revoked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import tokens
from portal.models import ApiToken
from tests import factories
from tests.portal.api.conftest import make_token

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_page_offers_the_persons_hosts_and_shows_the_new_token_once(client, partner, host):
    client.force_login(partner)
    page = client.get(reverse("api_tokens"))
    assert page.status_code == 200
    scope = page.context["form"].fields["scope"].choices
    assert scope == [
        (
            "Host incubators",
            [("host:all", "All your host incubators"), (f"host:{host.pk}", str(host))],
        )
    ]
    made = client.post(
        reverse("api_tokens"),
        {
            "name": "Hub CRM",
            "expires_on": str(TODAY + datetime.timedelta(days=30)),
            "can_write": "1",
            "scope": [f"host:{host.pk}"],
        },
    )
    assert made.status_code == 200
    text = made.context["created"]["text"]
    token = ApiToken.objects.get()
    assert (token.name, token.can_write, token.scope) == ("Hub CRM", True, {"host": [host.pk]})
    assert tokens.find_token(text) == token
    assert text in made.content.decode()
    again = client.get(reverse("api_tokens")).content.decode()
    assert text not in again
    assert "Hub CRM" in again
    assert str(host) in again


def test_the_page_refuses_a_token_of_more_than_a_year(client, partner):
    client.force_login(partner)
    response = client.post(
        reverse("api_tokens"),
        {"name": "Far", "expires_on": str(TODAY + datetime.timedelta(days=400))},
    )
    assert response.context["form"].errors == {"expires_on": ["A token lasts at most a year."]}
    assert ApiToken.objects.count() == 0


def test_a_person_revokes_their_token_and_not_anothers(client, partner):
    mine, _ = make_token(partner)
    theirs, _ = make_token(factories.UserFactory(), scope={})
    client.force_login(partner)
    assert client.post(reverse("revoke_api_token", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("revoke_api_token", args=[mine.pk]))
    assert response.status_code == 302
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
