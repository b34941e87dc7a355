"""API tokens: made once, kept as a digest, limited to a year and to the person's roles,
refused when malformed, unknown, revoked or expired, narrowed to reading, counted per use."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from portal import tasks, tokens
from portal.models import ApiToken
from programs import services as programs_services
from tests import factories
from tests.portal.api.conftest import bearer, make_token

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_text_is_returned_once_and_only_its_digest_is_kept(partner):
    token, text = make_token(partner)
    assert text.startswith(f"slp_{token.prefix}_")
    assert len(token.prefix) == 8
    row = ApiToken.objects.get(pk=token.pk)
    assert row.digest == hashlib.sha256(text.encode()).hexdigest()
    assert text not in {row.digest, row.prefix, row.name}
    assert tokens.find_token(text) == token


def test_a_token_lasts_to_the_end_of_its_last_day(partner):
    token, _text = make_token(partner, days=3)
    last_day_ends = timezone.make_aware(
        datetime.datetime.combine(TODAY + datetime.timedelta(days=4), datetime.time())
    )
    assert token.expires_at == last_day_ends


@pytest.mark.parametrize(
    ("days", "message"),
    [(0, "Choose a day after today."), (366, "A token lasts at most a year.")],
)
def test_expiry_is_after_today_and_at_most_a_year_away(partner, days, message):
    with pytest.raises(ValidationError) as refused:
        make_token(partner, days=days)
    assert refused.value.message_dict == {"expires_on": [message]}


def test_a_year_to_the_day_is_allowed(partner):
    token, _text = make_token(partner, days=365)
    assert token.expires_at.date() == TODAY + datetime.timedelta(days=366)


def test_the_scope_names_only_the_persons_own_hosts(partner, host):
    other = factories.HostIncubatorFactory(name="Lagos Hub")
    with pytest.raises(ValidationError) as refused:
        make_token(partner, scope={"host": [host.pk, other.pk]})
    assert refused.value.message_dict == {
        "scope": [f"Some of these host incubators are not yours: {other.pk}."]
    }
    token, _text = make_token(partner, scope={"host": [host.pk, host.pk]})
    assert token.scope == {"host": [host.pk]}


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ({"program": "all"}, "You have no programs to give this token."),
        ({"planet": "all"}, "Unknown kind of scope: planet."),
        ({"host": "some"}, 'The scope must map kinds to "all" or to lists of ids.'),
        ({"host": [True]}, 'The scope must map kinds to "all" or to lists of ids.'),
        (["host"], 'The scope must map kinds to "all" or to lists of ids.'),
    ],
)
def test_a_scope_beyond_the_persons_roles_is_refused(partner, scope, message):
    with pytest.raises(ValidationError) as refused:
        make_token(partner, scope=scope)
    assert refused.value.message_dict == {"scope": [message]}


@pytest.mark.parametrize(
    "header",
    [
        "Bearer nonsense",
        "Bearer slp_",
        "Bearer slp_abcdefgh_",
        "Bearer slp_abcdefgh_notthesecret",
        "Bearer slp_ab_cd",
        "Bearer two words",
        "Bearer",
    ],
)
def test_a_malformed_or_unknown_token_is_a_401(partner, header):
    make_token(partner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/account/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_right_prefix_with_a_wrong_secret_is_a_401(partner):
    token, text = make_token(partner)
    response = bearer(text[:-2] + ("AA" if not text.endswith("AA") else "BB")).get(
        "/api/v1/account/"
    )
    assert response.status_code == 401


def test_an_expired_token_is_a_401(partner):
    token, text = make_token(partner)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = bearer(text).get("/api/v1/hosts/")
    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_failed",
        "message": "This token is unknown, revoked or expired.",
        "fields": {},
    }


def test_a_revoked_token_is_a_401(partner):
    token, text = make_token(partner)
    assert bearer(text).get("/api/v1/account/").status_code == 200
    tokens.revoke_api_token(token)
    assert bearer(text).get("/api/v1/account/").status_code == 401


def test_the_token_of_a_deactivated_person_is_a_401(partner):
    _token, text = make_token(partner)
    partner.is_active = False
    partner.save(update_fields=["is_active"])
    assert bearer(text).get("/api/v1/account/").status_code == 401


def test_a_read_token_may_not_write(partner):
    token, text = make_token(partner, can_write=False)
    response = bearer(text).delete(f"/api/v1/tokens/{token.pk}/")
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "This token may only read.",
        "fields": {},
    }
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_each_use_is_counted_in_one_update(partner):
    token, text = make_token(partner)
    client = bearer(text)
    client.get("/api/v1/account/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/account/")
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"portal_apitoken"' in updates[0]
    assert '"use_count" + 1' in updates[0].replace("(", "").replace(")", "")
    token.refresh_from_db()
    assert token.use_count == 2
    assert token.last_used_at is not None


def test_beat_deletes_expired_tokens_only(partner):
    old, _ = make_token(partner)
    live, _ = make_token(partner)
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    tasks.delete_expired_api_tokens()
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [live.pk]


def test_account_shows_the_person_and_anonymous_is_a_401(partner):
    _token, text = make_token(partner, can_write=False)
    assert bearer(text).get("/api/v1/account/").json() == {
        "id": partner.pk,
        "email": "petra@hub.example",
        "full_name": "Petra Partner",
        "language": "",
    }
    response = APIClient().get("/api/v1/account/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_tokens_are_listed_made_with_a_session_and_revoked(partner, host):
    other = factories.UserFactory()
    make_token(other, scope={})
    client = APIClient()
    client.force_login(partner)
    made = client.post(
        "/api/v1/tokens/",
        {
            "name": "Hub CRM",
            "expires_on": str(TODAY + datetime.timedelta(days=90)),
            "can_write": True,
            "scope": {"host": [host.pk]},
        },
        format="json",
    )
    assert made.status_code == 201
    body = made.json()
    assert (body["name"], body["can_write"], body["scope"]) == (
        "Hub CRM",
        True,
        {"host": [host.pk]},
    )
    assert tokens.find_token(body["token"]).pk == body["id"]
    listed = bearer(body["token"]).get("/api/v1/tokens/").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert "token" not in listed["results"][0]
    assert bearer(body["token"]).delete(f"/api/v1/tokens/{body['id']}/").status_code == 204
    assert bearer(body["token"]).get("/api/v1/tokens/").status_code == 401


def test_a_token_cannot_make_another(partner):
    _token, text = make_token(partner)
    response = bearer(text).post(
        "/api/v1/tokens/",
        {"name": "Copy", "expires_on": str(TODAY + datetime.timedelta(days=9))},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["message"] == "Tokens are made while signed in, not with another token."


def test_someone_elses_token_is_a_404(partner):
    other, _ = make_token(factories.UserFactory(), scope={})
    _token, text = make_token(partner)
    assert bearer(text).delete(f"/api/v1/tokens/{other.pk}/").status_code == 404
    assert ApiToken.objects.filter(pk=other.pk).exists()


def test_a_bad_new_token_answers_in_the_error_shape(partner):
    client = APIClient()
    client.force_login(partner)
    response = client.post(
        "/api/v1/tokens/",
        {"name": "Far", "expires_on": str(TODAY + datetime.timedelta(days=400))},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Check the fields marked.",
        "fields": {"expires_on": ["A token lasts at most a year."]},
    }


def test_rate_limit_per_token_is_a_429_with_retry_after(partner, settings):
    settings.PORTAL_API_RATES = {"token": "2/minute", "address": None}
    _token, text = make_token(partner)
    client = bearer(text)
    assert [client.get("/api/v1/account/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/account/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another token of the same person has its own count.
    _other, second = make_token(partner)
    assert bearer(second).get("/api/v1/account/").status_code == 200


def test_rate_limit_per_address_counts_requests_without_a_token(db, settings):
    settings.PORTAL_API_RATES = {"token": None, "address": "3/minute"}
    client = APIClient()
    assert [client.get("/api/v1/hosts/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/hosts/", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert APIClient(REMOTE_ADDR="10.0.0.9").get("/api/v1/hosts/").status_code == 200


def test_a_removed_partners_token_stops_reaching_the_host_at_once(partner, host):
    _token, text = make_token(partner, scope={"host": [host.pk]})
    assert tokens.check_scope(partner, {"host": "all"}) == {"host": "all"}
    programs_services.remove_host_partner(host, user=partner)
    with pytest.raises(ValidationError):
        tokens.check_scope(partner, {"host": [host.pk]})
    # Still a valid token (public data, the account), but the host's objects are gone:
    # tests/placements/test_api.py shows the 404.
    assert bearer(text).get("/api/v1/account/").status_code == 200
