"""The program managers' application endpoints: the applications of their intakes with
scores and statuses, read only; another program's manager, a partner or a firm sees none."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from applications.enums import ApplicationStatus, MemberRole
from applications.models import Application, ApplicationScore, Company
from portal import tokens
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user, scope):
    _token, text = tokens.create_api_token(
        user,
        name="Program tools",
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
        can_write=False,
        scope=scope,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


@pytest.fixture
def intake(db):
    return factories.IntakeFactory(title="Berlin spring")


@pytest.fixture
def manager(intake):
    return factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user


@pytest.fixture
def application(intake):
    application = factories.ApplicationFactory(
        intake=intake,
        company=factories.CompanyFactory(name="Maple Analytics"),
        status=ApplicationStatus.IN_REVIEW,
        submitted_at=timezone.now(),
        rank_score=Decimal("4.25"),
    )
    ApplicationScore.objects.create(
        application=application,
        intake=intake,
        reviews_in=2,
        raw_mean=Decimal("4.25"),
        calibrated_mean=Decimal("4.10"),
        spread=Decimal("0.50"),
        computed_at=timezone.now(),
    )
    return application


def test_a_manager_lists_the_applications_of_their_intakes_with_scores(application, manager):
    factories.ApplicationFactory(intake=application.intake, status=ApplicationStatus.SUBMITTED)
    body = client_for(manager, {"program": "all"}).get("/api/v1/applications/").json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first == {
        "id": application.pk,
        "company": "Maple Analytics",
        "intake": application.intake_id,
        "intake_title": "Berlin spring",
        "status": "in-review",
        "submitted_at": first["submitted_at"],
        "proposed_start": None,
        "proposed_end": None,
        "rank_score": "4.25",
        "reviews_in": 2,
        "raw_mean": "4.25",
        "calibrated_mean": "4.10",
        "spread": "0.50",
    }
    assert body["results"][1]["status"] == "submitted"
    assert body["results"][1]["raw_mean"] is None


def test_the_list_filters_by_status_and_intake(application, manager, intake):
    other_intake = factories.IntakeFactory(program=intake.program)
    other = factories.ApplicationFactory(intake=other_intake, status=ApplicationStatus.SUBMITTED)
    client = client_for(manager, {"program": "all"})

    def ids(query):
        return [row["id"] for row in client.get(f"/api/v1/applications/?{query}").json()["results"]]

    assert ids("status=submitted") == [other.pk]
    assert ids(f"intake={intake.pk}") == [application.pk]
    assert ids(f"intake={other_intake.pk}&status=in-review") == []
    response = client.get("/api/v1/applications/?status=nonsense")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_one_application(application, manager):
    response = client_for(manager, {"intake": "all"}).get(f"/api/v1/applications/{application.pk}/")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["calibrated_mean"]) == (application.pk, "4.10")


def test_a_token_scoped_to_another_intake_narrows(application, manager, intake):
    other_intake = factories.IntakeFactory(program=intake.program)
    client = client_for(manager, {"intake": [other_intake.pk]})
    assert client.get("/api/v1/applications/").json()["count"] == 0
    assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 404


def test_a_manager_of_another_program_gets_nothing(application):
    stranger = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    client = client_for(stranger, {"program": "all"})
    assert client.get("/api/v1/applications/").json()["count"] == 0
    response = client.get(f"/api/v1/applications/{application.pk}/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def signed_in(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_a_reviewer_of_the_program_gets_nothing(application, intake):
    # Signed in, not narrowed by a token: the reviewer's pages do not list applications.
    reviewer = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.REVIEWER).user
    client = signed_in(reviewer)
    assert client.get("/api/v1/applications/").json()["count"] == 0
    assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 404


def test_a_partner_or_the_firm_gets_nothing(application, intake):
    host = factories.DeskOfferFactory(intake=intake, host__name="Berlin Hub").host
    partner = factories.UserFactory()
    programs_services.add_host_partner(host, user=partner)
    owner = factories.CompanyMemberFactory(company=application.company, role=MemberRole.OWNER)
    for client in [
        client_for(partner, {"host": "all"}),
        signed_in(owner.user),
    ]:
        assert client.get("/api/v1/applications/").json()["count"] == 0
        assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 404


def many_applications(application, count):
    companies = Company.objects.bulk_create(
        [Company(name=f"Firm {index}", country="CA") for index in range(count)]
    )
    Application.objects.bulk_create(
        [
            Application(
                company=company,
                intake_id=application.intake_id,
                created_by_id=application.created_by_id,
                status=ApplicationStatus.SUBMITTED,
            )
            for company in companies
        ]
    )


def page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/applications/?page_size=200")
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def test_the_list_runs_the_same_queries_for_3_and_300(application, manager):
    client = client_for(manager, {"program": "all"})
    many_applications(application, 2)
    assert page_queries(client) == (APPLICATION_LIST_QUERIES, 3)
    many_applications(application, 297)
    assert page_queries(client) == (APPLICATION_LIST_QUERIES, 300)


# The request's savepoint and its release, the token (find, record its use), the manager's
# roles (programs.rules.staff_rows), the count, the
# page of rows with their firm, intake and scores.
APPLICATION_LIST_QUERIES = 7
