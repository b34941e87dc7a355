"""Publishing an intake's results, and the public page with small groups suppressed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outcomes import publishing
from outcomes.models import Publication, PublicationEvent
from programs.enums import StaffRole
from tests import factories
from tests.outcomes.published import eight_firms

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(intake, manager, partner):
    return eight_firms(intake, manager, partner)


@pytest.fixture
def published(firms, intake, manager):
    return publishing.publish_results(intake, by=manager)


def test_publishing_and_unpublishing_are_recorded(firms, intake, manager):
    publishing.publish_results(intake, by=manager, note="Closed round")
    assert list(publishing.published_intakes()) == [intake]
    publishing.unpublish_results(intake, by=manager)
    assert list(publishing.published_intakes()) == []
    assert [(e.action, e.actor, e.note) for e in PublicationEvent.objects.all()] == [
        ("published", manager, "Closed round"),
        ("unpublished", manager, ""),
    ]


def test_an_intake_with_fewer_than_five_firms_placed_is_not_published(report, intake, manager):
    with pytest.raises(ValidationError) as refused:
        publishing.publish_results(intake, by=manager)
    assert refused.value.messages == [
        "This intake has 1 firms placed; results are published from 5, so that no figure "
        "describes fewer firms."
    ]
    assert Publication.objects.count() == 0


def test_publishing_twice_or_by_another_programs_manager_is_refused(published, intake):
    other = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    with pytest.raises(ValidationError):
        publishing.publish_results(intake, by=other)
    with pytest.raises(ValidationError):
        publishing.publish_results(intake, by=published.published_by)
    with pytest.raises(ValidationError):
        publishing.unpublish_results(intake, by=other)
    assert Publication.objects.count() == 1


def test_the_public_breakdown_hides_the_small_markets(published):
    found = publishing.public_results()
    assert found["headline"].companies == 8
    assert found["headline"].value_identified == Decimal("7500.00")
    assert found["headline"].roi == Decimal("7.5")
    rows = [(row.label, row.hidden, row.figures.companies, row.figures.value_identified)
            for row in found["breakdown"].rows]  # fmt: skip
    assert rows == [
        ("Brazil", True, 0, Decimal("0.00")),
        ("France", True, 0, Decimal("0.00")),
        ("Germany", False, 5, Decimal("5000.00")),
    ]
    assert [bar.label for bar in found["market_chart"]] == ["Germany"]
    assert found["hidden_markets"] == ["Brazil", "France"]


def test_the_public_page_shows_the_figures_and_hides_the_small_cells(client, published, intake):
    response = client.get(reverse("outcomes:results"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<li><strong>8</strong> companies placed</li>" in html
    assert "<li><strong>3</strong> foreign markets entered</li>" in html
    assert "<strong>7.5 to 1</strong> return on investment" in html
    assert (
        '<tr class="suppressed"><th scope="row">Brazil</th><td class="num" colspan="3">'
        "Hidden to protect a small group</td></tr>"
    ) in html
    assert (
        '<tr><th scope="row">Germany</th><td class="num">5</td><td class="num">5</td>'
        '<td class="num">CA$5,000.00</td></tr>'
    ) in html
    assert "Small groups are protected" in html
    assert client.get(reverse("outcomes:intake_results", args=[intake.pk])).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["?market=BR", "?by=market&market=BR", "?by=host", "?by=market&threshold=1",
     "?by=intake&intake=1", "?by=market&format=html&show=all"],
)  # fmt: skip
def test_asking_for_a_narrower_breakdown_keeps_the_small_cells_hidden(client, published, query):
    html = client.get(reverse("outcomes:results") + query).content.decode()
    assert '<tr class="suppressed"><th scope="row">Brazil</th>' in html
    assert '<tr class="suppressed"><th scope="row">France</th>' in html
    assert ">CA$2,000.00<" not in html and ">CA$500.00<" not in html


def test_the_public_csv_writes_suppressed_for_the_hidden_cells(client, published):
    response = client.get(reverse("outcomes:results") + "?format=csv&market=BR")
    assert response.getvalue().decode().splitlines() == [
        "Group,Companies placed,Opportunities identified,Value identified",
        "Brazil,suppressed,suppressed,suppressed",
        "France,suppressed,suppressed,suppressed",
        "Germany,5,5,5000.00",
        "All published results,8,8,7500.00",
    ]


def test_an_unpublished_intakes_results_are_a_404(client, firms, intake):
    assert client.get(reverse("outcomes:intake_results", args=[intake.pk])).status_code == 404
    html = client.get(reverse("outcomes:results")).content.decode()
    assert "No results have been published yet." in html


def test_the_home_page_shows_the_published_figures_and_cites_the_reference_program(
    client, published
):
    html = client.get(reverse("home")).content.decode()
    assert "What this program has achieved" in html
    assert "<li><strong>8</strong> companies placed</li>" in html
    assert "<strong>7.5 to 1</strong> return on investment" in html
    assert "The reference program's results, for comparison" in html
    assert "<li><strong>47</strong> companies placed</li>" in html


def test_the_home_page_without_published_results_shows_only_the_reference(client, db):
    html = client.get(reverse("home")).content.decode()
    assert "What this program has achieved" not in html
    assert "<li><strong>47</strong> companies placed</li>" in html


def test_the_manager_publishes_from_the_documents_page(client, firms, intake, manager):
    client.force_login(manager)
    response = client.post(reverse("outcomes:publish", args=[intake.pk]), follow=True)
    assert "The intake&#x27;s results are public." in response.content.decode()
    assert Publication.objects.get().intake == intake
    client.post(reverse("outcomes:unpublish", args=[intake.pk]))
    assert Publication.objects.count() == 0


def test_someone_elses_intake_cannot_be_published(client, firms, intake):
    client.force_login(factories.ProgramStaffFactory(role=StaffRole.MANAGER).user)
    assert client.post(reverse("outcomes:publish", args=[intake.pk])).status_code == 404
    assert Publication.objects.count() == 0


def test_the_api_gives_the_published_results_with_the_small_groups_hidden(client, published):
    response = client.get("/api/v1/results/", {"by": "market"})
    assert response.status_code == 200
    body = response.json()
    assert (body["intake"], body["by"], body["withheld"]) == (None, "market", False)
    assert (body["headline"]["companies"], body["headline"]["value_identified"]) == (8, "7500.00")
    assert body["rows"] == [
        {"label": "Brazil", "hidden": True, "figures": None},
        {"label": "France", "hidden": True, "figures": None},
        {
            "label": "Germany",
            "hidden": False,
            "figures": {"companies": 5, "opportunities": 5, "value_identified": "5000.00"},
        },
    ]


def test_the_api_has_no_results_for_an_unpublished_intake(client, firms, intake):
    response = client.get("/api/v1/results/", {"intake": intake.pk})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_cell_hidden_on_one_intakes_page_is_not_the_difference_of_two_other_pages(partner):
    """Intake A has 3 firms in France, hidden on its page; intake B has 5. Were France shown
    on the page of both intakes (8) and on B's (5), A's would be 8 - 5: it is hidden on the
    page of both too, and so is A's next smallest market there, as on A's page."""
    from tests.outcomes.conftest import running_intake

    intakes = {}
    for title, spread in (
        ("A", [("DE", "Berlin", 6), ("FR", "Paris", 3), ("BR", "Recife", 7)]),
        ("B", [("DE", "Berlin", 5), ("FR", "Paris", 5), ("BR", "Recife", 6)]),
    ):
        intake = running_intake(title=title)
        manager = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
        eight_firms(intake, manager, partner, spread)
        publishing.publish_results(intake, by=manager)
        intakes[title] = intake

    def page(intake=None):
        found = publishing.public_results(intake, "market")["breakdown"]
        return {row.label: None if row.hidden else row.figures.companies for row in found.rows}

    assert page(intakes["A"]) == {"Brazil": 7, "France": None, "Germany": None}
    assert page(intakes["B"]) == {"Brazil": 6, "France": 5, "Germany": 5}
    assert page() == {"Brazil": 13, "France": None, "Germany": None}


def test_one_intakes_csv_ends_with_its_own_total(client, published, intake):
    response = client.get(reverse("outcomes:intake_results", args=[intake.pk]), {"format": "csv"})
    last = b"".join(response.streaming_content).decode().strip().splitlines()[-1]
    assert last == f"Total of {intake.title},8,8,7500.00"


@pytest.mark.parametrize("dimension", publishing.PUBLIC_DIMENSIONS)
def test_a_public_breakdown_reads_the_breakdowns_figures_in_two_queries(
    published, intake, dimension, django_assert_num_queries
):
    """The public page's breakdowns read only what they show (firms placed, opportunities
    identified, their value): the same figures as the full breakdown's, in two queries
    rather than nine."""
    from outcomes import figures
    from outcomes.enums import Basis

    scope = figures.Scope(publishing.published_intakes())
    full = [
        (row.group, row.label, row.figures.companies, row.figures.opportunities,
         row.figures.value_identified)
        for row in figures.breakdown(scope, dimension, Basis.VERIFIED)
        if row.figures.companies
    ]  # fmt: skip
    with django_assert_num_queries(2):
        cells = figures.cell_breakdown(scope, dimension)
    assert [
        (row.group, row.label, row.figures.companies, row.figures.opportunities,
         row.figures.value_identified)
        for row in cells
    ] == full  # fmt: skip
    if dimension == "market":
        assert [(row.label, row.figures.companies) for row in cells] == [
            ("Brazil", 2), ("France", 1), ("Germany", 5),
        ]  # fmt: skip
