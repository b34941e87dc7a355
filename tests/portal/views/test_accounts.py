"""Sign-up, verification, log-in and password reset through allauth, with the portal's emails."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from portal.models import User
from tests.passwords import short_numeric_password, strong_password

STRONG = strong_password()


def sign_up(client, email="founder@northwind.example", password=STRONG, password2=None):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password2 or password},
    )


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.mark.django_db(transaction=True)
def test_sign_up_sends_the_portals_own_verification_email(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["founder@northwind.example"]
    assert message.subject == "Confirm your email address for the soft-landing portal"
    assert "apply to the soft-landing program" in message.body
    assert "/accounts/confirm-email/" in link_in(message)


@pytest.mark.django_db(transaction=True)
def test_log_in_is_refused_until_the_email_is_verified(client):
    sign_up(client)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "founder@northwind.example", "password": STRONG}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_verifying_then_logging_in_lands_on_the_dashboard(client):
    sign_up(client)
    confirm_url = link_in(mail.outbox[0])
    assert client.post(confirm_url).status_code == 302
    assert EmailAddress.objects.get(email="founder@northwind.example").verified

    response = client.post(
        reverse("account_login"),
        {"login": "Founder@Northwind.example", "password": STRONG},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert dashboard.context["user"].email == "founder@northwind.example"


@pytest.mark.django_db
def test_sign_up_with_a_weak_password_says_why_next_to_the_field(client):
    response = sign_up(client, password=short_numeric_password())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too short. It must contain at least 10 characters." in html
    assert "This password is entirely numeric." in html
    assert 'aria-invalid="true"' in html
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_sign_up_with_mismatched_passwords_is_refused(client):
    response = sign_up(client, password2=strong_password())
    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()


@pytest.mark.django_db
def test_sign_up_with_a_taken_email_says_so_next_to_the_field(client, make_user):
    make_user(email="taken@northwind.example")
    response = sign_up(client, email="Taken@Northwind.example")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert "A user is already registered with this email address." in html
    assert User.objects.filter(email__iexact="taken@northwind.example").count() == 1


@pytest.mark.django_db
def test_a_bad_verification_link_says_so_on_the_page(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "expired or is invalid" in html
    assert 'href="/accounts/email/"' in html


@pytest.mark.django_db(transaction=True)
def test_password_reset_email_is_the_portals_own(client, make_user):
    make_user(email="owner@northwind.example")
    client.post(reverse("account_reset_password"), {"email": "owner@northwind.example"})
    assert [m.subject for m in mail.outbox] == ["Reset your soft-landing portal password"]
    assert "/accounts/password/reset/key/" in link_in(mail.outbox[0])


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_email_is_in_the_language_the_account_chose(client, make_user):
    """Asked from a browser in English, for an account that chose French: it was written in
    the browser's language."""
    user = make_user(email="marie@northwind.example")
    User.objects.filter(pk=user.pk).update(language="fr")
    client.post(
        reverse("account_reset_password"),
        {"email": "marie@northwind.example"},
        headers={"accept-language": "en"},
    )
    assert [m.subject for m in mail.outbox] == [
        "Réinitialisez votre mot de passe du portail d’atterrissage en douceur"
    ]


@pytest.mark.django_db
def test_login_attempts_are_rate_limited(client, make_user):
    make_user(email="owner@northwind.example", password=STRONG)
    for _ in range(5):
        client.post(
            reverse("account_login"),
            {"login": "owner@northwind.example", "password": strong_password()},
        )
    response = client.post(
        reverse("account_login"), {"login": "owner@northwind.example", "password": STRONG}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_two_factor_setup_is_offered(client, user):
    client.force_login(user)
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert reverse("mfa_activate_totp") in response.content.decode()


@pytest.mark.django_db
def test_pages_switch_to_french(client):
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": reverse("account_login")}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Créer un compte" in html or "Inscription" in html
    assert "Aller au contenu principal" in html


@pytest.mark.django_db(transaction=True)
def test_a_new_account_keeps_the_language_it_was_made_in(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    sign_up(client)
    assert User.objects.get(email="founder@northwind.example").language == "fr"
    # The verification email itself went out in French.
    assert mail.outbox[0].subject != "Confirm your email address for the soft-landing portal"


@pytest.mark.django_db
def test_a_signed_in_persons_language_choice_is_kept_for_their_emails(client, make_user):
    person = make_user(language="")
    client.force_login(person)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/dashboard/"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    person.refresh_from_db()
    assert person.language == "fr"
    # A language the portal does not have changes nothing.
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    person.refresh_from_db()
    assert person.language == "fr"


@pytest.mark.django_db
def test_a_visitors_language_choice_is_only_a_cookie(client, settings):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


@pytest.mark.django_db(transaction=True)
def test_account_email_links_use_the_configured_address_not_the_requests_host(
    client, make_user, settings
):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    settings.ALLOWED_HOSTS = ["internal.local"]
    sign_up_response = client.post(
        reverse("account_signup"),
        {"email": "founder@northwind.example", "password1": STRONG, "password2": STRONG},
        HTTP_HOST="internal.local",
    )
    assert sign_up_response.status_code == 302
    make_user(email="owner@northwind.example")
    client.post(
        reverse("account_reset_password"),
        {"email": "owner@northwind.example"},
        HTTP_HOST="internal.local",
    )

    confirm, reset = (link_in(message) for message in mail.outbox)
    assert confirm.startswith("https://portal.example.org/accounts/confirm-email/")
    assert reset.startswith("https://portal.example.org/accounts/password/reset/key/")


@pytest.mark.django_db
def test_every_link_allauth_hands_an_email_starts_with_the_configured_address(
    settings, rf, django_capture_on_commit_callbacks
):
    from allauth.account.adapter import get_adapter
    from allauth.core import context

    settings.PORTAL_BASE_URL = "https://portal.example.org"
    request = rf.get("/", HTTP_HOST="internal.local")
    with context.request_context(request), django_capture_on_commit_callbacks(execute=True):
        get_adapter(request).send_mail(
            "account/email/account_already_exists",
            "owner@northwind.example",
            {
                "signup_url": "http://internal.local/accounts/signup/",
                "password_reset_url": "http://internal.local/accounts/password/reset/",
            },
        )
    (message,) = mail.outbox
    links = re.findall(r"https?://\S+", message.body)
    assert links == ["https://portal.example.org/accounts/password/reset/"]
