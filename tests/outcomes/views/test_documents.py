"""The documents pages: asking, progress, download, and a 404 for anyone else; the CSVs."""

import pytest
from django.urls import reverse

from outcomes import documents
from outcomes.enums import DocumentKind
from outcomes.models import Document
from programs.enums import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(report, intake, manager):
    """A program report asked for and not yet built (tests run no task unless captured)."""
    return documents.request_document(
        DocumentKind.PROGRAM_REPORT, by=manager, program=None, intake=intake, language="en"
    )


def test_the_progress_fragment_shows_the_stage_and_polls_until_finished(client, queued, manager):
    client.force_login(manager)
    html = client.get(reverse("outcomes:document_progress", args=[queued.pk])).content.decode()
    assert f'hx-get="/outcomes/manage/documents/{queued.pk}/progress/"' in html
    assert '<progress max="100" value="0"' in html
    assert "Waiting for a worker" in html
    page = client.get(reverse("outcomes:document", args=[queued.pk])).content.decode()
    assert "document-download" not in page


def test_a_finished_document_refreshes_the_page_and_downloads(
    client, queued, manager, django_capture_on_commit_callbacks
):
    documents.build_document(queued, 1)
    client.force_login(manager)
    response = client.get(
        reverse("outcomes:document_progress", args=[queued.pk]), HTTP_HX_REQUEST="true"
    )
    assert (response.status_code, response["HX-Refresh"]) == (204, "true")
    page = client.get(reverse("outcomes:document", args=[queued.pk])).content.decode()
    assert f'href="/outcomes/manage/documents/{queued.pk}/download/"' in page
    download = client.get(reverse("outcomes:document_download", args=[queued.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="program-report-')
    assert b"".join(download.streaming_content)[:5] == b"%PDF-"


@pytest.mark.parametrize("who", ["owner", "partner", "other_manager", "reviewer"])
def test_anyone_but_the_intakes_managers_gets_a_404(client, queued, who, request, intake):
    people = {
        "other_manager": lambda: factories.ProgramStaffFactory(role=StaffRole.MANAGER).user,
        "reviewer": lambda: (
            factories.ProgramStaffFactory(program=intake.program, role=StaffRole.REVIEWER).user
        ),
    }
    person = people[who]() if who in people else request.getfixturevalue(who)
    client.force_login(person)
    for name in ("document", "document_progress", "document_download"):
        assert client.get(reverse(f"outcomes:{name}", args=[queued.pk])).status_code == 404
    assert client.post(
        reverse("outcomes:build_dossier", args=[queued.intake.placements.get().pk])
    ).status_code in (403, 404)


def test_a_document_not_ready_has_no_download(client, queued, manager):
    client.force_login(manager)
    assert client.get(reverse("outcomes:document_download", args=[queued.pk])).status_code == 404


def test_the_manager_asks_for_the_report_and_lands_on_its_page(client, report, intake, manager):
    client.force_login(manager)
    response = client.post(reverse("outcomes:build_program_report"), {"intake": intake.pk})
    document = Document.objects.get()
    assert response.url == reverse("outcomes:document", args=[document.pk])
    assert (document.kind, document.intake, document.language) == ("program-report", intake, "en")


def test_the_report_is_asked_for_in_french_by_a_french_reader(client, report, intake, manager):
    client.force_login(manager)
    client.post(
        reverse("outcomes:build_program_report"), {"intake": intake.pk}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert Document.objects.get().language == "fr"


def test_the_records_behind_a_figure_download_as_csv(client, report, owner, manager, intake):
    client.force_login(manager)
    response = client.get(reverse("outcomes:figure_records", args=["companies"]) + "?format=csv")
    placement = report.placement
    assert response.getvalue().decode().splitlines() == [
        "Company,Market,Intake,Status,Departure",
        f"Maple Analytics,{placement.host.market.country.name},{intake.title},Completed,"
        f"{placement.departed_on.strftime('%-d %B %Y')}",
    ]


def test_completeness_and_the_firms_reports_download_as_csv(client, report, owner, manager, intake):
    client.force_login(manager)
    lines = client.get(reverse("outcomes:completeness_csv")).getvalue().decode().splitlines()
    assert lines == ["Intake,Reports due,Handed in"]  # the first report is due in 14 days
    client.force_login(owner)
    lines = client.get(reverse("outcomes:firm_reports") + "?format=csv").getvalue().decode()
    assert lines.splitlines()[:2] == [
        "Company,Report,Host,Due,Status",
        f"Maple Analytics,End of stay,Berlin Hub,{report.due_on.strftime('%-d %B %Y')},Due",
    ]


def test_the_documents_page_offers_each_report_and_publishing(client, queued, manager, intake):
    client.force_login(manager)
    html = client.get(reverse("outcomes:documents")).content.decode()
    assert f"Build the report of {intake.program.name}" in html
    assert f"Build the report of {intake.title}" in html
    assert f'action="/results/{intake.pk}/publish/"' in html
    assert f'href="/outcomes/manage/documents/{queued.pk}/">Program report (PDF)</a>' in html


def test_the_documents_page_is_a_404_to_a_firm(client, report, owner):
    client.force_login(owner)
    assert client.get(reverse("outcomes:documents")).status_code == 404
