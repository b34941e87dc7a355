import datetime
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.enums import ApplicationStatus, MemberRole
from applications.models import Application
from portal import middleware
from portal.middleware import ArrivalMiddleware, request_start
from tests import factories
from tests.applications.services.test_applying import complete

UTC = datetime.UTC
MOMENT = datetime.datetime(2026, 12, 6, 1, 0, 0, 250000, tzinfo=UTC)


@pytest.mark.parametrize(
    "header",
    [
        "t=1796518800.250",
        "1796518800.25",
        "t=1796518800250",
        "1796518800250000",
        " t=1796518800250 ",
    ],
)
def test_x_request_start_in_seconds_milli_or_microseconds(header):
    assert request_start(header) == MOMENT


@pytest.mark.parametrize("header", ["", "t=", "soon", "t=nan", "0", "-5", "t=1e400"])
def test_an_x_request_start_that_names_no_moment_is_none(header):
    assert request_start(header) is None


def arrival(settings, header=None, trusted=True):
    settings.PORTAL_TRUST_REQUEST_START = trusted
    request = RequestFactory().get("/", headers={"X-Request-Start": header} if header else {})
    ArrivalMiddleware(lambda request: None)(request)
    return request.arrived_at


def test_arrival_is_the_stamp_unless_a_trusted_recent_header_says_earlier(settings, monkeypatch):
    now = MOMENT + datetime.timedelta(seconds=30)
    monkeypatch.setattr(middleware, "timezone", SimpleNamespace(now=lambda: now))
    assert arrival(settings) == now
    assert arrival(settings, "t=1796518800.250") == MOMENT
    assert arrival(settings, "t=1796518800.250", trusted=False) == now
    # From the future, or further back than PORTAL_REQUEST_START_MAX_AGE: a wrong clock.
    assert arrival(settings, "t=1796518900") == now
    settings.PORTAL_REQUEST_START_MAX_AGE = 20
    assert arrival(settings, "t=1796518800.250") == now


@pytest.fixture
def late_owner_and_draft(db):
    """A complete draft whose deadline passed one second ago."""
    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    draft = complete(services.start_application(owner.company, intake, by=owner.user), owner.user)
    deadline = timezone.now() - datetime.timedelta(seconds=1)
    type(intake).objects.filter(pk=intake.pk).update(closes_at=deadline)
    return owner, draft, deadline


def submit(client, draft, **headers):
    response = client.post(reverse("applications:submit", args=[draft.pk]), headers=headers)
    assert response.status_code == 302
    return Application.objects.get(pk=draft.pk).status


def test_submit_pressed_before_the_deadline_and_handled_after_it_is_kept(
    client, late_owner_and_draft, monkeypatch
):
    owner, draft, deadline = late_owner_and_draft
    client.force_login(owner.user)
    # The request was stamped as it arrived, before the deadline; the view ran after it
    # (only the middleware's clock is set back).
    arrived = deadline - datetime.timedelta(milliseconds=5)
    monkeypatch.setattr(middleware, "timezone", SimpleNamespace(now=lambda: arrived))
    assert submit(client, draft) == ApplicationStatus.SUBMITTED


def test_submit_arriving_after_the_deadline_is_refused(client, late_owner_and_draft):
    owner, draft, _deadline = late_owner_and_draft
    client.force_login(owner.user)
    assert submit(client, draft) == ApplicationStatus.DRAFT


def test_a_trusted_proxys_request_start_before_the_deadline_is_kept(
    client, settings, late_owner_and_draft
):
    owner, draft, deadline = late_owner_and_draft
    client.force_login(owner.user)
    queued = f"t={(deadline - datetime.timedelta(seconds=2)).timestamp():.3f}"
    settings.PORTAL_TRUST_REQUEST_START = False
    assert submit(client, draft, x_request_start=queued) == ApplicationStatus.DRAFT
    settings.PORTAL_TRUST_REQUEST_START = True
    assert submit(client, draft, x_request_start=queued) == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_a_background_save_of_a_signed_out_person_says_it_was_not_saved(client):
    """htmx followed the log-in redirect and pasted the log-in page into the form."""
    application = factories.ApplicationFactory()
    url = reverse("applications:step", args=[application.pk, "case"])
    response = client.post(url, {"x": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["X-Portal-Unsaved"] == "1"
    assert response.content.decode().startswith("Not saved: you are signed out.")
    # A full Save gets a page that says so and shows what was typed, to copy.
    full = client.post(url, {"x": "1"})
    assert (full.status_code, full.context["typed"]) == (401, [("x", "1")])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reason", "says"),
    [
        ("CSRF token from POST incorrect.", "opened before you last signed in"),
        ("Referer checking failed - no Referer.", "did not say which page"),
    ],
)
def test_a_form_refused_for_its_token_says_why_and_how_to_keep_the_text(reason, says):
    from portal.views import csrf_failure

    request = RequestFactory().post("/")
    request.user = SimpleNamespace(is_authenticated=False)
    page = csrf_failure(request, reason)
    assert page.status_code == 403
    assert says in page.content.decode()
    request = RequestFactory().post("/", headers={"HX-Request": "true"})
    line = csrf_failure(request, reason)
    assert (line.status_code, line["X-Portal-Unsaved"]) == (403, "1")
    assert says in line.content.decode()
