import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money

from applications import services
from applications.enums import ApplicationStatus, BudgetCategory, DocumentKind, MemberRole
from applications.models import Application, ApplicationDocument
from portal.models import OutgoingEmail
from programs.models import ExchangeRate
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def owner():
    return factories.CompanyMemberFactory(role=MemberRole.OWNER)


@pytest.fixture
def intake():
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    factories.DeskOfferFactory(intake=intake)
    return intake


@pytest.fixture
def draft(owner, intake):
    return services.start_application(owner.company, intake, by=owner.user)


def complete(application, user):
    intake = application.intake
    hosts = [offer.host for offer in intake.desk_offers.all()]
    application = services.set_host_preferences(
        application, by=user, version=application.version, hosts=hosts[:1]
    )
    start = intake.placement_starts_on
    application = services.save_draft(
        application,
        by=user,
        version=application.version,
        proposed_start=start,
        proposed_end=start + datetime.timedelta(days=60),
        objectives=["first-customers"],
        potential_market="Mid-size utilities in São Paulo.",
        proven_product="40 paying customers at home.",
        why_this_market="Grid modernisation.",
        export_readiness="Export plan and a sales lead.",
        travellers="Our CEO.",
    )
    application = services.set_budget(
        application,
        by=user,
        version=application.version,
        lines=[(BudgetCategory.TRAVEL, "Flights", Money(1800, "CAD"))],
    )
    services.add_document(
        application,
        by=user,
        kind=DocumentKind.PITCH_DECK,
        upload=SimpleUploadedFile("deck.pdf", PDF, content_type="application/pdf"),
    )
    return Application.objects.get(pk=application.pk)


def test_a_company_has_one_live_application_per_intake(owner, intake, draft):
    with pytest.raises(ValidationError, match="already has an application"):
        services.start_application(owner.company, intake, by=owner.user)
    services.withdraw_application(draft, by=owner.user)
    again = services.start_application(owner.company, intake, by=owner.user)
    assert again.status == ApplicationStatus.DRAFT


def test_an_intake_that_is_not_open_takes_no_application(owner):
    upcoming = factories.IntakeFactory(
        opens_at=timezone.now() + datetime.timedelta(days=2),
        closes_at=timezone.now() + datetime.timedelta(days=9),
    )
    with pytest.raises(ValidationError, match="not open"):
        services.start_application(owner.company, upcoming, by=owner.user)


def test_a_stale_save_is_refused_and_changes_nothing(owner, draft):
    colleague = factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF).user
    opened_at = draft.version
    services.save_draft(draft, by=colleague, version=opened_at, potential_market="Theirs")
    with pytest.raises(services.DraftConflict) as conflict:
        services.save_draft(draft, by=owner.user, version=opened_at, potential_market="Mine")
    assert conflict.value.current.potential_market == "Theirs"
    draft.refresh_from_db()
    assert draft.potential_market == "Theirs"
    assert draft.version == opened_at + 1


def test_the_budget_is_converted_at_the_recorded_rate_and_capped(owner, draft):
    ExchangeRate.objects.create(
        currency="BRL", rate="0.27000000", valid_from=timezone.localdate(), source="Test"
    )
    updated = services.set_budget(
        draft,
        by=owner.user,
        version=draft.version,
        lines=[
            (BudgetCategory.TRAVEL, "Flights", Money(1500, "CAD")),
            (BudgetCategory.ACCOMMODATION, "Flat", Money(5000, "BRL")),
        ],
    )
    lines = list(updated.budget_lines.all())
    assert [(line.rate, line.amount_converted) for line in lines] == [
        (1, Money(1500, "CAD")),
        (Decimal("0.27"), Money(1350, "CAD")),
    ]
    assert services.budget_total(lines) == Money(2850, "CAD")
    with pytest.raises(ValidationError, match="above the stipend cap of CA\\$4,000.00"):
        services.set_budget(
            updated,
            by=owner.user,
            version=updated.version,
            lines=[(BudgetCategory.TRAVEL, "Business class", Money(4000.01, "CAD"))],
        )
    # The application keeps the total (lists and selection read it); a refused budget
    # leaves it as it was, and an emptied one has none.
    updated.refresh_from_db()
    assert updated.budget_total == Money(2850, "CAD")
    emptied = services.set_budget(updated, by=owner.user, version=updated.version, lines=[])
    emptied.refresh_from_db()
    assert emptied.budget_total is None


def test_a_currency_without_a_rate_is_refused(owner, draft):
    with pytest.raises(ValidationError, match="No exchange rate for INR"):
        services.set_budget(
            draft,
            by=owner.user,
            version=draft.version,
            lines=[(BudgetCategory.TRAVEL, "", Money(100, "INR"))],
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "not a PDF, PNG or JPEG"),
        (b"<script>alert(1)</script>", "not a PDF, PNG or JPEG"),
    ],
)
def test_an_upload_is_checked_by_its_content_not_its_name(owner, draft, content, message):
    upload = SimpleUploadedFile("deck.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError, match=message):
        services.add_document(draft, by=owner.user, kind=DocumentKind.PITCH_DECK, upload=upload)
    assert draft.documents.count() == 0


def test_an_upload_that_is_too_large_is_refused(owner, draft):
    big = SimpleUploadedFile("deck.pdf", PDF + b"0" * services.MAX_DOCUMENT_BYTES)
    with pytest.raises(ValidationError, match="the limit is 10 MB"):
        services.add_document(draft, by=owner.user, kind=DocumentKind.PITCH_DECK, upload=big)


def test_a_png_named_pdf_is_stored_as_what_it_is(owner, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    document = services.add_document(
        draft, by=owner.user, kind=DocumentKind.OTHER, upload=SimpleUploadedFile("x.pdf", png)
    )
    assert document.content_type == "image/png"
    assert document.file.name.endswith(".png")
    assert document.original_name == "x.pdf"


def test_missing_items_are_named_in_plain_words(draft):
    assert services.missing_items(draft) == [
        "Rank at least one host incubator.",
        "Propose the dates of the stay.",
        "Choose at least one objective for the stay.",
        "Answer the question “potential market”.",
        "Answer the question “proven product”.",
        "Answer the question “why this market”.",
        "Answer the question “export readiness”.",
        "Answer the question “who travels”.",
        "Add the budget lines the stipend should cover.",
        "Upload a pitch deck.",
    ]


def test_submission_locks_the_draft_and_emails_once(
    owner, draft, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    application = complete(draft, owner.user)
    assert services.missing_items(application) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application, by=owner.user)
    application.refresh_from_db()
    # The screening job ran after the commit; the profile leaves a rule unknown.
    assert application.status == ApplicationStatus.SCREENING
    assert application.submitted_at is not None
    assert [e.to_status for e in application.events.all()] == ["draft", "submitted", "screening"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.user.email]
    assert mail.outbox[0].subject == f"Application received: {application.intake.title}"
    with pytest.raises(ValidationError, match="no longer a draft"):
        services.save_draft(application, by=owner.user, version=application.version, travellers="x")
    with pytest.raises(ValidationError, match="already been submitted"):
        services.submit_application(application, by=owner.user)
    assert len(mail.outbox) == 1


def test_the_confirmation_reaches_each_member_in_their_language(
    owner, draft, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    owner.user.language = "fr"
    owner.user.save(update_fields=["language"])
    english = factories.CompanyMemberFactory(company=owner.company, user__language="en").user
    unset = factories.CompanyMemberFactory(company=owner.company, user__language="").user
    application = complete(draft, owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application, by=owner.user)
    title = application.intake.title
    sent = sorted((sorted(m.to), m.subject) for m in mail.outbox)
    assert sent == sorted([
        (sorted([english.email, unset.email]), f"Application received: {title}"),
        ([owner.user.email], f"Candidature reçue\u00a0: {title}"),
    ])  # fmt: skip
    french = next(m for m in mail.outbox if m.to == [owner.user.email])
    assert f"Nous avons reçu la candidature de {owner.company.name}" in french.body


def test_submission_after_the_deadline_is_refused_and_nothing_is_lost(
    owner, draft, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    application = complete(draft, owner.user)
    late = application.intake.closes_at + datetime.timedelta(seconds=1)
    with pytest.raises(ValidationError, match="The deadline passed"):
        services.submit_application(application, by=owner.user, now=late)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.potential_market == "Mid-size utilities in São Paulo."


def test_an_extension_lets_one_applicant_submit_late(owner, draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    manager = factories.UserFactory()
    application = complete(draft, owner.user)
    closes = application.intake.closes_at
    with pytest.raises(ValidationError, match="Say why"):
        services.extend_deadline(
            application, by=manager, until=closes + datetime.timedelta(days=1), reason=" "
        )
    services.extend_deadline(
        application, by=manager, until=closes + datetime.timedelta(days=1), reason="Flood."
    )
    application.refresh_from_db()
    services.submit_application(
        application, by=owner.user, now=closes + datetime.timedelta(hours=2)
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    notes = [event.note for event in application.events.all() if event.note]
    assert len(notes) == 1
    assert notes[0].endswith(": Flood.")


def test_an_illegal_transition_is_refused_with_a_clear_message(owner, draft):
    services.withdraw_application(draft, by=owner.user)
    with pytest.raises(ValidationError, match="withdrawn cannot become submitted"):
        services.transition_application(draft, to=ApplicationStatus.SUBMITTED, by=owner.user)


def test_hosts_outside_the_intake_cannot_be_ranked(owner, draft):
    stranger = factories.HostIncubatorFactory()
    with pytest.raises(ValidationError, match="Choose among the hosts"):
        services.set_host_preferences(draft, by=owner.user, version=draft.version, hosts=[stranger])


def test_text_is_stored_as_typed_and_shown_escaped(client, owner, draft):
    services.save_draft(
        draft, by=owner.user, version=draft.version, potential_market="<script>alert(1)</script>"
    )
    client.force_login(owner.user)
    html = client.get(f"/applications/{draft.pk}/review/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_extended_draft_is_reminded_again_before_its_own_deadline(owner, draft):
    """It had the 24-hour reminder before the intake's close; extended by five days, it gets
    the 72- and 24-hour ones before its own deadline (the second 24-hour one was taken for
    the first, sent already)."""
    from programs.enums import StaffRole

    manager = factories.ProgramStaffFactory(program=draft.intake.program, role=StaffRole.MANAGER)
    closes = draft.intake.closes_at
    services.remind_drafts(now=closes - datetime.timedelta(hours=20))
    until = closes + datetime.timedelta(days=5)
    services.extend_deadline(draft, by=manager.user, until=until, reason="Strike")
    for hours_left in (70, 60, 20, 10):
        services.remind_drafts(now=until - datetime.timedelta(hours=hours_left))
    keys = OutgoingEmail.objects.filter(key__startswith=f"draft-reminder:{draft.pk}:")
    stamp = f"{until:%Y%m%d%H%M}"
    assert set(keys.values_list("key", flat=True)) == {
        f"draft-reminder:{draft.pk}:24:en",
        f"draft-reminder:{draft.pk}:{stamp}:24:en",
        f"draft-reminder:{draft.pk}:{stamp}:72:en",
    }


def test_drafts_are_reminded_72_and_24_hours_before_close_once_each(
    owner, draft, django_capture_on_commit_callbacks
):
    closes = draft.intake.closes_at
    submitted = factories.ApplicationFactory(intake=draft.intake)
    services.transition_application(submitted, to=ApplicationStatus.SUBMITTED, by=owner.user)

    def run(hours_left):
        with django_capture_on_commit_callbacks(execute=True):
            services.remind_drafts(now=closes - datetime.timedelta(hours=hours_left))

    run(100)
    assert mail.outbox == []
    run(70)
    run(69)
    assert [m.subject for m in mail.outbox] == [f"72 hours left to submit: {draft.intake.title}"]
    run(23)
    run(1)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject.startswith("24 hours left")
    assert mail.outbox[1].to == [owner.user.email]


def test_reminders_read_their_recipients_in_one_query_however_many_drafts(owner, draft):
    closes = draft.intake.closes_at

    def queries_for_reminding():
        with CaptureQueriesContext(connection) as queries:
            services.remind_drafts(now=closes - datetime.timedelta(hours=30))
        reminded = OutgoingEmail.objects.count()
        OutgoingEmail.objects.all().delete()  # so that the next round reminds everyone again
        return len([q for q in queries if "companymember" in q["sql"]]), reminded

    assert queries_for_reminding() == (1, 1)
    for _ in range(4):
        other = factories.CompanyMemberFactory(role=MemberRole.OWNER)
        services.start_application(other.company, draft.intake, by=other.user)
    assert queries_for_reminding() == (1, 5)


def test_a_pages_own_autosave_is_not_taken_for_someone_else(owner, draft):
    opened = draft.version
    services.save_draft(draft, by=owner.user, version=opened, editor="tab-1", travellers="A")
    # The Save button of the same page still carries the version it was opened at.
    services.save_draft(draft, by=owner.user, version=opened, editor="tab-1", travellers="AB")
    with pytest.raises(services.DraftConflict):
        services.save_draft(draft, by=owner.user, version=opened, editor="tab-2", travellers="C")
    draft.refresh_from_db()
    assert draft.travellers == "AB"


def test_a_draft_with_an_extension_beyond_72_hours_does_not_stop_the_reminders(owner, draft):
    closes = draft.intake.closes_at
    services.extend_deadline(
        draft, by=owner.user, until=closes + datetime.timedelta(days=10), reason="Strike."
    )
    other = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    services.start_application(other.company, draft.intake, by=other.user)
    services.remind_drafts(now=closes - datetime.timedelta(hours=30))
    assert OutgoingEmail.objects.filter(key__startswith="draft-reminder:").count() == 1


def test_a_saved_line_keeps_its_rate_when_the_rate_changes(owner, draft):
    ExchangeRate.objects.create(
        currency="BRL",
        rate="0.25",
        valid_from=timezone.localdate() - datetime.timedelta(days=3),
        source="Test",
    )
    flat = (BudgetCategory.ACCOMMODATION, "Flat", Money(4000, "BRL"))
    saved = services.set_budget(draft, by=owner.user, version=draft.version, lines=[flat])
    ExchangeRate.objects.create(
        currency="BRL", rate="0.30", valid_from=timezone.localdate(), source="Test"
    )
    taxi = (BudgetCategory.TRAVEL, "Taxi", Money(100, "BRL"))
    saved = services.set_budget(saved, by=owner.user, version=saved.version, lines=[flat, taxi])
    assert [(line.rate, line.amount_converted) for line in saved.budget_lines.all()] == [
        (Decimal("0.25"), Money(1000, "CAD")),
        (Decimal("0.30"), Money(30, "CAD")),
    ]


def test_submission_rechecks_what_the_intake_changed_since(owner, draft):
    application = complete(draft, owner.user)
    application.intake.desk_offers.all().delete()
    application.intake.stipend_cap = Money(1000, "CAD")
    application.intake.save()
    application = Application.objects.get(pk=application.pk)
    missing = services.missing_items(application)
    assert "A host you ranked no longer offers desks in this intake; rank again." in missing
    assert "The budget is above the stipend cap of CA$1,000.00; lower it." in missing


def test_a_document_removal_rolled_back_keeps_its_file(
    owner, draft, django_capture_on_commit_callbacks
):
    document = services.add_document(
        draft, by=owner.user, kind=DocumentKind.OTHER, upload=SimpleUploadedFile("x.pdf", PDF)
    )
    pk, name, storage = document.pk, document.file.name, document.file.storage
    with transaction.atomic():
        services.remove_document(ApplicationDocument.objects.get(pk=pk), by=owner.user)
        transaction.set_rollback(True)
    assert (ApplicationDocument.objects.filter(pk=pk).count(), storage.exists(name)) == (1, True)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_document(ApplicationDocument.objects.get(pk=pk), by=owner.user)
    assert (ApplicationDocument.objects.filter(pk=pk).count(), storage.exists(name)) == (0, False)
