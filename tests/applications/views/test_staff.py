import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from applications import services
from applications.enums import MemberRole
from programs.enums import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake():
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    return intake


@pytest.fixture
def manager(client, intake):
    user = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    client.force_login(user)
    return user


def add_applications(intake, count, sector="it"):
    offer = intake.desk_offers.first()
    for _ in range(count):
        owner = factories.CompanyMemberFactory(
            role=MemberRole.OWNER, company__sector=factories.sector(sector)
        )
        application = services.start_application(owner.company, intake, by=owner.user)
        services.set_host_preferences(
            application, by=owner.user, version=application.version, hosts=[offer.host]
        )


def list_queries(client, url):
    client.get(url)  # a first request fills the process's caches (session, compiled SQL)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_3_and_300_applications(client, manager, intake):
    url = reverse("applications:intake_applications", args=[intake.pk]) + "?sector=it&order=company"
    add_applications(intake, 3)
    few = list_queries(client, url)
    add_applications(intake, 297)
    assert list_queries(client, url) == few == 7
    assert client.get(url).context["page"].paginator.count == 300


def test_the_list_shows_25_applications_a_page(client, manager, intake):
    url = reverse("applications:intake_applications", args=[intake.pk])
    add_applications(intake, 26)
    first, second = client.get(url), client.get(url, {"page": 2})
    assert (len(first.context["rows"]), len(second.context["rows"])) == (25, 1)
    assert second.context["page"].paginator.num_pages == 2


def test_the_list_shows_each_budget_total_in_the_programs_currency(client, manager, intake):
    add_applications(intake, 2)
    budgeted, empty = intake.applications.order_by("company__name")
    owner = budgeted.company.members.get().user
    services.set_budget(
        budgeted, by=owner, version=budgeted.version,
        lines=[("travel", "Flights", Money("1800.50", "CAD")), ("other", "", Money(700, "CAD"))],
    )  # fmt: skip
    url = reverse("applications:intake_applications", args=[intake.pk])
    cells = re.findall(r'<td class="num">([^<]*)</td>', client.get(url).content.decode())
    assert cells == ["2,500.50", "—"]


def test_the_market_filter_offers_the_markets_of_the_intakes_hosts(client, manager, intake):
    first = intake.desk_offers.get().host.market.country.code
    code, unused = [c for c in ["IN", "AE", "SA"] if c != first][:2]
    india = factories.DeskOfferFactory(
        intake=intake, host__name="Mumbai Hub", host__market__country=code
    )
    factories.HostIncubatorFactory(market__country=unused)  # no desks in this intake
    add_applications(intake, 2)  # both rank the fixture's host first
    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    application = services.start_application(owner.company, intake, by=owner.user)
    services.set_host_preferences(
        application, by=owner.user, version=application.version, hosts=[india.host]
    )
    url = reverse("applications:intake_applications", args=[intake.pk])
    html = client.get(url).content.decode()
    markets = re.search(r'<select name="market" id="id_market">(.*?)</select>', html).group(1)
    offered = re.findall(r'<option value="([A-Z]*)"', markets)
    assert offered == sorted(["", first, code])
    page = client.get(url, {"market": code}).context["page"]
    assert [row["pk"] for row in page] == [application.pk]


def test_the_list_filters_by_sector_and_searches_companies(client, manager, intake):
    add_applications(intake, 2, sector="it")
    add_applications(intake, 1, sector="health")
    url = reverse("applications:intake_applications", args=[intake.pk])
    assert client.get(url, {"sector": "health"}).context["page"].paginator.count == 1
    name = intake.applications.first().company.name
    page = client.get(url, {"q": name}).context["page"]
    assert [row["company__name"] for row in page] == [name]


def test_the_csv_export_follows_the_filters_and_defuses_formulas(client, manager, intake):
    add_applications(intake, 2, sector="it")
    evil = intake.applications.first().company
    evil.name = "=HYPERLINK(1)"
    evil.save()
    url = reverse("applications:intake_applications", args=[intake.pk])
    response = client.get(url, {"sector": "it", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["Company", "Country", "Country code", "Sector"]
    assert len(rows) == 3
    assert "'=HYPERLINK(1)" in [row[0] for row in rows]


def test_another_programs_manager_gets_a_404(client, intake):
    add_applications(intake, 1)
    other = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    client.force_login(other)
    url = reverse("applications:intake_applications", args=[intake.pk])
    assert client.get(url).status_code == 404
    application = intake.applications.get()
    assert (
        client.get(reverse("applications:manage_application", args=[application.pk])).status_code
        == 404
    )


def test_a_manager_extends_one_applicants_deadline(client, manager, intake):
    add_applications(intake, 1)
    application = intake.applications.get()
    until = intake.closes_at.astimezone(intake.zone) + datetime.timedelta(days=2)
    response = client.post(
        reverse("applications:extend", args=[application.pk]),
        {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Hospital stay"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.deadline_override.astimezone(intake.zone).strftime(
        "%Y-%m-%d %H:%M"
    ) == until.strftime("%Y-%m-%d %H:%M")


def test_the_list_filters_by_eligibility(client, manager, intake):
    intake.min_employees = 20
    intake.proven_product_required = False
    intake.save()
    add_applications(intake, 2)
    big = intake.applications.first().company
    big.employees = 50
    big.save()
    url = reverse("applications:intake_applications", args=[intake.pk])
    eligible = client.get(url, {"eligibility": "eligible"}).context["page"]
    assert [row["company__name"] for row in eligible] == [big.name]
    assert client.get(url, {"eligibility": "not-eligible"}).context["page"].paginator.count == 1


def test_the_list_reads_in_french_sort_options_columns_and_numbers(client, manager, intake):
    add_applications(intake, 1)
    application = intake.applications.get()
    owner = application.company.members.get().user
    services.set_budget(
        application, by=owner, version=application.version,
        lines=[("travel", "Flights", Money("2500.50", "CAD"))],
    )  # fmt: skip
    url = reverse("applications:intake_applications", args=[intake.pk])
    html = client.get(f"{url}?order=-submitted", headers={"accept-language": "fr"}).content
    html = html.decode()
    assert '<th scope="col">Date de soumission</th>' in html
    assert (
        '<option value="-submitted" selected>Date de soumission, la plus récente d’abord</option>'
        in html
    )
    assert '<option value="status">Statut, de A à Z</option>' in html
    assert "(descending)" not in html
    assert '<td><span class="badge">Brouillon</span></td>' in html
    assert re.findall(r'<td class="num">([^<]*)</td>', html) == ["2\u00a0500,50"]


def test_a_french_manager_reads_the_screening_reasons_in_french_of_the_company(
    client, manager, intake
):
    intake.min_employees = 10
    intake.save(update_fields=["min_employees"])
    application = factories.ApplicationFactory(
        intake=intake, company__employees=3, status="submitted", submitted_at=timezone.now()
    )
    services.screen_application(application)  # in English, as the worker would
    url = reverse("applications:manage_application", args=[application.pk])
    html = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert (
        "<strong>Non respectée</strong> — Au moins 10 employés. "
        '<span class="muted">L’entreprise compte 3 employés.</span>'
    ) in html
    english = client.get(url).content.decode()
    assert (
        "<strong>Not met</strong> — At least 10 employees. "
        '<span class="muted">The company has 3 employees.</span>'
    ) in english


def test_the_applicant_reads_the_message_of_an_extension_never_the_staff_note(
    client, manager, intake
):
    add_applications(intake, 1)
    application = intake.applications.get()
    detail = client.get(reverse("applications:manage_application", args=[application.pk]))
    html = detail.content.decode()
    assert "Message to the applicant" in html and "Staff note" in html
    assert "Shown to the applicant in their application&#x27;s history." in html
    assert "Only the program&#x27;s staff see it." in html
    until = intake.closes_at.astimezone(intake.zone) + datetime.timedelta(days=2)
    client.post(
        reverse("applications:extend", args=[application.pk]),
        {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Founder in hospital, per CFO",
         "message": "You have two more days & our best wishes."},
    )  # fmt: skip
    staff_html = client.get(
        reverse("applications:manage_application", args=[application.pk])
    ).content.decode()
    assert "Founder in hospital, per CFO" in staff_html
    assert "To the applicant: You have two more days &amp; our best wishes." in staff_html
    owner = application.company.members.get().user
    client.force_login(owner)
    review = reverse("applications:step", args=[application.pk, "review"])
    for url in (reverse("dashboard"), review):
        html = client.get(url).content.decode()
        assert "Founder in hospital" not in html, url
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Message from the program: You have two more days &amp; our best wishes." in dashboard


def test_the_csv_export_shows_labels_with_the_codes_in_their_own_columns(client, manager, intake):
    add_applications(intake, 1, sector="it")
    response = client.get(
        reverse("applications:intake_applications", args=[intake.pk]), {"format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "Company", "Country", "Country code", "Sector", "Sector code", "Status", "Status code",
        "Submitted", "Host preferences", "Start", "End", "Budget (CAD)",
    ]  # fmt: skip
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Country"], row["Country code"]) == ("Canada", "CA")
    assert (row["Sector"], row["Sector code"]) == ("Information technology", "it")
    assert (row["Status"], row["Status code"]) == ("Draft", "draft")


def test_objectives_read_as_their_labels_on_the_managers_page(client, manager, intake):
    add_applications(intake, 1)
    application = intake.applications.get()
    application.objectives = ["first-customers", "market-validation"]
    application.save()
    html = client.get(
        reverse("applications:manage_application", args=[application.pk])
    ).content.decode()
    assert "First customers, Market validation" in html
    assert "first-customers" not in html


@pytest.mark.parametrize(
    ("status", "choices", "shortlist_button"),
    [
        ("submitted", ["eligible", "ineligible"], None),
        ("ineligible", ["eligible"], None),
        ("in-review", ["ineligible"], "Shortlist"),
        ("shortlisted", None, "Take off the shortlist"),
        ("waitlisted", None, None),
    ],
)
def test_the_application_page_offers_only_the_moves_its_status_allows(
    client, manager, intake, status, choices, shortlist_button
):
    application = factories.ApplicationFactory(
        intake=intake, status=status, submitted_at=timezone.now()
    )
    response = client.get(reverse("applications:manage_application", args=[application.pk]))
    context = response.context
    offered = (
        [key for key, _label in context["override_form"].fields["decision"].choices]
        if context["can_override"]
        else None
    )
    button = (
        "Take off the shortlist"
        if context["on_shortlist"]
        else "Shortlist"
        if context["can_shortlist"]
        else None
    )
    assert (offered, button) == (choices, shortlist_button)
    if shortlist_button:
        assert f">{shortlist_button}</button>" in response.content.decode()


def test_a_decision_the_status_does_not_allow_is_refused_by_the_form(client, manager, intake):
    application = factories.ApplicationFactory(
        intake=intake, status="in-review", submitted_at=timezone.now()
    )
    url = reverse("applications:override_screening", args=[application.pk])
    response = client.post(url, {"decision": "eligible", "reason": "Checked by hand."})
    application.refresh_from_db()
    assert application.status == "in-review"
    # Drawn again, open, with the reason as typed and why next to the decision.
    assert response.status_code == 400
    form = response.context["override_form"]
    assert form["reason"].value() == "Checked by hand."
    assert form.errors["decision"] == [
        "Select a valid choice. eligible is not one of the available choices."
    ]
    html = response.content.decode()
    assert "<details open><summary>Decide the screening by hand</summary>" in html
    assert "Checked by hand.</textarea>" in html


def test_a_reason_typed_without_a_decision_is_kept(client, manager, intake):
    application = factories.ApplicationFactory(
        intake=intake, status="screening", submitted_at=timezone.now()
    )
    url = reverse("applications:override_screening", args=[application.pk])
    response = client.post(url, {"reason": "Their export licence lapsed in May."})
    assert response.status_code == 400
    assert response.context["override_form"]["reason"].value() == (
        "Their export licence lapsed in May."
    )
    assert response.context["override_form"].errors["decision"] == ["This field is required."]


def test_an_extension_typed_far_off_is_refused_by_the_form(client, manager, intake):
    """9999-12-31 in Toronto cannot be read in UTC: a server error before."""
    add_applications(intake, 1)
    application = intake.applications.get()
    client.raise_request_exception = False
    response = client.post(
        reverse("applications:extend", args=[application.pk]),
        {"until": "9999-12-31T23:00", "reason": "Strike"},
    )
    assert response.status_code == 400  # the form drawn again, with what was typed
    assert "An extension reaches at most a year from today." in response.content.decode()
    application.refresh_from_db()
    assert application.deadline_override is None


def test_a_decision_sent_after_the_application_moved_on_is_said_above_the_page(
    client, manager, intake
):
    # Shortlisted since the page was drawn: no decision form left to show the reason next to.
    application = factories.ApplicationFactory(
        intake=intake, status="shortlisted", submitted_at=timezone.now()
    )
    url = reverse("applications:override_screening", args=[application.pk])
    response = client.post(url, {"decision": "ineligible", "reason": "Lapsed."}, follow=True)
    application.refresh_from_db()
    assert application.status == "shortlisted"
    assert [str(m) for m in response.context["messages"]] == [
        "Select a valid choice. ineligible is not one of the available choices."
    ]
