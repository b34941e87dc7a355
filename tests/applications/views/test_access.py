"""Every role (tests/rules_matrix.py) at the URLs of the objects the rules protect: someone
else's document, review, offer or selection run is a 404, whoever asks (a removed member,
reviewer or partner, a second program's staff, a manager of another intake, the director).
A superuser administers but does not act in a company's name."""

import pytest
from django.urls import reverse

from applications.enums import ApplicationStatus, OfferStatus
from applications.models import (
    Application,
    ApplicationDocument,
    CompanyInvitation,
    HostFitOpinion,
    Offer,
)
from tests import factories
from tests.rules_matrix import MANAGERS, MEMBERS, REVIEWERS, ROLES, build_world

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture
def world():
    return build_world()


URLS = {
    "document": (
        lambda w: reverse("applications:document", args=[w["application"].pk, w["document"].pk]),
        MEMBERS | MANAGERS | REVIEWERS,
    ),
    "review": (
        lambda w: reverse("applications:review", args=[w["review"].pk]),
        {"program_reviewer"},
    ),
    "given review": (
        lambda w: reverse("applications:review", args=[w["given_review"].pk]),
        set(),  # its author was removed from the program
    ),
    "offer": (lambda w: reverse("applications:offer", args=[w["offer"].pk]), MEMBERS | MANAGERS),
    "run": (lambda w: reverse("applications:selection_run", args=[w["run"].pk]), MANAGERS),
}


@pytest.mark.parametrize("name", list(URLS))
def test_each_object_url_is_a_404_to_everyone_it_is_not_for(client, world, name):
    url_of, allowed = URLS[name]
    url = url_of(world)
    answers = {}
    for role in ROLES:
        if role == "anonymous":
            continue
        client.force_login(world["people"][role])
        answers[role] = client.get(url).status_code
    expected = {role: 200 if role in allowed else 404 for role in ROLES}
    del expected["anonymous"]
    assert answers == expected


@pytest.mark.parametrize("name", list(URLS))
def test_each_object_url_sends_a_visitor_to_log_in(client, world, name):
    url = URLS[name][0](world)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_removed_reviewer_can_neither_score_nor_declare_a_conflict(client, world):
    given = world["given_review"]
    client.force_login(world["people"]["removed_reviewer"])
    assert client.post(reverse("applications:review", args=[given.pk]), {}).status_code == 404
    url = reverse("applications:declare_conflict", args=[given.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.get(reverse("applications:reviews")).context["rows"] == []


def test_the_reviewer_list_and_dashboard_forget_a_removed_reviewers_work(client, world):
    client.force_login(world["people"]["removed_reviewer"])
    assert client.get(reverse("applications:reviews")).context["rows"] == []
    keys = [section.key for section in client.get(reverse("dashboard")).context["sections"]]
    assert "review-work" not in keys


def test_the_manager_sees_a_removed_reviewers_open_review_as_unassigned(client, world):
    # The other application had one reviewer, the removed one, who had not given the review.
    client.force_login(world["people"]["program_manager"])
    page = client.get(reverse("applications:assignments", args=[world["intake"].pk]))
    short = {row.company.name: row.assigned for row in page.context["short"]}
    other = Application.objects.exclude(pk=world["application"].pk).get(intake=world["intake"])
    assert world["intake"].reviewers_per_application == 2
    assert short == {other.company.name: 0}  # the world's application keeps its three reviews


# A superuser administers; it does not act in a company's name ----------------------------


def test_the_director_cannot_answer_an_offer(client, world):
    offer = world["offer"]
    factories.set_status(offer.application, S.OFFERED)
    client.force_login(world["people"]["superuser"])
    page = client.get(reverse("applications:offer", args=[offer.pk]))
    assert page.status_code == 200 and page.context["can_answer"] is False
    client.post(reverse("applications:accept_offer", args=[offer.pk]))
    client.post(reverse("applications:decline_offer", args=[offer.pk]), {"reason": "no"})
    offer.refresh_from_db()
    assert (offer.status, offer.application.status) == (OfferStatus.OPEN, S.OFFERED)
    assert Offer.objects.count() == 1


def test_the_director_cannot_withdraw_edit_or_submit_a_companys_application(client, world):
    application = world["application"]
    factories.set_status(application, S.DRAFT)
    client.force_login(world["people"]["superuser"])
    review_page = client.get(reverse("applications:step", args=[application.pk, "review"]))
    assert review_page.status_code == 200  # the director sees it
    context = review_page.context
    assert (context["can_submit"], context["can_withdraw"]) == (False, False)
    step = reverse("applications:step", args=[application.pk, "case"])
    assert client.get(step).context["editable"] is False
    assert client.post(step, {"version": 0, "why_this_market": "x"}).status_code == 403
    assert client.post(reverse("applications:submit", args=[application.pk])).status_code == 403
    assert client.post(reverse("applications:withdraw", args=[application.pk])).status_code == 403
    remove = reverse("applications:document_remove", args=[application.pk, world["document"].pk])
    assert client.post(remove).status_code == 403
    documents = reverse("applications:step", args=[application.pk, "documents"])
    assert client.post(documents, {"kind": "other"}).status_code == 403
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert ApplicationDocument.objects.filter(pk=world["document"].pk).exists()


def test_the_director_sees_a_company_but_cannot_edit_it_or_its_team(client, world):
    company = world["company"]
    staff = company.members.get(user=world["people"]["company_staff"])
    client.force_login(world["people"]["superuser"])
    page = client.get(reverse("applications:company_detail", args=[company.pk]))
    assert page.status_code == 200 and page.context["can_manage_team"] is False
    client.post(
        reverse("applications:company_detail", args=[company.pk]),
        {"email": "new@example.org", "role": "staff"},
    )
    assert not CompanyInvitation.objects.exists()
    edit = reverse("applications:company_edit", args=[company.pk])
    assert client.get(edit).status_code == 403
    remove = reverse("applications:member_remove", args=[company.pk, staff.pk])
    assert client.post(remove).status_code == 403
    assert company.members.filter(pk=staff.pk).exists()


def test_only_a_current_partner_of_the_host_gives_a_host_fit_opinion(client, world):
    application = world["application"]
    factories.set_status(application, S.SHORTLISTED)
    url = reverse("applications:give_host_fit", args=[application.pk, world["host"].pk])
    answers = {}
    for role in ["host_partner", "removed_partner", "other_host_partner", "superuser"]:
        client.force_login(world["people"][role])
        answers[role] = client.post(url, {"opinion": "good"}).status_code
    assert answers == {
        "host_partner": 302,
        "removed_partner": 404,
        "other_host_partner": 404,
        "superuser": 404,
    }
    assert list(HostFitOpinion.objects.values_list("given_by", flat=True)) == [
        world["people"]["host_partner"].pk
    ]
    client.force_login(world["people"]["removed_partner"])
    assert client.get(reverse("applications:host_fit_queue")).context["rows"] == []
