"""A page drawn for one person and sent after someone else signed in on the same browser is
refused, not saved under the other person's name (portal.middleware.drawn_for_someone_else)."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_form_drawn_for_someone_else_is_refused_with_the_text_to_copy(client):
    ada, bo = UserFactory(), UserFactory()
    client.force_login(bo)
    url = reverse("account_language")
    response = client.post(
        url,
        {"portal-person": str(ada.pk), "language": "fr", "note": "Typed by Ada."},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 403
    assert response["X-Portal-Unsaved"] == "1"
    html = response.content.decode()
    assert "Someone else signed in on this browser after the page was opened" in html
    assert "Typed by Ada." in html
    assert "portal-person" not in html  # who the page was drawn for is not shown as typed


def test_a_background_save_drawn_for_someone_else_says_so_in_a_line(client):
    ada, bo = UserFactory(), UserFactory()
    client.force_login(bo)
    response = client.post(
        reverse("account_language"),
        {"language": "fr"},
        HTTP_HX_REQUEST="true",
        HTTP_X_PORTAL_PERSON=str(ada.pk),
    )
    assert (response.status_code, response["X-Portal-Unsaved"]) == (403, "1")
    assert response.content.decode() == (
        "Not saved: someone else signed in on this browser after this page was opened. "
        "Copy what you typed, and reload the page."
    )


def test_the_same_person_a_page_for_nobody_or_no_mark_goes_through(client):
    ada = UserFactory()
    client.force_login(ada)
    url = reverse("account_language")
    for person in (str(ada.pk), "", None):
        data = {"language": "fr"} | ({} if person is None else {"portal-person": person})
        assert client.post(url, data).status_code == 302


def test_every_page_says_who_it_is_drawn_for(client):
    ada = UserFactory()
    assert 'data-person=""' in client.get(reverse("home")).content.decode()
    client.force_login(ada)
    html = client.get(reverse("home")).content.decode()
    assert f'data-person="{ada.pk}"' in html
    assert f'"X-Portal-Person": "{ada.pk}"' in html
