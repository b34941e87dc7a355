"""Two partners of one host incubator on the host-fit queue: a save from a page drawn before
a colleague's opinion was saved is refused, naming it, instead of overwriting it unseen."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from applications import queries, services
from applications.enums import ApplicationStatus, HostFit
from applications.models import HostFitOpinion, HostPreference
from tests import factories

pytestmark = pytest.mark.django_db

OLD_NOTE = "Two of our fintech members are looking for exactly this kind of software."
CLAIRES_NOTE = "Their software duplicates what our anchor member sells; no desk for them."
CLAIRES_REASON = (
    "Claire Dupont saved “Not a fit” since you opened this page: press Save again to replace "
    "it with yours. Their note: “Their software duplicates what our anchor member sells; no "
    "desk for them.”"
)


@pytest.fixture
def host():
    return factories.HostIncubatorFactory(name="Spree")


@pytest.fixture
def anna(host):
    person = factories.UserFactory(full_name="Anna Weber")
    host.partner_staff.add(person)
    return person


@pytest.fixture
def claire(host):
    person = factories.UserFactory(full_name="Claire Dupont")
    host.partner_staff.add(person)
    return person


@pytest.fixture
def harbourline(host):
    application = factories.ApplicationFactory(
        company__name="Harbourline", status=ApplicationStatus.SHORTLISTED
    )
    factories.HostPreferenceFactory(application=application, host=host, rank=1)
    return application


@pytest.fixture
def judged(harbourline, host, anna):
    services.give_host_fit(harbourline, host, by=anna, opinion=HostFit.GOOD, note=OLD_NOTE)
    return harbourline


def url(application, host):
    return reverse("applications:give_host_fit", args=[application.pk, host.pk])


def hidden_of(response, application, host):
    """The hidden fields of the row's form, as the page drew them."""
    page = response.content.decode()
    start = page.index(f'action="{url(application, host)}"')
    form = page[start : page.index("</form>", start)]
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
        if name != "csrfmiddlewaretoken"
    }


def opened(client, person, application, host):
    """What the person's browser would send from the queue opened now (the hidden fields)."""
    client.force_login(person)
    response = client.get(reverse("applications:host_fit_queue"))
    assert response.status_code == 200
    return hidden_of(response, application, host)


def saved(application, host):
    fit = HostFitOpinion.objects.get(application=application, host=host)
    preference = HostPreference.objects.get(application=application, host=host)
    return fit.opinion, fit.note, fit.given_by.full_name, preference.opinion


def told(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_page_sends_the_opinion_and_note_it_was_drawn_with(client, judged, host, anna):
    assert opened(client, anna, judged, host) == {
        "page": "1",
        "initial-opinion": "good",
        "initial-note": OLD_NOTE,
    }


def test_a_save_from_a_page_opened_before_a_colleagues_is_refused(
    client, judged, host, anna, claire
):
    annas_page = opened(client, anna, judged, host)
    claires_browser = Client()
    claires_page = opened(claires_browser, claire, judged, host)
    response = claires_browser.post(
        url(judged, host), claires_page | {"opinion": "not-a-fit", "note": CLAIRES_NOTE}
    )
    assert response.status_code == 302
    assert told(response) == ["Opinion on Harbourline saved."]
    # Anna, on the page she opened before, changes only the opinion.
    response = client.post(
        url(judged, host), annas_page | {"opinion": "possible", "note": OLD_NOTE}
    )
    assert response.status_code == 400
    assert told(response) == []
    [row] = response.context["rows"]
    # What Anna typed is kept, the reason names what is saved now and who saved it, and the
    # form is drawn again with Claire's opinion as the one it shows as saved.
    assert (row["company"], row["opinion"], row["note"], row["errors"]) == (
        "Harbourline", "possible", OLD_NOTE, [CLAIRES_REASON],
    )  # fmt: skip
    assert hidden_of(response, judged, host) == {
        "page": "1",
        "initial-opinion": "not-a-fit",
        "initial-note": CLAIRES_NOTE,
    }
    page = response.content.decode()
    assert html.escape(CLAIRES_REASON, quote=False) in page
    assert saved(judged, host) == ("not-a-fit", CLAIRES_NOTE, "Claire Dupont", "not-a-fit")


def test_saving_again_from_the_refused_page_replaces_the_colleagues_opinion(
    client, judged, host, anna, claire
):
    annas_page = opened(client, anna, judged, host)
    claires_browser = Client()
    claires_page = opened(claires_browser, claire, judged, host)
    claires_browser.post(
        url(judged, host), claires_page | {"opinion": "not-a-fit", "note": CLAIRES_NOTE}
    )
    refused = client.post(url(judged, host), annas_page | {"opinion": "possible", "note": OLD_NOTE})
    assert refused.status_code == 400
    response = client.post(
        url(judged, host), hidden_of(refused, judged, host) | {"opinion": "possible", "note": ""}
    )
    assert response.status_code == 302
    assert told(response) == ["Opinion on Harbourline saved."]
    assert saved(judged, host) == ("possible", "", "Anna Weber", "possible")


def test_a_colleagues_opinion_without_a_note_is_named_as_such(client, judged, host, anna, claire):
    annas_page = opened(client, anna, judged, host)
    services.give_host_fit(judged, host, by=claire, opinion=HostFit.NOT_A_FIT)
    response = client.post(url(judged, host), annas_page | {"opinion": "good", "note": "Fine"})
    assert response.status_code == 400
    assert response.context["rows"][0]["errors"] == [
        "Claire Dupont saved “Not a fit” without a note since you opened this page: press Save "
        "again to replace it with yours."
    ]
    assert saved(judged, host) == ("not-a-fit", "", "Claire Dupont", "not-a-fit")


def test_the_same_person_saves_twice_from_a_fresh_page(client, judged, host, anna):
    first = client.post(
        url(judged, host),
        opened(client, anna, judged, host) | {"opinion": "possible", "note": "Maybe"},
    )
    assert first.status_code == 302
    second = client.post(
        url(judged, host),
        opened(client, anna, judged, host) | {"opinion": "not-a-fit", "note": "No desk"},
    )
    assert second.status_code == 302
    assert told(second) == ["Opinion on Harbourline saved."]
    assert saved(judged, host) == ("not-a-fit", "No desk", "Anna Weber", "not-a-fit")


def test_a_first_opinion_is_saved(client, harbourline, host, anna):
    page = opened(client, anna, harbourline, host)
    assert page == {"page": "1", "initial-opinion": "", "initial-note": ""}
    response = client.post(url(harbourline, host), page | {"opinion": "good", "note": " Fits "})
    assert response.status_code == 302
    assert saved(harbourline, host) == ("good", "Fits", "Anna Weber", "good")
    assert queries.host_fit_waiting(anna) == 0


def test_a_first_opinion_given_while_a_colleague_gave_one_is_refused(
    client, harbourline, host, anna, claire
):
    annas_page = opened(client, anna, harbourline, host)
    services.give_host_fit(harbourline, host, by=claire, opinion=HostFit.NOT_A_FIT, note="No")
    response = client.post(url(harbourline, host), annas_page | {"opinion": "good", "note": ""})
    assert response.status_code == 400
    assert response.context["rows"][0]["errors"] == [
        "Claire Dupont saved “Not a fit” since you opened this page: press Save again to "
        "replace it with yours. Their note: “No”"
    ]
    assert saved(harbourline, host) == ("not-a-fit", "No", "Claire Dupont", "not-a-fit")


# The service, for any caller -------------------------------------------------------------------


def test_the_service_refuses_a_save_over_an_opinion_saved_since(judged, host, anna, claire):
    services.give_host_fit(judged, host, by=claire, opinion=HostFit.NOT_A_FIT, note=CLAIRES_NOTE)
    with pytest.raises(ValidationError) as refused:
        services.give_host_fit(
            judged, host, by=anna, opinion=HostFit.POSSIBLE, note=OLD_NOTE,
            drawn={"opinion": "good", "note": OLD_NOTE},
        )  # fmt: skip
    assert refused.value.messages == [CLAIRES_REASON]
    assert saved(judged, host) == ("not-a-fit", CLAIRES_NOTE, "Claire Dupont", "not-a-fit")


def test_the_service_saves_when_the_page_showed_what_is_saved(judged, host, anna, claire):
    services.give_host_fit(
        judged, host, by=claire, opinion=HostFit.NOT_A_FIT, note="No desk",
        drawn={"opinion": "good", "note": OLD_NOTE},
    )  # fmt: skip
    assert saved(judged, host) == ("not-a-fit", "No desk", "Claire Dupont", "not-a-fit")


def test_the_service_saves_what_is_saved_already_whatever_the_page_showed(
    judged, host, anna, claire
):
    services.give_host_fit(judged, host, by=claire, opinion=HostFit.NOT_A_FIT, note="No desk")
    services.give_host_fit(
        judged, host, by=anna, opinion=HostFit.NOT_A_FIT, note="No desk",
        drawn={"opinion": "good", "note": OLD_NOTE},
    )  # fmt: skip
    assert saved(judged, host) == ("not-a-fit", "No desk", "Anna Weber", "not-a-fit")


def test_the_service_saves_as_given_for_a_caller_that_showed_nothing(judged, host, anna, claire):
    services.give_host_fit(judged, host, by=claire, opinion=HostFit.NOT_A_FIT, note="No desk")
    services.give_host_fit(judged, host, by=anna, opinion=HostFit.POSSIBLE)
    assert saved(judged, host) == ("possible", "", "Anna Weber", "possible")


def test_a_post_without_the_drawn_copies_saves_as_before(client, judged, host, anna, claire):
    services.give_host_fit(judged, host, by=claire, opinion=HostFit.NOT_A_FIT, note="No desk")
    client.force_login(anna)
    response = client.post(url(judged, host), {"opinion": "possible", "note": "", "page": "1"})
    assert response.status_code == 302
    assert saved(judged, host) == ("possible", "", "Anna Weber", "possible")
