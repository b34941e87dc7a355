"""Defects a probe of applying, companies and the selection emails found: a member removed
before the release was still told the decision; a colleague's save after the submission, and
a second click on Submit or Withdraw, answered 403 (and lost the typed text); a double click
registered two companies, stored a document twice and sent two invitations (killing the
first link); the invitation was written in the inviter's language; the conflict box showed
objectives as codes."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.enums import ApplicationStatus, MemberRole
from applications.models import ApplicationDocument, Company, CompanyInvitation
from portal.enums import EmailStatus
from portal.models import EmailEvent, OutgoingEmail
from tests import factories
from tests.applications.conftest import run_now
from tests.applications.services.test_applying import complete

pytestmark = pytest.mark.django_db
S = ApplicationStatus
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def owner():
    return factories.CompanyMemberFactory(role=MemberRole.OWNER, user__language="en")


@pytest.fixture
def draft(owner):
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    return services.start_application(owner.company, intake, by=owner.user)


@pytest.fixture
def colleague(owner):
    return factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF).user


def step_url(application, step):
    return reverse("applications:step", args=[application.pk, step])


def told(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def token_of(page):
    """The once-only token the page's form was drawn with, as the browser sends it back."""
    return re.search(r'name="once" value="([0-9a-f]{32})"', page.content.decode()).group(1)


# 1. A member removed between the confirmation and the release ---------------------------------


def test_a_member_removed_before_the_release_gets_no_decision_email(
    intake, manager, field, django_capture_on_commit_callbacks
):
    ada = field["ada"]
    gone = factories.CompanyMemberFactory(
        company=ada.company, role=MemberRole.STAFF, user__email="gone@ada.example",
        user__language="fr",
    ).user  # fmt: skip
    run = run_now(intake, manager, min_score=50)
    services.confirm_slate(run, by=manager)  # the decision emails are held
    french = OutgoingEmail.objects.get(to=["gone@ada.example"])
    services.remove_company_member(ada.company, user=gone)
    with django_capture_on_commit_callbacks(execute=True):
        released = services.release_decisions(intake, by=manager)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == [
        "owner@ada.example", "owner@bo.example", "owner@cy.example", "owner@di.example"
    ]  # fmt: skip
    # Held for the removed member alone (the French one): released to nobody, not sent.
    assert released == 5
    french.refresh_from_db()
    assert (french.to, french.status, french.sent_at) == ([], EmailStatus.SENT, None)
    assert list(EmailEvent.objects.filter(email=french).values_list("to_status", "note")) == [
        ("pending", ""),
        ("sent", "Sent to nobody: no one it was written to may receive it now."),
    ]
    # Each email once: a second release sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.release_decisions(intake, by=manager) == 0
    assert len(mail.outbox) == 4


def test_a_removed_member_is_taken_off_an_email_shared_with_the_owner(
    intake, manager, field, django_capture_on_commit_callbacks
):
    ada = field["ada"]
    gone = factories.CompanyMemberFactory(
        company=ada.company, role=MemberRole.STAFF, user__email="gone@ada.example"
    ).user
    run = run_now(intake, manager, min_score=50)
    services.confirm_slate(run, by=manager)
    shared = OutgoingEmail.objects.get(to=["gone@ada.example", "owner@ada.example"])
    services.remove_company_member(ada.company, user=gone)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_decisions(intake, by=manager)
    shared.refresh_from_db()
    assert (shared.to, shared.status) == (["owner@ada.example"], EmailStatus.SENT)
    assert [message.to for message in mail.outbox if "ada" in message.to[0]] == [
        ["owner@ada.example"]
    ]


# 2. A colleague's save after the owner submitted ----------------------------------------------


@pytest.fixture
def submitted_under_the_colleague(owner, draft, colleague):
    """The colleague's page is open on the business case when the owner submits."""
    complete(draft, owner.user)
    draft.refresh_from_db()
    opened = draft.version
    services.submit_application(draft, by=owner.user)
    return draft, opened


TYPED = "A long paragraph the colleague typed for ten minutes."


def test_a_colleagues_save_after_the_submission_is_told_and_keeps_the_typed_text(
    client, colleague, submitted_under_the_colleague
):
    draft, opened = submitted_under_the_colleague
    client.force_login(colleague)
    response = client.post(step_url(draft, "case"), {"version": opened, "potential_market": TYPED})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This application is no longer a draft and cannot change."
    ]
    assert response.context["form"]["potential_market"].value() == TYPED
    assert response.context["editable"] is False
    html = response.content.decode()
    assert TYPED in html
    assert "What you typed is below, not saved, for you to copy." in html
    draft.refresh_from_db()
    assert (draft.status, draft.potential_market) == (
        S.SUBMITTED,
        "Mid-size utilities in São Paulo.",
    )
    # Saving is still for the firm's members only: its intake's manager is refused.
    manager = factories.ProgramStaffFactory(program=draft.intake.program, role="manager").user
    client.force_login(manager)
    assert client.post(step_url(draft, "case"), {"version": opened}).status_code == 403


def test_a_colleagues_autosave_after_the_submission_says_why_it_is_not_saved(
    client, colleague, submitted_under_the_colleague
):
    draft, opened = submitted_under_the_colleague
    client.force_login(colleague)
    response = client.post(
        step_url(draft, "case"),
        {"version": opened, "potential_market": TYPED},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<span class="save-status save-status--error" role="alert">This application is no '
        "longer a draft and cannot change. What you typed is not saved; it stays on this page "
        "for you to copy.</span>"
    )


# 3. A second click on Submit or Withdraw ------------------------------------------------------


def test_a_second_click_on_submit_is_told_the_application_is_in(client, owner, draft, colleague):
    complete(draft, owner.user)
    url = reverse("applications:submit", args=[draft.pk])
    client.force_login(colleague)
    assert client.post(url).status_code == 403  # only the owner submits
    client.force_login(owner.user)
    assert client.post(url).status_code == 302
    second = client.post(url)
    assert (second.status_code, second["Location"]) == (302, step_url(draft, "review"))
    assert told(second)[-1] == "This application has already been submitted or withdrawn."
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert draft.events.filter(to_status=S.SUBMITTED).count() == 1


def test_a_second_click_on_withdraw_is_told_the_application_is_withdrawn(client, owner, draft):
    client.force_login(owner.user)
    url = reverse("applications:withdraw", args=[draft.pk])
    assert client.post(url).status_code == 302
    second = client.post(url)
    assert (second.status_code, second["Location"]) == (302, step_url(draft, "review"))
    assert told(second) == [
        "Your application is withdrawn.",
        "This application is already withdrawn.",
    ]
    assert draft.events.filter(to_status=S.WITHDRAWN).count() == 1


def test_a_withdrawal_is_told_why_not_but_a_held_decision_stays_hidden(client, owner, colleague):
    """The owner's click on a page left open is the service's refusal; a colleague's, and any
    click on a decision not released yet (shown as shortlisted), still a 403."""
    application = factories.ApplicationFactory(company=owner.company)
    factories.set_status(application, S.ACCEPTED)
    url = reverse("applications:withdraw", args=[application.pk])
    client.force_login(colleague)
    assert client.post(url).status_code == 403
    client.force_login(owner.user)
    response = client.post(url)
    assert (response.status_code, told(response)) == (
        302,
        ["An application that is accepted cannot become withdrawn."],
    )
    held = factories.ApplicationFactory(company=owner.company)
    factories.set_status(held, S.OFFERED)
    held.intake.slate_confirmed_at = timezone.now()
    held.intake.save(update_fields=["slate_confirmed_at"])
    assert client.post(reverse("applications:withdraw", args=[held.pk])).status_code == 403
    held.refresh_from_db()
    assert held.status == S.OFFERED


# 4, 5, 6. Double clicks -----------------------------------------------------------------------


def test_registering_a_company_by_double_click_makes_one_company(client):
    user = factories.UserFactory()
    client.force_login(user)
    url = reverse("applications:company_create")
    data = {"name": "Double Click Inc.", "country": "CA", "once": token_of(client.get(url))}
    first = client.post(url, data)
    second = client.post(url, data)
    company = Company.objects.get(name="Double Click Inc.")
    detail = reverse("applications:company_detail", args=[company.pk])
    assert (first.status_code, first["Location"]) == (302, detail)
    assert (second.status_code, second["Location"]) == (302, detail)
    assert list(company.members.values_list("user", "role")) == [(user.pk, MemberRole.OWNER)]


def test_uploading_a_document_by_double_click_keeps_one(client, owner, draft):
    client.force_login(owner.user)
    url = step_url(draft, "documents")
    once = token_of(client.get(url))
    for _ in range(2):
        upload = SimpleUploadedFile("deck.pdf", PDF, content_type="application/pdf")
        response = client.post(url, {"kind": "pitch-deck", "file": upload, "once": once})
        assert (response.status_code, response["Location"]) == (302, url)
    assert list(ApplicationDocument.objects.values_list("application", "original_name")) == [
        (draft.pk, "deck.pdf")
    ]
    # A new page draws a new token: a second document is a second document.
    upload = SimpleUploadedFile("deck.pdf", PDF, content_type="application/pdf")
    client.post(url, {"kind": "pitch-deck", "file": upload, "once": token_of(client.get(url))})
    assert ApplicationDocument.objects.count() == 2


def test_inviting_by_double_click_sends_one_email_whose_link_works(client, owner):
    client.force_login(owner.user)
    url = reverse("applications:company_detail", args=[owner.company.pk])
    data = {"email": "new@colleague.example", "role": "staff", "once": token_of(client.get(url))}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    invitation = CompanyInvitation.objects.get()
    assert (invitation.email, invitation.revoked_at) == ("new@colleague.example", None)
    assert list(OutgoingEmail.objects.values_list("key", "to")) == [
        (f"invitation:{invitation.pk}:en", ["new@colleague.example"])
    ]


def test_an_invitation_refused_can_be_sent_again_from_its_page(client, owner):
    client.force_login(owner.user)
    url = reverse("applications:company_detail", args=[owner.company.pk])
    once = token_of(client.get(url))
    refused = client.post(url, {"email": owner.user.email, "role": "staff", "once": once})
    assert refused.status_code == 200
    assert token_of(refused) == once  # nothing was added with it
    client.post(url, {"email": "new@colleague.example", "role": "staff", "once": once})
    assert list(CompanyInvitation.objects.values_list("email", flat=True)) == [
        "new@colleague.example"
    ]


# 7. The invitation in the invited person's language -------------------------------------------


def test_the_invitation_is_written_in_the_invited_accounts_language(client, owner):
    factories.UserFactory(email="camille@colleague.example", language="fr")
    client.force_login(owner.user)  # the owner's browser is in English
    url = reverse("applications:company_detail", args=[owner.company.pk])
    client.post(url, {"email": "Camille@Colleague.example", "role": "staff"})
    email = OutgoingEmail.objects.get()
    assert email.to == ["Camille@Colleague.example"]
    assert email.subject == (
        f"Joignez-vous à {owner.company.name} sur le portail d’atterrissage en douceur"
    )
    # An address with no account: the inviter's language, as before.
    client.post(url, {"email": "nobody@colleague.example", "role": "staff"})
    email = OutgoingEmail.objects.get(to=["nobody@colleague.example"])
    assert email.subject == f"Join {owner.company.name} on the soft-landing portal"


# 9. The conflict box -------------------------------------------------------------------------


def test_the_conflict_box_shows_the_colleagues_objectives_by_their_labels(
    client, owner, draft, colleague
):
    opened = draft.version
    services.save_draft(
        draft, by=colleague, version=opened, objectives=["first-customers", "partners"]
    )
    client.force_login(owner.user)
    response = client.post(
        step_url(draft, "objectives"), {"version": opened, "objectives": ["investors"]}
    )
    assert [(str(label), value) for label, value in response.context["conflict"]] == [
        ("Objectives", "First customers, Distribution or delivery partners"),
        ("What you want to achieve", ""),
    ]
    assert (
        "<dt>Objectives</dt><dd>First customers, Distribution or delivery partners</dd>"
        in response.content.decode()
    )


def test_withdrawing_twice_is_refused_with_its_reason(owner, draft):
    services.withdraw_application(draft, by=owner.user)
    with pytest.raises(ValidationError) as refused:
        services.withdraw_application(draft, by=owner.user)
    assert refused.value.messages == ["This application is already withdrawn."]
    assert draft.events.filter(to_status=S.WITHDRAWN).count() == 1
