"""Program reports and dossiers: built by the task, one file per document, rebuilt after new
verifications, never two files from a retried task, and a failure kept with its reason."""

import io
import os
import zipfile

import pytest
from django.core.files.storage import default_storage
from djmoney.money import Money

from outcomes import documents, services, tasks
from outcomes.enums import DocumentKind, DocumentStatus
from outcomes.models import Document, DocumentEvent
from placements.enums import ExpenseCategory
from portal.models import OutgoingEmail
from tests.outcomes import test_figures
from tests.placements.conftest import day
from tests.placements.money import PDF, awarded, claim_with

pytestmark = pytest.mark.django_db
# The small program of test_figures, whose figures are worked out by hand there.
program = test_figures.program
D = DocumentStatus


def built(kind, by, captured, **where):
    with captured(execute=True):
        document = documents.request_document(kind, by=by, **where)
    document.refresh_from_db()
    return document


def files_of(document):
    folder = os.path.join(default_storage.location, "documents", str(document.pk))
    found = []
    for root, _dirs, names in os.walk(folder):
        found += [os.path.relpath(os.path.join(root, name), folder) for name in names]
    return sorted(found)


@pytest.fixture
def report_of_intake(program, intake, manager, django_capture_on_commit_callbacks):
    return built(
        DocumentKind.PROGRAM_REPORT,
        manager,
        django_capture_on_commit_callbacks,
        program=None,
        intake=intake,
        language="en",
    )


def test_the_program_report_is_a_pdf_of_the_figures_definitions_and_method(
    report_of_intake, intake
):
    document = report_of_intake
    assert (document.status, document.progress, document.stage, document.build) == (
        D.READY,
        100,
        "done",
        1,
    )
    assert document.filename == f"program-report-{intake.title.lower().replace(' ', '-')}-en.pdf"
    with document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    html = documents.report_html(document)
    assert "<title>Program report: " + intake.title + "</title>" in html
    # The verified figures worked out by hand in test_figures: 2 firms, 3,500 identified,
    # a cost of 1,500 and an ROI of 2.3 to 1, with its definition.
    assert '<th scope="row">Companies placed</th><td class="num">2</td>' in html
    assert "2.3 to 1" in html
    assert "Value of the opportunities identified divided by the program cost." in html
    assert "Firms report after their stay" in html  # the method
    assert '<rect class="bar-chart__bar" fill="#1f4e79" width="100.00" height="1"/>' in html
    assert [(e.from_status, e.to_status, e.build) for e in document.events.all()] == [
        ("", D.QUEUED, 1),
        (D.QUEUED, D.BUILDING, 1),
        (D.BUILDING, D.READY, 1),
    ]
    assert files_of(document) == [f"1/{document.filename}"]


def test_the_report_is_in_the_language_of_the_reader_who_asked(
    program, intake, manager, django_capture_on_commit_callbacks
):
    document = built(
        DocumentKind.PROGRAM_REPORT,
        manager,
        django_capture_on_commit_callbacks,
        program=None,
        intake=intake,
        language="fr-ca",
    )
    assert document.language == "fr"
    assert document.filename.endswith("-fr.pdf")
    html = documents.report_html(document)
    assert '<html lang="fr">' in html
    assert "Entreprises accueillies" in html


def test_the_requester_is_told_when_it_is_ready(report_of_intake, manager):
    email = OutgoingEmail.objects.get(key=f"document-ready:{report_of_intake.pk}:1:en")
    assert email.to == [manager.email]
    assert f"/outcomes/manage/documents/{report_of_intake.pk}/" in email.body


def test_a_retried_task_makes_no_second_file_and_changes_nothing(report_of_intake):
    document = report_of_intake
    before = (document.file.name, document.finished_at, document.events.count())
    tasks.build_document(document_id=document.pk, build=1)
    document.refresh_from_db()
    assert (document.file.name, document.finished_at, document.events.count()) == before
    assert files_of(document) == [f"1/{document.filename}"]


def test_a_try_that_died_after_saving_its_file_is_redone_over_the_same_name(
    program, intake, manager
):
    document = documents.request_document(
        DocumentKind.PROGRAM_REPORT, by=manager, program=None, intake=intake, language="en"
    )
    name = documents.program_report(document, 1)[0]
    # The first try saved its file, then its worker died before marking the document ready.
    default_storage.save(f"documents/{document.pk}/1/{name}", io.BytesIO(b"half"))
    tasks.build_document(document_id=document.pk, build=1)
    document.refresh_from_db()
    assert document.status == D.READY
    assert files_of(document) == [f"1/{name}"]
    with document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_a_new_verification_makes_it_out_of_date_and_a_rebuild_replaces_the_file(
    report_of_intake, program, manager, django_capture_on_commit_callbacks
):
    document = report_of_intake
    assert documents.is_out_of_date(document) is False
    cedar_follow_up = program["cedar"].placements.get().outcome_reports.get(kind="3-months")
    services.verify_report(cedar_follow_up, by=manager)
    assert documents.is_out_of_date(document) is True
    old = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        again = documents.request_document(
            DocumentKind.PROGRAM_REPORT, by=manager, program=None, intake=document.intake,
            language="en",
        )  # fmt: skip
    again.refresh_from_db()
    assert (again.pk, again.build, again.status) == (document.pk, 2, D.READY)
    assert again.file.name != old
    assert default_storage.exists(old) is False
    assert files_of(again) == [f"2/{again.filename}"]
    assert documents.is_out_of_date(again) is False
    assert Document.objects.count() == 1
    # O5 (CAD 700) now counts: 3,500 + 700.
    assert "4,200.00" in documents.report_html(again) or "4200.00" in documents.report_html(again)


def test_a_verified_report_the_firm_edits_again_leaves_it_out_of_date(report_of_intake, program):
    """The edit takes the report out of the verified figures the document shows (it read the
    newest verification, which had not changed, and said the document was up to date)."""
    document = report_of_intake
    maple_end = program["maple"].placements.get().outcome_reports.get(kind="end-of-stay")
    owner = program["maple"].members.get().user
    services.save_report(maple_end, by=owner, version=None, employees_abroad=2)
    assert documents.is_out_of_date(document) is True


def test_a_payment_after_it_was_drawn_leaves_it_out_of_date(report_of_intake, program, manager):
    """The cost and the ROI it prints changed (no verification did, and it counted as up
    to date)."""
    from placements import stipends
    from placements.models import Placement

    document = report_of_intake
    award = awarded(Placement.objects.get(company=program["maple"]), manager, amount=4000)
    advance = award.tranches.order_by("position").first()
    stipends.approve_tranche(advance, by=manager)
    assert documents.is_out_of_date(document) is False  # approved money is not counted
    stipends.pay_tranche(advance, by=manager, paid_on=day(0), reference="T-1")
    assert documents.is_out_of_date(document) is True


def test_the_nightly_refresh_of_unchanged_figures_leaves_it_up_to_date(report_of_intake):
    services.refresh_every_intake()
    assert documents.is_out_of_date(report_of_intake) is False


def test_a_host_renamed_after_it_was_drawn_leaves_it_out_of_date(report_of_intake, program):
    """The breakdown by host prints the host's name."""
    program["berlin"].name = "Berlin Hub Mitte"
    program["berlin"].save()
    assert documents.is_out_of_date(report_of_intake) is True


def test_a_report_verified_while_the_pdf_is_drawn_leaves_it_out_of_date(
    program, intake, manager, monkeypatch
):
    """The figures were read before the verification: the document must say it is out of
    date, not take the verification's time as the data it shows."""
    document = documents.request_document(
        DocumentKind.PROGRAM_REPORT, by=manager, program=None, intake=intake, language="en"
    )
    cedar_follow_up = program["cedar"].placements.get().outcome_reports.get(kind="3-months")
    draw = documents.render_pdf

    def verified_meanwhile(html):
        services.verify_report(cedar_follow_up, by=manager)
        return draw(html)

    monkeypatch.setattr(documents, "render_pdf", verified_meanwhile)
    tasks.build_document(document_id=document.pk, build=1)

    document.refresh_from_db()
    assert document.status == D.READY
    assert documents.is_out_of_date(document) is True


def test_asking_while_it_is_being_built_changes_nothing(program, intake, manager):
    first = documents.request_document(
        DocumentKind.PROGRAM_REPORT, by=manager, program=None, intake=intake, language="en"
    )
    second = documents.request_document(
        DocumentKind.PROGRAM_REPORT, by=manager, program=None, intake=intake, language="en"
    )
    assert (second.pk, second.build, second.status) == (first.pk, 1, D.QUEUED)
    assert DocumentEvent.objects.count() == 1


def test_a_failure_is_kept_with_its_reason_and_the_previous_file_stays(
    report_of_intake, manager, monkeypatch, django_capture_on_commit_callbacks
):
    old = report_of_intake.file.name

    def broken(html):
        raise OSError("Pango is missing")

    monkeypatch.setattr(documents, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        documents.request_document(
            DocumentKind.PROGRAM_REPORT, by=manager, program=None,
            intake=report_of_intake.intake, language="en",
        )  # fmt: skip
    document = Document.objects.get()
    assert (document.status, document.build, document.error) == (
        D.FAILED,
        2,
        "OSError: Pango is missing",
    )
    assert document.file.name == old
    assert default_storage.exists(old) is True


def test_a_manager_of_another_program_may_not_ask_for_it(program, intake):
    from programs.enums import StaffRole
    from tests import factories

    other = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    with pytest.raises(documents.ValidationError):
        documents.request_document(
            DocumentKind.PROGRAM_REPORT, by=other, program=None, intake=intake, language="en"
        )
    assert Document.objects.count() == 0


def test_the_dossier_zips_every_record_of_the_placement_with_receipts_as_uploaded(
    report, owner, manager, django_capture_on_commit_callbacks
):
    placement = report.placement
    award = awarded(placement, manager)
    claim = claim_with(award, owner, (Money(120, "CAD"), ExpenseCategory.TRAVEL, -5))
    services.save_report(report, by=owner, version=None, narrative="We met three buyers.")
    services.submit_report(report, by=owner)
    document = built(
        DocumentKind.DOSSIER,
        manager,
        django_capture_on_commit_callbacks,
        program=None,
        placement=placement,
        language="en",
    )
    assert document.status == D.READY
    assert document.filename == f"dossier-maple-analytics-{placement.pk}-en.zip"
    line = claim.lines.get()
    reports = list(placement.outcome_reports.order_by("due_on"))
    with document.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        names = archive.namelist()
        assert names == [
            "01-application.pdf",
            "02-reviews-and-decision.pdf",
            "03-placement-history-and-logs.pdf",
            "04-stipend-and-claims.pdf",
            f"05-receipts/{claim.pk}/{line.pk}-receipt.pdf",
            *[
                f"06-outcome-reports/{r.due_on.isoformat()}-{kind}.pdf"
                for r, kind in zip(
                    reports,
                    ["end-of-stay", "3-months-after", "6-months-after", "12-months-after"],
                    strict=True,
                )
            ],
        ]
        assert archive.read(f"05-receipts/{claim.pk}/{line.pk}-receipt.pdf") == PDF
        assert archive.read("01-application.pdf")[:5] == b"%PDF-"


def test_a_french_dossier_names_its_files_and_folders_in_french(
    report, owner, manager, django_capture_on_commit_callbacks
):
    placement = report.placement
    award = awarded(placement, manager)
    claim = claim_with(award, owner, (Money(120, "CAD"), ExpenseCategory.TRAVEL, -5))
    services.save_report(report, by=owner, version=None, narrative="We met three buyers.")
    services.submit_report(report, by=owner)
    document = built(
        DocumentKind.DOSSIER,
        manager,
        django_capture_on_commit_callbacks,
        program=None,
        placement=placement,
        language="fr-ca",
    )
    assert document.filename == f"dossier-maple-analytics-{placement.pk}-fr.zip"
    line = claim.lines.get()
    reports = list(placement.outcome_reports.order_by("due_on"))
    folder = "06-rapports-sur-les-retombees"
    with document.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        assert archive.namelist() == [
            "01-candidature.pdf",
            "02-evaluations-et-decision.pdf",
            "03-historique-et-journaux-du-sejour.pdf",
            "04-allocation-et-demandes-de-remboursement.pdf",
            f"05-recus/{claim.pk}/{line.pk}-receipt.pdf",
            # The report's kind in French too (it read "end-of-stay").
            *[
                f"{folder}/{r.due_on.isoformat()}-{kind}.pdf"
                for r, kind in zip(
                    reports,
                    ["fin-du-sejour", "3-mois-apres", "6-mois-apres", "12-mois-apres"],
                    strict=True,
                )
            ],
        ]


def test_the_dossier_is_for_the_intakes_managers_only(report, owner):
    with pytest.raises(documents.ValidationError):
        documents.request_document(
            DocumentKind.DOSSIER, by=owner, program=None, placement=report.placement
        )


def test_a_report_built_before_digests_were_kept_reads_its_verification_moment(
    report_of_intake, program, manager
):
    """No digest (built before they were kept): out of date only once a verification comes
    after the moment it read, not on the first look after the upgrade."""
    document = report_of_intake
    Document.objects.filter(pk=document.pk).update(data_fingerprint="")
    document.refresh_from_db()
    assert documents.is_out_of_date(document) is False
    cedar_follow_up = program["cedar"].placements.get().outcome_reports.get(kind="3-months")
    services.verify_report(cedar_follow_up, by=manager)
    assert documents.is_out_of_date(document) is True
