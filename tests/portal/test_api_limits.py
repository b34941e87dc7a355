"""The API's limits: the per-address rate limit counts the address the portal sees (not one the
client writes in X-Forwarded-For) and every request, refused ones too; a body over the size
limit is a JSON 413; a token's name is one line."""

import datetime
import json
import logging

import pytest
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from portal import tokens
from portal.api.exceptions import handle
from portal.models import ApiToken
from tests import factories
from tests.portal.api.conftest import bearer, make_token
from tests.portal.test_settings import run, show

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def three_a_minute(settings):
    settings.PORTAL_API_RATES = {"token": None, "address": "3/minute"}


def statuses(client, path, times=5, **extra):
    return [client.get(path, **extra).status_code for _ in range(times)]


# The address


def test_the_address_is_remote_addr_by_default(settings):
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def test_a_made_up_x_forwarded_for_does_not_escape_the_address_limit(three_a_minute):
    client = APIClient()
    answers = [
        client.get("/api/v1/hosts/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert answers == [200, 200, 200, 429, 429]


def test_behind_one_proxy_the_address_it_added_is_counted(three_a_minute, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = APIClient()  # the proxy, 127.0.0.1
    # The client wrote the first address; the proxy added the one it saw, last.
    answers = [
        client.get(
            "/api/v1/hosts/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7"
        ).status_code
        for n in range(5)
    ]
    assert answers == [200, 200, 200, 429, 429]
    other = client.get("/api/v1/hosts/", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 200


def test_the_number_of_proxies_is_read_from_the_environment():
    assert show("settings.REST_FRAMEWORK['NUM_PROXIES']", DEBUG="true") == "0"
    assert show("settings.REST_FRAMEWORK['NUM_PROXIES']", DEBUG="true", PORTAL_PROXIES="1") == "1"
    result = run(["manage.py", "check"], DEBUG="true", PORTAL_PROXIES="-1")
    assert result.returncode == 1
    assert result.stderr.strip() == "Configuration error: PORTAL_PROXIES must be 0 or more, not -1."


# Every request counts, refused ones too


def test_guessed_tokens_are_counted_and_limited(three_a_minute):
    client = bearer("slp_abcdef12_guess")
    assert statuses(client, "/api/v1/hosts/", times=3) == [401, 401, 401]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/hosts/")
    assert response.status_code == 429
    # Refused before the token is looked up.
    assert [q["sql"] for q in queries if "apitoken" in q["sql"]] == []
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another address has its own count.
    assert (
        bearer("slp_abcdef12_guess").get("/api/v1/hosts/", REMOTE_ADDR="10.0.0.9").status_code
        == 401
    )


def test_anonymous_requests_to_signed_in_endpoints_are_counted_and_limited(three_a_minute):
    assert statuses(APIClient(), "/api/v1/placements/") == [401, 401, 401, 429, 429]


def test_refused_requests_and_accepted_ones_share_the_count(three_a_minute):
    user = factories.UserFactory()
    _token, text = make_token(user, scope={})
    assert statuses(bearer("slp_abcdef12_guess"), "/api/v1/account/", times=2) == [401, 401]
    assert statuses(bearer(text), "/api/v1/account/", times=2) == [200, 429]


@pytest.mark.parametrize("signed_in", ["token", "session"])
def test_a_request_is_counted_once(three_a_minute, signed_in):
    user = factories.UserFactory()
    if signed_in == "token":
        client = bearer(make_token(user, scope={})[1])
    else:
        client = APIClient()
        client.force_login(user)
    assert statuses(client, "/api/v1/account/") == [200, 200, 200, 429, 429]


def test_the_token_limit_still_counts_by_token(settings):
    settings.PORTAL_API_RATES = {"token": "2/minute", "address": "100/minute"}
    user = factories.UserFactory()
    first, second = make_token(user, scope={})[1], make_token(user, scope={})[1]
    assert statuses(bearer(first), "/api/v1/account/", times=3) == [200, 200, 429]
    assert statuses(bearer(second), "/api/v1/account/", times=1) == [200]


# The body


def test_a_body_over_the_size_limit_is_a_json_413(settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    user = factories.UserFactory()
    client = APIClient()
    client.force_login(user)
    body = json.dumps({"name": "x" * 2000, "expires_on": str(NEXT_WEEK)})
    with caplog.at_level(logging.ERROR, logger="django.security"):
        response = client.post("/api/v1/tokens/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "too_large",
        "message": "The request is too large.",
        "fields": {},
    }
    assert [record.name for record in caplog.records] == ["django.security.RequestDataTooBig"]
    assert not ApiToken.objects.exists()


def test_any_other_suspicious_request_is_a_json_400():
    response = handle(SuspiciousOperation("odd"), {"request": None})
    assert response.status_code == 400
    assert response.data == {
        "code": "bad_request",
        "message": "The request cannot be read.",
        "fields": {},
    }


def test_the_schema_names_the_413_on_writes_only():
    schema = Client().get("/api/schema/?format=json").json()
    assert "413" in schema["paths"]["/api/v1/tokens/"]["post"]["responses"]
    assert "413" not in schema["paths"]["/api/v1/tokens/"]["get"]["responses"]


# A token's name


def test_a_token_name_with_a_line_break_is_refused_by_the_api():
    client = APIClient()
    client.force_login(factories.UserFactory())
    response = client.post(
        "/api/v1/tokens/",
        {"name": "CRM\r\nBcc: x@example.org", "expires_on": str(NEXT_WEEK)},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Check the fields marked.",
        "fields": {"name": ["Keep this on one line: remove the line breaks."]},
    }
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("name", ["CRM\nBcc", "CRM\rBcc", "CRM\u2028Bcc"])
def test_create_api_token_refuses_a_name_with_a_line_break(name):
    with pytest.raises(ValidationError) as refused:
        tokens.create_api_token(
            factories.UserFactory(), name=name, expires_on=NEXT_WEEK, can_write=False, scope={}
        )
    assert refused.value.message_dict == {
        "name": ["Keep this on one line: remove the line breaks."]
    }
    assert not ApiToken.objects.exists()


def test_the_account_page_shows_the_line_break_next_to_the_name():
    client = Client()
    client.force_login(factories.UserFactory())
    response = client.post(
        "/accounts/api-tokens/",
        {"name": "CRM\r\nBcc", "expires_on": str(NEXT_WEEK), "can_write": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["Keep this on one line: remove the line breaks."]
    }
    assert not ApiToken.objects.exists()
