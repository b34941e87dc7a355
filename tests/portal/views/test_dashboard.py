import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.enums import MemberRole
from programs.enums import StaffRole
from tests import factories


def sections(response):
    return [section.key for section in response.context["sections"]]


@pytest.mark.django_db
def test_dashboard_needs_log_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_new_person_is_routed_to_applying(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert sections(response) == ["applicant"]
    assert "Register a company" in response.content.decode()


@pytest.mark.django_db
def test_each_role_sees_its_own_work(client):
    person = factories.UserFactory()
    program = factories.ProgramStaffFactory(user=person, role=StaffRole.MANAGER).program
    factories.ProgramStaffFactory(user=person, role=StaffRole.REVIEWER)
    host = factories.HostIncubatorFactory()
    host.partner_staff.add(person)
    company = factories.CompanyMemberFactory(user=person, role=MemberRole.STAFF).company
    client.force_login(person)

    response = client.get(reverse("dashboard"))

    assert sections(response) == ["manager", "reviewer", "partner", "host-fit", "applicant"]
    html = response.content.decode()
    assert program.name in html
    assert host.name in html
    assert company.name in html


@pytest.mark.django_db
def test_staff_without_companies_is_not_asked_to_register_one(client):
    manager = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    client.force_login(manager)
    assert sections(client.get(reverse("dashboard"))) == ["manager"]


@pytest.mark.django_db
def test_navigation_shows_each_persons_sections(client):
    partner = factories.UserFactory()
    factories.HostIncubatorFactory().partner_staff.add(partner)
    client.force_login(partner)
    html = client.get(reverse("home")).content.decode()
    assert "Your host incubators" in html
    assert "Programs you manage" not in html


def dashboard_queries(client, person):
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_dashboard_runs_the_same_number_of_queries_for_few_and_many_rows(client):
    few = factories.UserFactory()
    many = factories.UserFactory()
    for person, count in [(few, 1), (many, 25)]:
        for _ in range(count):
            factories.ProgramStaffFactory(user=person, role=StaffRole.MANAGER)
            factories.ProgramStaffFactory(user=person, role=StaffRole.REVIEWER)
            factories.HostIncubatorFactory().partner_staff.add(person)
            factories.CompanyMemberFactory(user=person)

    assert dashboard_queries(client, few) == dashboard_queries(client, many)


@pytest.mark.django_db
def test_error_pages_are_the_portals_own(rf, user):
    from portal import views

    request = rf.get("/somewhere/")
    request.user = user
    forbidden = views.forbidden(request)
    assert forbidden.status_code == 403
    assert b"You are not allowed to do this" in forbidden.content
    error = views.server_error(request)
    assert error.status_code == 500
    assert b"Nothing you entered has been lost" in error.content


@pytest.mark.django_db
def test_health_check_answers_without_log_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_navigation_and_dashboard_agree_for_every_role(rf):
    from portal.dashboard import nav_sections_for, sections_for
    from tests.rules_matrix import ROLES, build_world

    people = build_world()["people"]
    for role in ROLES:
        if role == "anonymous":
            continue
        nav_request, dashboard_request = rf.get("/"), rf.get("/")
        nav_request.user = dashboard_request.user = people[role]
        assert [s.key for s in nav_sections_for(nav_request)] == [
            s.key for s in sections_for(dashboard_request)
        ], role
