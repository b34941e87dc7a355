import contextlib
import datetime
import re
import threading
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from applications import services
from applications.enums import BudgetCategory, MemberRole
from applications.views.applicant import STEPS
from programs.models import ExchangeRate
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return factories.CompanyMemberFactory(role=MemberRole.OWNER)


@pytest.fixture
def draft(owner):
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    return services.start_application(owner.company, intake, by=owner.user)


def step_url(application, step):
    return reverse("applications:step", args=[application.pk, step])


def test_every_step_opens_for_a_member_with_its_title_and_fields(client, owner, draft):
    client.force_login(owner.user)
    for current in STEPS:
        response = client.get(step_url(draft, current.key))
        html = response.content.decode()
        assert response.context["current"] == current
        assert f"<h2>{current.title}</h2>" in html, current.key
        assert f'aria-current="step">{current.title}</a>' in html, current.key
        for field in current.form.base_fields if current.form else []:
            if field == "version":
                assert f'name="version" value="{draft.version}"' in html, current.key
            else:
                assert f'name="{field}"' in html, (current.key, field)


def test_the_applicant_starts_from_the_intake(client, owner):
    intake = factories.IntakeFactory()
    client.force_login(owner.user)
    response = client.post(
        reverse("applications:start", args=[intake.pk]), {"company": owner.company.pk}
    )
    application = owner.company.applications.get()
    assert response.url == step_url(application, "hosts")
    response = client.post(
        reverse("applications:start", args=[intake.pk]), {"company": owner.company.pk}
    )
    assert "already has an application" in response.content.decode()


def test_someone_elses_application_is_a_404(client, draft):
    stranger = factories.CompanyMemberFactory(role=MemberRole.OWNER).user
    client.force_login(stranger)
    assert client.get(step_url(draft, "case")).status_code == 404
    assert client.post(reverse("applications:submit", args=[draft.pk])).status_code == 404


def test_staff_edit_the_draft_but_only_the_owner_submits(client, owner, draft):
    staff = factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF).user
    client.force_login(staff)
    response = client.post(
        step_url(draft, "case"), {"version": draft.version, "potential_market": "Utilities"}
    )
    assert response.status_code == 302
    assert client.post(reverse("applications:submit", args=[draft.pk])).status_code == 403


def test_a_save_reports_dates_outside_the_window_next_to_the_field(client, owner, draft):
    client.force_login(owner.user)
    window_end = draft.intake.placement_ends_on
    response = client.post(
        step_url(draft, "dates"),
        {
            "version": draft.version,
            "proposed_start": draft.intake.placement_starts_on.isoformat(),
            "proposed_end": window_end.isoformat(),
        },
    )
    html = response.content.decode()
    assert 'id="id_proposed_end_error"' in html
    assert "at most 90 days" in html


def test_the_second_editor_is_told_and_sees_both_versions(client, owner, draft):
    colleague = factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF).user
    opened = draft.version
    services.save_draft(draft, by=colleague, version=opened, potential_market="Their words")
    client.force_login(owner.user)
    response = client.post(
        step_url(draft, "case"), {"version": opened, "potential_market": "My words"}
    )
    html = response.content.decode()
    assert "Someone else saved this draft after you opened it." in html
    assert "Their words" in html
    assert "My words" in html
    draft.refresh_from_db()
    assert draft.potential_market == "Their words"
    # Saving again, knowingly, keeps this person's version.
    response = client.post(
        step_url(draft, "case"), {"version": draft.version, "potential_market": "My words"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.potential_market == "My words"


def test_autosave_answers_with_the_new_version(client, owner, draft):
    client.force_login(owner.user)
    response = client.post(
        step_url(draft, "case"),
        {"version": draft.version, "travellers": "Our CEO"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Saved at" in html
    assert f'name="version" value="{draft.version + 1}"' in html
    draft.refresh_from_db()
    assert draft.travellers == "Our CEO"


def test_a_draft_survives_a_log_out(client, owner, draft):
    client.force_login(owner.user)
    client.post(step_url(draft, "case"), {"version": draft.version, "travellers": "Our CEO"})
    client.logout()
    client.force_login(owner.user)
    assert "Our CEO" in client.get(step_url(draft, "case")).content.decode()


def dashboard_queries(client, user):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_the_applicant_dashboard_runs_the_same_queries_for_3_and_300_applications(client, owner):
    def add(count):
        for _ in range(count):
            intake = factories.IntakeFactory()
            services.start_application(owner.company, intake, by=owner.user)

    client.force_login(owner.user)
    add(3)
    few = dashboard_queries(client, owner.user)
    add(297)
    assert (few, dashboard_queries(client, owner.user)) == (8, 8)


def test_save_after_the_pages_own_autosave_is_not_a_conflict(client, owner, draft):
    client.force_login(owner.user)
    html = client.get(step_url(draft, "case")).content.decode()
    editor = re.search(r'name="editor" value="([0-9a-f]{16})"', html).group(1)
    opened = {"version": draft.version, "editor": editor}
    client.post(
        step_url(draft, "case"), opened | {"travellers": "Our CEO"}, headers={"HX-Request": "1"}
    )
    # The Save button raced the autosave and still carries the version the page opened at.
    response = client.post(step_url(draft, "case"), opened | {"travellers": "Our CEO and CTO"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.travellers == "Our CEO and CTO"


class FormFields(HTMLParser):
    """What a browser sends for the page's form as it stands: every field with its value."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "checkbox", "radio"}:
            self.data[name] = attrs.get("value") or ""
        elif tag == "input" and name and "checked" in attrs:
            self.data[name] = attrs.get("value", "on")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            if self._select not in self.data or "selected" in attrs:
                self.data[self._select] = attrs["value"]
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")


def form_fields(response):
    parser = FormFields()
    parser.feed(response.content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


@pytest.mark.parametrize("currency", ["CAD", "EUR"])
def test_a_budget_line_autosaved_then_saved_stays(client, owner, draft, currency):
    ExchangeRate.objects.create(
        currency="EUR", rate="1.50000000", valid_from=timezone.localdate(), source="Test"
    )
    client.force_login(owner.user)
    url = step_url(draft, "budget")
    page = form_fields(client.get(url))
    assert page["budget-INITIAL_FORMS"] == "0"
    # The applicant types a line; the currency is left as it is (CAD) or changed (EUR).
    page |= {
        "budget-0-description": "Flights",
        "budget-0-amount_0": "1500",
        "budget-0-amount_1": currency,
    }
    autosaved = client.post(url, page, headers={"HX-Request": "true"})
    assert "Saved at" in autosaved.content.decode()
    # The autosave's answer gives the page the new version; the rest of the page stays.
    page["version"] = re.search(r'name="version" value="(\d+)"', autosaved.content.decode())[1]
    response = client.post(url, page | {"continue": ""})
    assert response.status_code == 302
    assert response.url == step_url(draft, "documents")
    lines = [(line.category, line.description, line.amount) for line in draft.budget_lines.all()]
    assert lines == [(BudgetCategory.TRAVEL, "Flights", Money(Decimal("1500.00"), currency))]
    # A line the page showed is sent back unchanged by later saves and stays too.
    page = form_fields(client.get(url))
    assert page["budget-INITIAL_FORMS"] == "1"
    for _ in range(2):
        client.post(url, page, headers={"HX-Request": "true"})
    assert draft.budget_lines.count() == 1


def saves_at_once(monkeypatch, *posts):
    """Send each (user, url, data, headers) from its own thread and connection, at once.

    Each save waits (a second at most) for the others to reach the write, so that they
    overlap as a field's autosave and a Save button, or two colleagues, do.
    """
    barrier = threading.Barrier(len(posts))
    save_draft = services.save_draft

    def save_draft_together(*args, **kwargs):
        # A database that makes the others wait at the start of their transaction keeps
        # them from coming here: then the barrier breaks and this save goes on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        return save_draft(*args, **kwargs)

    monkeypatch.setattr(services, "save_draft", save_draft_together)
    clients = []
    for user, *_ in posts:
        client = Client()
        client.force_login(user)
        clients.append(client)
    outcomes = [None] * len(posts)

    def send(index):
        _user, url, data, headers = posts[index]
        try:
            response = clients[index].post(url, data, headers=headers)
            outcomes[index] = (response.status_code, response.content.decode())
        except Exception as error:  # the server error a person would meet
            outcomes[index] = (500, repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_colleagues_saving_at_once_get_one_save_and_one_conflict(monkeypatch, owner, draft):
    """On the suite's database: SQLite by default, PostgreSQL with DATABASE_URL (as in CI)."""
    colleague = factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF).user
    url = step_url(draft, "case")
    opened = draft.version
    outcomes = saves_at_once(
        monkeypatch,
        (owner.user, url, {"version": opened, "editor": "a" * 16, "travellers": "Ana"}, {}),
        (colleague, url, {"version": opened, "editor": "b" * 16, "travellers": "Ben"}, {}),
    )
    assert sorted(status for status, _html in outcomes) == [200, 302], outcomes
    (refused,) = [html for status, html in outcomes if status == 200]
    assert "Someone else saved this draft after you opened it." in refused
    winner = "Ana" if outcomes[0][0] == 302 else "Ben"
    draft.refresh_from_db()
    assert (draft.travellers, draft.version) == (winner, opened + 1)


@pytest.mark.django_db(transaction=True)
def test_an_autosave_and_the_save_button_at_once_both_save(monkeypatch, owner, draft):
    """Leaving a field by pressing Save sends its autosave and the form at the same moment."""
    url = step_url(draft, "case")
    page = {"version": draft.version, "editor": "c" * 16, "travellers": "Our CEO"}
    outcomes = saves_at_once(
        monkeypatch,
        (owner.user, url, page, {"HX-Request": "true"}),
        (owner.user, url, page | {"continue": ""}, {}),
    )
    assert outcomes[0][0] == 200, outcomes
    assert "Saved at" in outcomes[0][1]
    assert outcomes[1][0] == 302, outcomes
    draft.refresh_from_db()
    assert (draft.travellers, draft.version) == ("Our CEO", page["version"] + 2)


def test_the_applicants_apply_reads_poser_sa_candidature_in_french(client, owner):
    intake = factories.IntakeFactory(proven_product_required=False)
    client.force_login(owner.user)
    url = reverse("applications:eligibility", args=[intake.pk])
    html = client.get(url, headers={"accept-language": "fr"}).content.decode()
    start = reverse("applications:start", args=[intake.pk])
    assert f'<a href="{start}">Poser sa candidature</a>' in html
    html = client.get(start, headers={"accept-language": "fr"}).content.decode()
    assert f"<title>Poser sa candidature · {intake.title}" in html


def test_a_draft_version_past_its_bound_is_refused_not_a_server_error(client, owner, draft):
    client.force_login(owner.user)
    response = client.post(
        step_url(draft, "case"), {"version": str(10**25), "potential_market": "Utilities"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "version": [f"Ensure this value is less than or equal to {2**31 - 1}."]
    }
    draft.refresh_from_db()
    assert draft.potential_market == ""


def test_the_dates_step_in_french_shows_the_saved_dates_and_keeps_them(client, owner, draft):
    # A date input takes its value in ISO form whatever the language: formatted for French
    # (01/03/2031) the browser shows it empty, and Save sends it back empty.
    start = draft.intake.placement_starts_on
    end = start + datetime.timedelta(days=30)
    type(draft).objects.filter(pk=draft.pk).update(proposed_start=start, proposed_end=end)
    client.force_login(owner.user)
    url = step_url(draft, "dates")
    page = form_fields(client.get(url, headers={"accept-language": "fr"}))
    assert (page["proposed_start"], page["proposed_end"]) == (start.isoformat(), end.isoformat())
    response = client.post(url, page | {"continue": ""}, headers={"accept-language": "fr"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.proposed_start, draft.proposed_end) == (start, end)


def test_the_autosave_answers_with_the_save_status_alone_in_eight_queries(client, owner, draft):
    # Inside the request's savepoint: the signed-in user, the draft with the person's roles,
    # then save_draft in its own savepoint: the row lock and the update.
    # Nothing the step's page shows (hosts, budget, documents, history, members) is loaded.
    client.force_login(owner.user)
    client.get(step_url(draft, "case"))  # the session is read from the cache, as it will be
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            step_url(draft, "case"),
            {"version": draft.version, "editor": "a1b2", "travellers": "Our CEO"},
            headers={"HX-Request": "true"},
        )
    html = response.content.decode()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == [
        "SAVEPOINT",
        "SELECT",
        "SELECT",
        "SAVEPOINT",
        "SELECT",
        "UPDATE",
        "RELEASE",
        "RELEASE",
    ]
    assert html.startswith('<span class="save-status save-status--ok">Saved at ')
    assert f'name="version" value="{draft.version + 1}" id="id_version"' in html
    assert "<h2>" not in html and "<form" not in html
    draft.refresh_from_db()
    assert (draft.travellers, draft.last_editor) == ("Our CEO", "a1b2")


def test_the_applicant_dashboard_shows_offers_without_a_query_per_application(client, owner):
    # The dashboard reads only the columns it shows (display.DASHBOARD_FIELDS): a field it
    # left out would be loaded by one more query per application.
    from applications.enums import ApplicationStatus, OfferStatus
    from applications.models import Offer, SelectionRun

    def offered(status, offer_status, host_name):
        application = factories.ApplicationFactory(
            company=owner.company, status=status, submitted_at=timezone.now()
        )
        run = SelectionRun.objects.create(
            intake=application.intake, number=1, started_by=factories.UserFactory()
        )
        return Offer.objects.create(
            application=application, intake=application.intake, run=run, stipend=3000,
            host=factories.HostIncubatorFactory(name=host_name), status=offer_status,
            deadline=timezone.now() + datetime.timedelta(days=5),
        )  # fmt: skip

    client.force_login(owner.user)
    factories.ApplicationFactory(company=owner.company)  # a draft: "submit before"
    without_offers = dashboard_queries(client, owner.user)
    open_offer = offered(ApplicationStatus.OFFERED, OfferStatus.OPEN, "Berlin Hub")
    accepted = offered(ApplicationStatus.ACCEPTED, OfferStatus.ACCEPTED, "Pune Works")
    assert dashboard_queries(client, owner.user) == without_offers == 8
    html = client.get(reverse("dashboard")).content.decode()
    offer_url = reverse("applications:offer", args=[open_offer.pk])
    assert "answer the offer of a place at Berlin Hub by" in html
    assert f'<a class="button" href="{offer_url}">See the offer</a>' in html
    place_url = reverse("applications:offer", args=[accepted.pk])
    assert f'<a href="{place_url}">Your place at Pune Works</a>' in html
    assert html.count("<strong>Due:</strong> submit before") == 1


@pytest.mark.django_db
def test_a_withdrawal_note_with_line_breaks_is_kept_and_one_too_long_withdraws_nothing(client):
    from applications.enums import ApplicationStatus

    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    draft = services.start_application(owner.company, factories.IntakeFactory(), by=owner.user)
    client.force_login(owner.user)
    url = reverse("applications:withdraw", args=[draft.pk])
    client.post(url, {"note": "y" * 1001})
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    note = "\r\n".join(["We found another program." + "y" * 74] * 10)  # 1,009 sent, 999 typed
    client.post(url, {"note": note})
    draft.refresh_from_db()
    event = draft.events.get(to_status=ApplicationStatus.WITHDRAWN)
    assert (draft.status, event.note) == (ApplicationStatus.WITHDRAWN, note.replace("\r\n", "\n"))
