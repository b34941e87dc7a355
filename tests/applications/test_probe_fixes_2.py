"""Defects a probe of review, selection and "nothing typed is lost" found: a member of the
applying firm could be assigned its application (by hand and automatically), score it and
read the other reviews, and saw the firm's held decision in their list; held decision emails
went out in the language their readers had at the slate's confirmation; a review typed while
the application left review, an extension's texts and a host-fit note were thrown away when
refused."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import access, services
from applications import rules as perms
from applications.enums import ApplicationStatus, MemberRole
from applications.models import Conflict, HostFitOpinion, Review
from portal.enums import EmailStatus
from portal.models import EmailEvent, OutgoingEmail
from programs.enums import StaffRole
from tests import factories
from tests.applications.conftest import run_now

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def told(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# 1. A reviewer on the applying firm's team -----------------------------------------------------


@pytest.fixture
def review_intake():
    intake = factories.IntakeFactory()
    factories.RubricCriterionFactory(intake=intake, weight=1, position=0)
    return intake


@pytest.fixture
def boss(review_intake):
    return factories.ProgramStaffFactory(
        program=review_intake.program, role=StaffRole.MANAGER, user__email="boss@program.example"
    ).user


def reviewer_of(intake, email):
    return factories.ProgramStaffFactory(
        program=intake.program, role=StaffRole.REVIEWER, user__email=email
    ).user


def in_review(intake, name):
    company = factories.CompanyFactory(name=name)
    factories.CompanyMemberFactory(
        company=company, role=MemberRole.OWNER, user__email=f"owner@{name.lower()}.example"
    )
    return factories.ApplicationFactory(
        company=company, intake=intake, status=S.IN_REVIEW, submitted_at=timezone.now()
    )


def join(application, user):
    return factories.CompanyMemberFactory(
        company=application.company, user=user, role=MemberRole.STAFF
    )


def test_a_manager_cannot_assign_a_member_of_the_firm_whatever_their_address(review_intake, boss):
    boreal = in_review(review_intake, "Boreal")
    insider = reviewer_of(review_intake, "rev4@gmail.com")
    join(boreal, insider)
    with pytest.raises(ValidationError) as refused:
        services.assign_reviewer(boreal, insider, by=boss)
    assert refused.value.message_dict == {"reviewer": ["This reviewer is on the company's team."]}
    assert not Review.objects.exists()


def test_automatic_assignment_never_gives_a_member_their_firms_application(review_intake, boss):
    review_intake.reviewers_per_application = 2
    review_intake.save()
    prairie = in_review(review_intake, "Prairie")
    other = in_review(review_intake, "Other")
    insider = reviewer_of(review_intake, "rev5@gmail.com")
    reviewer_of(review_intake, "ann@panel.example")
    join(prairie, insider)
    created, short = services.assign_reviewers(review_intake, by=boss)
    pairs = sorted(Review.objects.values_list("application__company__name", "reviewer__email"))
    assert pairs == [
        ("Other", "ann@panel.example"),
        ("Other", "rev5@gmail.com"),
        ("Prairie", "ann@panel.example"),
    ]
    assert (len(created), short) == (3, [prairie.pk])
    assert services.propose_replacement(prairie) is None
    assert other.pk not in short


def test_a_reviewer_who_joins_the_firm_can_neither_open_score_nor_read_its_reviews(
    client, review_intake
):
    boreal = in_review(review_intake, "Boreal")
    review = factories.ReviewFactory(application=boreal, reviewer__email="rev4@gmail.com")
    criterion = review_intake.criteria.get()
    other = factories.ReviewFactory(application=boreal, reviewer__email="lucas@panel.example")
    services.save_review(
        other, by=other.reviewer, values={criterion.pk: 2}, comment="A credible product",
        recommendation="oppose",
    )  # fmt: skip
    insider = review.reviewer
    loaded = access.application_for(insider, boreal.pk)
    assert perms.is_assigned_reviewer(insider, loaded) is True
    join(boreal, insider)

    loaded_review = access.reviews_for(insider).get(pk=review.pk)
    assert [
        insider.has_perm("applications.view_review", loaded_review),
        insider.has_perm("applications.change_review", loaded_review),
        insider.has_perm("applications.view_review", review),  # not loaded: asked afresh
        perms.is_assigned_reviewer(insider, access.applications_for(insider).get(pk=boreal.pk)),
        perms.is_assigned_reviewer(insider, boreal),
    ] == [False, False, False, False, False]
    client.force_login(insider)
    url = reverse("applications:review", args=[review.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {f"criterion_{criterion.pk}": "5", "recommendation": "support"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.save_review(
            review, by=insider, values={criterion.pk: 5}, comment="Our own firm is great",
            recommendation="support",
        )  # fmt: skip
    review.refresh_from_db()
    assert (review.submitted_at, review.score) == (None, None)


def test_a_review_still_loads_with_its_permissions_in_two_queries(
    review_intake, django_assert_num_queries
):
    review = factories.ReviewFactory(application=in_review(review_intake, "Boreal"))
    reviewer = review.reviewer
    with django_assert_num_queries(2):
        loaded = access.review_for(reviewer, review.pk)
    with django_assert_num_queries(0):
        assert reviewer.has_perm("applications.change_review", loaded) is True


def test_the_reviewers_list_tells_a_member_no_held_decision_of_their_firm(
    client, intake, manager, field
):
    insider = factories.ProgramStaffFactory(
        program=intake.program, role=StaffRole.REVIEWER, user__email="rev5@gmail.com"
    ).user
    stranger = factories.ProgramStaffFactory(
        program=intake.program, role=StaffRole.REVIEWER, user__email="ann@panel.example"
    ).user
    reviews = {
        name: factories.ReviewFactory(application=field[name], reviewer=insider).pk
        for name in ["cy", "di"]
    }
    for name in ["cy", "di"]:
        factories.ReviewFactory(application=field[name], reviewer=stranger)
    join(field["di"], insider)
    services.confirm_slate(run_now(intake, manager, min_score=50), by=manager)  # Di: held
    client.force_login(insider)
    response = client.get(reverse("applications:reviews"))
    rows = response.context["rows"]
    assert [(row["company"], row["url"], row["status"], row["own"]) for row in rows] == [
        ("Cy", reverse("applications:review", args=[reviews["cy"]]), "Waitlisted", False),
        ("Di", "", "", True),
    ]
    html = response.content.decode()
    assert "Not selected" not in html
    assert (
        "Your company: not yours to review. Tell the program's managers, who will give it "
        "to another reviewer." in html
    )
    assert reverse("applications:review", args=[reviews["di"]]) not in html
    # A reviewer of another firm reads the decision as staff do.
    client.force_login(stranger)
    rows = client.get(reverse("applications:reviews")).context["rows"]
    assert [(row["company"], row["status"], row["own"]) for row in rows] == [
        ("Cy", "Waitlisted", False),
        ("Di", "Not selected", False),
    ]


# 2. Held decision emails in the language read at the release ---------------------------------


def release(intake, manager, capture):
    with capture(execute=True):
        return services.release_decisions(intake, by=manager)


def test_a_held_decision_goes_in_the_language_its_reader_chose_before_the_release(
    intake, manager, field, django_capture_on_commit_callbacks
):
    services.confirm_slate(run_now(intake, manager, min_score=50), by=manager)
    held = OutgoingEmail.objects.get(to=["owner@cy.example"])
    assert held.key.endswith(":en") and held.subject.startswith("On the waiting list: ")
    field["cy"].owner.language = "fr"
    field["cy"].owner.save(update_fields=["language"])

    assert release(intake, manager, django_capture_on_commit_callbacks) == 4
    cy = [message for message in mail.outbox if message.to == ["owner@cy.example"]]
    assert [message.subject for message in cy] == [
        f"Sur la liste d\u2019attente\u00a0: {intake.title}"
    ]
    assert len(mail.outbox) == 4
    # The English email is retired, through the outbox's transitions, as sent to nobody.
    held.refresh_from_db()
    assert (held.to, held.status, held.sent_at) == ([], EmailStatus.SENT, None)
    assert list(EmailEvent.objects.filter(email=held).values_list("to_status", "note")) == [
        ("pending", ""),
        (
            "sent",
            "Sent to nobody: its readers chose another language since it was written, and "
            "get the email in theirs.",
        ),
    ]
    french = OutgoingEmail.objects.get(key=held.key.removesuffix(":en") + ":fr")
    assert (french.batch, french.to, french.status) == (
        held.batch, ["owner@cy.example"], EmailStatus.SENT,
    )  # fmt: skip
    # Each email once: released again, nothing more.
    assert release(intake, manager, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 4


def test_an_offer_shared_by_a_firm_is_split_by_the_languages_read_at_the_release(
    intake, manager, field, django_capture_on_commit_callbacks
):
    ada = field["ada"]
    staff = factories.CompanyMemberFactory(
        company=ada.company, role=MemberRole.STAFF, user__email="staff@ada.example"
    ).user
    services.confirm_slate(run_now(intake, manager, min_score=50), by=manager)
    shared = OutgoingEmail.objects.get(to=["owner@ada.example", "staff@ada.example"])
    ada.owner.language = "fr"
    ada.owner.save(update_fields=["language"])
    staff.language = "en"  # chose English: the same language as the email
    staff.save(update_fields=["language"])

    release(intake, manager, django_capture_on_commit_callbacks)
    ada_mail = sorted(
        (message.to, message.subject) for message in mail.outbox if "ada" in message.to[0]
    )
    assert ada_mail == [
        (["owner@ada.example"], f"Une place pour vous\u00a0: {intake.title}"),
        (["staff@ada.example"], f"A place for you: {intake.title}"),
    ]
    shared.refresh_from_db()
    assert (shared.to, shared.status) == (["staff@ada.example"], EmailStatus.SENT)
    french = mail.outbox[[m.to for m in mail.outbox].index(["owner@ada.example"])]
    assert "chez Alpha" in french.body
    assert "Allocation\u00a0: 3\u202f000,00\u00a0$CA\n" in french.body


def test_a_member_removed_and_one_who_changed_language_before_the_release(
    intake, manager, field, django_capture_on_commit_callbacks
):
    bo = field["bo"]
    gone = factories.CompanyMemberFactory(
        company=bo.company, role=MemberRole.STAFF, user__email="gone@bo.example",
        user__language="fr",
    ).user  # fmt: skip
    services.confirm_slate(run_now(intake, manager, min_score=50), by=manager)
    services.remove_company_member(bo.company, user=gone)
    bo.owner.language = "fr"
    bo.owner.save(update_fields=["language"])
    release(intake, manager, django_capture_on_commit_callbacks)
    bo_mail = [message.to for message in mail.outbox if "bo.example" in message.to[0]]
    # The French email written for the removed member goes to the owner, who reads French
    # now; the removed member is told nothing.
    assert bo_mail == [["owner@bo.example"]]
    french = OutgoingEmail.objects.get(key__startswith="offer:", key__endswith=":fr",
                                       to=["owner@bo.example"])  # fmt: skip
    assert french.status == EmailStatus.SENT


# 3. A review typed while the application left review -------------------------------------------


def test_a_review_sent_after_the_application_left_review_comes_back_as_typed(client, review_intake):
    review = factories.ReviewFactory(application=in_review(review_intake, "Bandra"))
    criterion = review_intake.criteria.get()
    services.withdraw_application(
        review.application, by=review.application.company.members.get().user
    )
    client.force_login(review.reviewer)
    typed = "Long reasoned review comment that took twenty minutes.\nSecond paragraph."
    response = client.post(
        reverse("applications:review", args=[review.pk]),
        {f"criterion_{criterion.pk}": "4", "recommendation": "support", "comment": typed},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.non_field_errors() == [
        "This application left review while you were writing: your review is not saved. "
        "What you typed is below, for you to copy."
    ]
    assert (form["comment"].value(), form[f"criterion_{criterion.pk}"].value()) == (typed, "4")
    html = response.content.decode()
    assert "Long reasoned review comment that took twenty minutes.\nSecond paragraph." in html
    assert "Submit my review" not in html
    review.refresh_from_db()
    assert (review.submitted_at, review.comment) == (None, "")


def test_a_review_refused_by_its_form_is_drawn_again_with_a_400(client, review_intake):
    review = factories.ReviewFactory(application=in_review(review_intake, "Bandra"))
    client.force_login(review.reviewer)
    response = client.post(
        reverse("applications:review", args=[review.pk]),
        {"recommendation": "support", "comment": "Kept"},
    )
    assert response.status_code == 400
    assert response.context["form"]["comment"].value() == "Kept"


# 4. An extension refused --------------------------------------------------------------------


@pytest.fixture
def draft():
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    return services.start_application(owner.company, intake, by=owner.user)


@pytest.mark.parametrize(
    ("until", "field", "reason"),
    [
        # before the intake closes: the service's refusal
        (lambda intake: intake.closes_at - datetime.timedelta(days=1), None,
         "An extension must end after the intake closes."),
        # more than a year away: the form's
        (lambda intake: timezone.now() + datetime.timedelta(days=400), "until",
         "An extension reaches at most a year from today."),
    ],
)  # fmt: skip
def test_a_refused_extension_keeps_the_message_and_the_staff_note(
    client, draft, until, field, reason
):
    intake = draft.intake
    manager = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    client.force_login(manager)
    message = "MSG-TEXT: Sorry about the portal outage, you have two more days."
    note = "REASON-TEXT: Applicant phoned on Monday, outage ticket #4411."
    response = client.post(
        reverse("applications:extend", args=[draft.pk]),
        {"until": until(intake).astimezone(intake.zone).strftime("%Y-%m-%dT%H:%M"),
         "message": message, "reason": note},
    )  # fmt: skip
    assert response.status_code == 400
    form = response.context["extension_form"]
    assert (form["message"].value(), form["reason"].value()) == (message, note)
    assert form.errors == {field or "__all__": [reason]}
    html = response.content.decode()
    assert "MSG-TEXT: Sorry about the portal outage" in html and "REASON-TEXT" in html
    assert told(response) == []
    draft.refresh_from_db()
    assert draft.deadline_override is None


# 5. A host-fit note refused ------------------------------------------------------------------


@pytest.fixture
def judged():
    partner = factories.UserFactory()
    host = factories.HostIncubatorFactory(name="Spree")
    host.partner_staff.add(partner)
    application = factories.ApplicationFactory(company__name="Harbourline", status=S.SHORTLISTED)
    factories.HostPreferenceFactory(application=application, host=host, rank=1)
    services.give_host_fit(
        application, host, by=partner, opinion="good",
        note="Two of our fintech members are looking for exactly this kind of software.",
    )  # fmt: skip
    return application, host, partner


NOTE = "NOTE-0: We met their CEO in Toronto; strong fit but desk space is tight in May."


def test_a_host_fit_note_without_an_opinion_comes_back_as_typed(client, judged):
    application, host, partner = judged
    client.force_login(partner)
    response = client.post(
        reverse("applications:give_host_fit", args=[application.pk, host.pk]),
        {"opinion": "", "note": NOTE, "page": "1"},
    )
    assert response.status_code == 400
    [row] = response.context["rows"]
    assert (row["company"], row["opinion"], row["note"], row["errors"], row["has_opinion"]) == (
        "Harbourline", "", NOTE, ["Choose good fit, possible or not a fit."], True,
    )  # fmt: skip
    html = response.content.decode()
    assert f'value="{NOTE}"' in html
    # The saved note is only in the hidden copy of what the page shows as saved
    # (test_host_fit_colleagues), never in the note field.
    assert html.count("Two of our fintech members") == 1
    assert '<input type="hidden" name="initial-note" value="Two of our fintech members' in html
    assert HostFitOpinion.objects.get().note.startswith("Two of our fintech members")


def test_a_host_fit_note_whose_row_left_the_page_comes_back_above_the_queue(client, judged):
    application, host, partner = judged
    # 25 firms waiting for an opinion come first: the judged one is on page 2 now.
    for number in range(25):
        waiting = factories.ApplicationFactory(company__name=f"Firm {number}",
                                               status=S.SHORTLISTED)  # fmt: skip
        factories.HostPreferenceFactory(application=waiting, host=host, rank=1)
    client.force_login(partner)
    response = client.post(
        reverse("applications:give_host_fit", args=[application.pk, host.pk]),
        {"opinion": "", "note": NOTE, "page": "1"},
    )
    assert response.status_code == 400
    assert response.context["not_saved"] == {
        "company": "Harbourline",
        "reasons": ["Choose good fit, possible or not a fit."],
        "opinion": "",
        "note": NOTE,
    }
    assert "Harbourline" not in [row["company"] for row in response.context["rows"]]
    html = response.content.decode()
    assert "Your opinion on Harbourline is not saved" in html and NOTE in html


def test_a_reviewer_who_joins_the_firm_steps_down_and_the_managers_are_told(
    review_intake, boss, django_capture_on_commit_callbacks, mailoutbox
):
    """A review's finding: the rules refused the new member their review, but the
    assignment stayed, counted as still to give, and nobody was told."""
    boreal = in_review(review_intake, "Boreal")
    insider = reviewer_of(review_intake, "rev4@gmail.com")
    review = factories.ReviewFactory(application=boreal, reviewer=insider)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_company_member(boreal.company, user=insider)

    assert not Review.objects.filter(pk=review.pk).exists()
    conflict = Conflict.objects.get(reviewer=insider, company=boreal.company)
    assert conflict.reason == "Joined the company's team."
    assert [message.to for message in mailoutbox] == [["boss@program.example"]]


def test_joining_a_firm_leaves_the_reviews_of_other_firms(
    review_intake, boss, django_capture_on_commit_callbacks
):
    boreal, other = in_review(review_intake, "Boreal"), in_review(review_intake, "Other")
    insider = reviewer_of(review_intake, "rev4@gmail.com")
    kept = factories.ReviewFactory(application=other, reviewer=insider)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_company_member(boreal.company, user=insider)
    assert Review.objects.filter(pk=kept.pk).exists()
    assert not Conflict.objects.filter(reviewer=insider).exists()
