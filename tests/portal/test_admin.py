"""The Django admin is entered only through the portal's own log-in (second factor, rate limits)."""

from urllib.parse import quote

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.passwords import strong_password

PASSWORD = strong_password()


@pytest.fixture
def director(make_user):
    return make_user(
        email="director@portal.example", password=PASSWORD, is_staff=True, is_superuser=True
    )


def current_code(secret):
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.mark.django_db
def test_posting_a_superusers_password_to_the_admin_login_opens_no_session(client, director):
    response = client.post(
        reverse("admin:login"),
        {"username": "director@portal.example", "password": PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={quote('/admin/', safe='')}"
    assert SESSION_KEY not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_the_admin_login_page_sends_people_to_the_portals_log_in(client):
    response = client.get(reverse("admin:login") + "?next=/admin/portal/user/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2Fportal%2Fuser%2F"


@pytest.mark.django_db
def test_the_admin_index_sends_a_visitor_to_the_portals_log_in(client):
    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1] == (
        f"{reverse('account_login')}?next=%2Fadmin%2F",
        302,
    )


@pytest.mark.django_db
def test_a_superuser_who_logged_in_through_the_portal_reaches_the_admin(client, director):
    response = client.post(
        reverse("account_login"),
        {"login": "director@portal.example", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 200
    assert admin.context["user"].email == "director@portal.example"
    # Already signed in, the admin's login page lets the director through to the admin.
    assert client.get(reverse("admin:login")).status_code == 302


@pytest.mark.django_db
def test_a_superuser_with_two_factor_needs_the_code_before_the_admin(client, director):
    secret = generate_totp_secret()
    TOTP.activate(director, secret)

    response = client.post(
        reverse("account_login"),
        {"login": "director@portal.example", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("admin:index")).status_code == 302
    # The admin's own form is no way around the second factor.
    client.post(
        reverse("admin:login"), {"username": "director@portal.example", "password": PASSWORD}
    )
    assert SESSION_KEY not in client.session

    client.post(
        reverse("account_login"),
        {"login": "director@portal.example", "password": PASSWORD, "next": "/admin/"},
    )
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 200
    assert admin.context["user"].email == "director@portal.example"


@pytest.mark.django_db
def test_a_signed_in_person_who_is_not_staff_is_refused_the_admin_login(client, user):
    client.force_login(user)

    assert client.get(reverse("admin:login")).status_code == 403
