"""Reports to hand on and public results in Chromium: the manager asks for the program
report, watches its progress until a worker has drawn it, downloads the PDF; publishes the
intake's results; a visitor reads them with the small markets hidden.

The worker is this test: the request only queues the task (as with a real broker), so the
page shows the queued document's progress bar; the test then builds it as the worker would,
and the page, polling, reloads itself with the download link."""

import pytest
from playwright.sync_api import expect

from outcomes import documents, tasks
from outcomes.models import Document
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories
from tests.outcomes.published import eight_firms
from tests.passwords import strong_password
from tests.placements.conftest import running_intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = strong_password()


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def log_out(page):
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    page.get_by_role("banner").get_by_role("link", name="Log in").wait_for()


@pytest.fixture
def world(db):
    intake = running_intake(title="Spring outbound intake")
    manager = factories.UserFactory(email="boss@program.example", password=PASSWORD)
    factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER, user=manager)
    partner = factories.UserFactory()
    host = factories.DeskOfferFactory(intake=intake, host__name="Spare Hub", desks=1).host
    programs_services.add_host_partner(host, user=partner)
    eight_firms(intake, manager, partner)
    return {"intake": intake, "manager": manager}


@pytest.fixture
def queued_only(monkeypatch):
    """The broker takes the task; no worker runs it until the test does."""
    asked = []
    monkeypatch.setattr(tasks.build_document, "delay", lambda **kwargs: asked.append(kwargs))
    return asked


def test_the_manager_builds_and_downloads_the_report_and_publishes_the_results(
    page, world, queued_only, tmp_path
):
    intake = world["intake"]
    log_in(page, world["manager"].email)
    page.goto("/outcomes/manage/documents/")
    page.get_by_role("button", name="Build the report of Spring outbound intake").click()

    # Queued: the progress bar, and no download yet.
    expect(page.get_by_role("heading", name="Program report (PDF)")).to_be_visible()
    progress = page.locator("#document-progress")
    expect(progress).to_contain_text("0% · Waiting for a worker")
    expect(page.locator("#document-download")).to_have_count(0)
    document = Document.objects.get()
    assert queued_only == [{"document_id": document.pk, "build": 1}]

    # A worker draws it; the page, polling, reloads with the download link.
    tasks.build_document.run(document_id=document.pk, build=1)
    download_link = page.locator("#document-download")
    expect(download_link).to_be_visible(timeout=20_000)
    expect(page.locator("#document-progress")).to_contain_text("100% · Finished")
    with page.expect_download() as downloading:
        download_link.click()
    download = downloading.value
    document.refresh_from_db()
    assert download.suggested_filename == document.filename
    assert download.suggested_filename == "program-report-spring-outbound-intake-en.pdf"
    saved = tmp_path / "report.pdf"
    download.save_as(saved)
    content = saved.read_bytes()
    with document.file.open("rb") as stored:
        assert content == stored.read()
    assert content[:5] == b"%PDF-"
    # No PDF text extractor is installed: the text is checked in the HTML it was drawn from.
    html = documents.report_html(document)
    assert '<th scope="row">Companies placed</th><td class="num">8</td>' in html
    assert "7.5 to 1" in html
    assert "Value of the opportunities identified divided by the program cost." in html

    # Publishing the intake's results.
    page.goto("/outcomes/manage/documents/")
    page.get_by_role("button", name="Publish its results").click()
    expect(page.get_by_text("The intake's results are public.")).to_be_visible()
    log_out(page)

    # A visitor reads them: the figures, and the two small markets hidden.
    page.goto("/")
    facts = page.locator("#program-results")
    expect(facts).to_contain_text("8 companies placed")
    expect(facts).to_contain_text("7.5 to 1 return on investment")
    expect(page.get_by_text("The reference program's results, for comparison")).to_be_visible()
    page.get_by_role("banner").get_by_role("link", name="Results").click()
    expect(page.locator("#published-figures")).to_contain_text("8 companies placed")
    expect(page.locator("#published-figures")).to_contain_text("3 foreign markets entered")
    rows = page.locator("#public-breakdown tbody tr")
    expect(rows).to_have_text(
        [
            "Brazil Hidden to protect a small group",
            "France Hidden to protect a small group",
            "Germany 5 5 CA$5,000.00",
            "Total 8 8 CA$7,500.00",
        ],
        use_inner_text=True,
    )
    # Asking for Brazil alone in the address changes nothing.
    page.goto(f"/results/{intake.pk}/?by=market&market=BR")
    expect(page.locator("#public-breakdown tbody tr").first).to_have_text(
        "Brazil Hidden to protect a small group", use_inner_text=True
    )
