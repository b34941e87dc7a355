"""Fixes from the second probe: an address claimed on someone else's account (accounts #1), a
full Save made after signing out in another tab (lost #4), the account's language (french #5)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from applications.services.applying import _addresses_of
from portal.models import User
from tests.passwords import strong_password

STRONG = strong_password()
ATTACKER = "mallory@attacker.example"
VICTIM = "carol@colleague.example"


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def claim(client, attacker, address=VICTIM):
    """The attacker adds someone else's address to their own account ("Add Email")."""
    client.force_login(attacker)
    response = client.post(reverse("account_email"), {"email": address, "action_add": ""})
    client.logout()
    # allauth sends one confirmation per address every three minutes: the owner signs up later.
    cache.clear()
    return response


def addresses(user):
    return sorted(
        EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
    )


def reset(client, address):
    return client.post(reverse("account_reset_password"), {"email": address})


def set_password_by(client, message, password):
    form = client.get(link_in(message), follow=True)
    return client.post(form.redirect_chain[-1][0], {"password1": password, "password2": password})


# accounts #1: an unconfirmed address on one account is only a claim.


@pytest.mark.django_db(transaction=True)
def test_a_claimed_address_opens_no_password_reset_of_the_claimants_account(client, make_user):
    attacker = make_user(email=ATTACKER, password=STRONG)
    assert claim(client, attacker).status_code == 302
    assert addresses(attacker) == [(VICTIM, False, False), (ATTACKER, True, True)]
    mail.outbox.clear()

    response = reset(client, VICTIM)

    assert response.status_code == 200
    assert "The email address is not assigned to any user account." in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_owner_of_a_claimed_address_signs_up_and_the_claim_goes_when_they_confirm(
    client, make_user
):
    attacker = make_user(email=ATTACKER, password=STRONG)
    claim(client, attacker)
    mail.outbox.clear()

    response = client.post(
        reverse("account_signup"),
        {"email": "Carol@Colleague.example", "password1": STRONG, "password2": STRONG},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    carol = User.objects.get(email=VICTIM)
    assert carol.pk != attacker.pk
    (confirmation,) = mail.outbox
    assert confirmation.to == [VICTIM]
    assert client.post(link_in(confirmation)).status_code == 302
    assert addresses(carol) == [(VICTIM, True, True)]
    # The claim is gone from the attacker's account, with its confirmation link.
    assert addresses(attacker) == [(ATTACKER, True, True)]


@pytest.mark.django_db(transaction=True)
def test_the_whole_chain_leaves_the_owners_address_and_roles_with_the_owner(client, make_user):
    """Claim, owner signs up and confirms, owner resets "their" password: the reset is for
    the owner's account, the attacker's own address still opens only the attacker's, and an
    invitation to the owner's address counts for the owner alone."""
    attacker = make_user(email=ATTACKER, password=STRONG)
    claim(client, attacker)
    client.post(
        reverse("account_signup"),
        {"email": VICTIM, "password1": STRONG, "password2": STRONG},
    )
    client.post(link_in(mail.outbox[-1]))
    carol = User.objects.get(email=VICTIM)
    mail.outbox.clear()

    reset(client, VICTIM)
    new_password = strong_password()
    assert set_password_by(client, mail.outbox[-1], new_password).status_code == 302
    response = client.post(reverse("account_login"), {"login": VICTIM, "password": new_password})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).context["user"].pk == carol.pk
    assert _addresses_of(carol) == {VICTIM}
    assert _addresses_of(attacker) == {ATTACKER}
    # The attacker adding it again, now that it is held, is refused.
    client.logout()
    refused = claim(client, attacker)
    assert refused.status_code == 200
    assert "A user is already registered with this email address." in refused.content.decode()
    assert addresses(attacker) == [(ATTACKER, True, True)]


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_of_an_added_address_names_the_account_that_asked(client, make_user):
    attacker = make_user(email=ATTACKER, password=STRONG)
    mail.outbox.clear()
    claim(client, attacker)
    (message,) = mail.outbox
    assert message.to == [VICTIM]
    assert (
        "The soft-landing portal account mallory@attacker.example asked to add this address to "
        "it. Confirm only if that account is yours: it would then receive the invitations and "
        "roles given to this address. If it is not yours, ignore this email, and you can still "
        "sign up with this address yourself."
    ) in " ".join(message.body.split())


@pytest.mark.django_db
def test_a_held_address_still_keeps_others_from_signing_up_with_it(client, make_user):
    make_user(email="taken@northwind.example")
    unconfirmed = make_user(email="new@northwind.example", verified=False)
    EmailAddress.objects.create(user=unconfirmed, email=unconfirmed.email, primary=True)
    for address in ("Taken@Northwind.example", "new@northwind.example"):
        response = client.post(
            reverse("account_signup"),
            {"email": address, "password1": STRONG, "password2": STRONG},
        )
        assert response.status_code == 200
        assert "A user is already registered with this email address." in (
            response.content.decode()
        )
    assert User.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_reaches_an_unconfirmed_own_address_and_a_confirmed_added_one(
    client, make_user
):
    """Normal flows: someone who never confirmed their sign-up can still reset; a second
    address, once confirmed, resets the account it was added to."""
    never_confirmed = make_user(email="late@northwind.example", verified=False)
    EmailAddress.objects.create(user=never_confirmed, email=never_confirmed.email, primary=True)
    owner = make_user(email="owner@northwind.example", password=STRONG)
    mail.outbox.clear()
    client.force_login(owner)
    client.post(reverse("account_email"), {"email": "o.work@northwind.example", "action_add": ""})
    client.post(link_in(mail.outbox[-1]))
    client.logout()
    assert addresses(owner) == [
        ("o.work@northwind.example", True, False),
        ("owner@northwind.example", True, True),
    ]
    mail.outbox.clear()

    reset(client, "late@northwind.example")
    reset(client, "O.Work@northwind.example")

    assert [message.to for message in mail.outbox] == [
        ["late@northwind.example"],
        ["o.work@northwind.example"],
    ]
    new_password = strong_password()
    set_password_by(client, mail.outbox[1], new_password)
    owner.refresh_from_db()
    assert owner.check_password(new_password)


# lost #4: a full Save sent after signing out in another tab.

LOG_ENTRY = "/placements/3/log/"
PLACEMENT_PAGE = "http://testserver/placements/3/"


@pytest.mark.django_db
def test_a_save_sent_signed_out_says_it_was_not_saved_and_shows_what_was_typed(client):
    note = 'Concern: the lead fell ill.\nSecond line <b>&</b> "quotes".'
    response = client.post(
        LOG_ENTRY,
        {
            "csrfmiddlewaretoken": "abc123",
            "once": "f" * 32,
            "kind": "concern",
            "on": "2027-01-10",
            "note": note,
            "hours": "",
            "password": "hunter2-secret",
        },
        headers={"referer": PLACEMENT_PAGE},
    )

    assert response.status_code == 401
    assert response["X-Portal-Unsaved"] == "1"
    assert response.context["typed"] == [
        ("kind", "concern"),
        ("on", "2027-01-10"),
        ("note", note),
    ]
    html = response.content.decode()
    assert "Not saved: you are signed out" in html
    assert (
        '<textarea id="typed-3" rows="1" readonly>Concern: the lead fell ill.\n'
        "Second line &lt;b&gt;&amp;&lt;/b&gt; &quot;quotes&quot;.</textarea>"
    ) in html
    assert 'href="/accounts/login/?next=%2Fplacements%2F3%2F"' in html
    for hidden in ("abc123", "f" * 32, "hunter2-secret"):
        assert hidden not in html


@pytest.mark.django_db
def test_a_save_sent_signed_out_from_elsewhere_or_with_no_referer_logs_in_without_a_next(
    client,
):
    for referer in ({"referer": "https://evil.example/placements/3/"}, {}):
        response = client.post(LOG_ENTRY, {"note": "typed"}, headers=referer)
        assert response.status_code == 401
        assert 'href="/accounts/login/"' in response.content.decode()


@pytest.mark.django_db
def test_a_button_pressed_signed_out_logs_in_and_comes_back_to_the_page_not_the_action(
    client,
):
    response = client.post(
        LOG_ENTRY, {"csrfmiddlewaretoken": "abc"}, headers={"referer": PLACEMENT_PAGE}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fplacements%2F3%2F"
    # With no page to come back to, the log-in's own redirect is kept.
    response = client.post(LOG_ENTRY)
    assert response["Location"] == "/accounts/login/?next=/placements/3/log/"


@pytest.mark.django_db(transaction=True)
def test_confirming_an_address_signed_out_still_leads_to_the_log_in_page(client):
    """An anonymous POST that allauth answers with the log-in page (no ``next`` back to it)
    is not a lost save."""
    client.post(
        reverse("account_signup"),
        {"email": "founder@northwind.example", "password1": STRONG, "password2": STRONG},
    )
    client.logout()
    response = client.post(link_in(mail.outbox[-1]))
    assert (response.status_code, response["Location"]) == (302, reverse("account_login"))


@pytest.mark.django_db
def test_a_form_refused_for_its_old_token_shows_what_was_typed_only_from_this_site():
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("home"))
    sent = {"csrfmiddlewaretoken": "x" * 32, "note": "Twenty minutes of review."}

    ours = client.post(
        LOG_ENTRY, sent, headers={"origin": "http://testserver", "referer": PLACEMENT_PAGE}
    )
    other = client.post(LOG_ENTRY, sent, headers={"origin": "https://evil.example"})

    assert ours.status_code == other.status_code == 403
    assert ours.context["typed"] == [("note", "Twenty minutes of review.")]
    assert ours.context["log_in_url"] == "/accounts/login/?next=%2Fplacements%2F3%2F"
    assert "Twenty minutes of review." in ours.content.decode()
    assert other.context["typed"] == []
    assert "Twenty minutes of review." not in other.content.decode()


# french #5: the account's language.


@pytest.mark.django_db
def test_logging_in_records_the_language_read_in_when_the_account_has_none(client, make_user):
    reader = make_user(email="marie@northwind.example", password=STRONG, language="")
    chosen = make_user(email="john@northwind.example", password=STRONG, language="en")
    for person in (reader, chosen):
        client.logout()
        response = client.post(
            reverse("account_login"),
            {"login": person.email, "password": STRONG},
            headers={"accept-language": "fr-FR,fr;q=0.9"},
        )
        assert response.status_code == 302
    reader.refresh_from_db()
    chosen.refresh_from_db()
    assert (reader.language, chosen.language) == ("fr", "en")


@pytest.mark.django_db
def test_the_account_page_offers_the_language_and_saving_it_keeps_it_for_emails(
    client, make_user, settings
):
    person = make_user(language="")
    client.force_login(person)

    page = client.get(reverse("account_language"), headers={"accept-language": "fr"})
    assert page.status_code == 200
    assert page.context["form"]["language"].value() == "fr"
    assert 'value="fr" required id="id_language_1" checked' in page.content.decode()

    response = client.post(reverse("account_language"), {"language": "fr"})
    assert (response.status_code, response["Location"]) == (302, reverse("account_language"))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    person.refresh_from_db()
    assert person.language == "fr"
    assert client.get(reverse("account_language")).context["form"]["language"].value() == "fr"
    client.post(reverse("account_language"), {"language": "en"})
    after = client.get(reverse("account_language"))
    assert [str(message) for message in after.context["messages"]] == [
        "Your language is saved, for the pages and the emails."
    ]
    person.refresh_from_db()
    assert person.language == "en"


@pytest.mark.django_db
def test_an_unknown_language_is_refused_next_to_the_field(client, make_user):
    person = make_user(language="en")
    client.force_login(person)
    response = client.post(reverse("account_language"), {"language": "xx"})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "language": ["Select a valid choice. xx is not one of the available choices."]
    }
    person.refresh_from_db()
    assert person.language == "en"


def test_the_language_page_needs_a_log_in(client, db):
    response = client.get(reverse("account_language"))
    assert response["Location"] == "/accounts/login/?next=/accounts/language/"


@pytest.mark.django_db
def test_the_signed_out_page_leaves_out_the_hidden_copies_of_what_the_page_was_drawn_with(
    client,
):
    """A review's finding: the host and terms forms send each field's value as drawn
    (``initial-*``), and those, the version and the editor were listed as typed."""
    response = client.post(
        LOG_ENTRY,
        {"note": "Kept.", "initial-note": "Drawn.", "version": "7", "editor": "ab12"},
        headers={"referer": PLACEMENT_PAGE},
    )
    assert response.status_code == 401
    assert response.context["typed"] == [("note", "Kept.")]


@pytest.mark.django_db
def test_an_origin_that_names_no_host_is_not_this_site():
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("home"))
    sent = {"csrfmiddlewaretoken": "x" * 32, "note": "Twenty minutes of review."}
    for origin in ("null", "/placements/3/"):
        refused = client.post(LOG_ENTRY, sent, headers={"origin": origin})
        assert refused.context["typed"] == [], origin
