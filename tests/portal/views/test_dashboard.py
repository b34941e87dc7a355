import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications import services
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

    # A reviewer with nothing assigned yet still has the review section, saying so.
    assert sections(response) == [
        "work-queue", "placements-manager", "outcomes-manager", "manager", "reviewer",
        "review-work", "partner", "placements-partner", "host-fit", "placements-firm",
        "applicant", "outcomes-firm",
    ]  # fmt: skip
    html = response.content.decode()
    assert "No application is assigned to you yet." in html
    assert program.name in html
    assert host.name in html
    assert company.name in html


@pytest.mark.django_db
def test_staff_without_companies_is_not_asked_to_register_one(client):
    manager = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    client.force_login(manager)
    assert sections(client.get(reverse("dashboard"))) == [
        "work-queue",
        "placements-manager",
        "outcomes-manager",
        "manager",
    ]


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

    # No transaction: the dashboard only reads (portal.views.dashboard).
    assert (dashboard_queries(client, few), dashboard_queries(client, many)) == (18, 18)


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


# Each role's sections, in the order of the navigation (a superuser directs: a manager's).
NOBODY = ["applicant"]
MEMBER = ["placements-firm", "applicant", "outcomes-firm"]
MANAGER = ["work-queue", "placements-manager", "outcomes-manager", "manager"]
REVIEWER = ["reviewer", "review-work"]
PARTNER = ["partner", "placements-partner", "host-fit"]
SECTIONS_BY_ROLE = {
    "no_role": NOBODY,
    "company_owner": MEMBER,
    "company_staff": MEMBER,
    "removed_member": NOBODY,
    "program_manager": MANAGER,
    "intake_manager": MANAGER,
    "other_intake_manager": MANAGER,
    "program_reviewer": REVIEWER,
    "intake_reviewer": REVIEWER,
    "removed_reviewer": NOBODY,
    "other_program_manager": MANAGER,
    "other_program_reviewer": REVIEWER,
    "host_partner": PARTNER,
    "other_host_partner": PARTNER,
    "removed_partner": NOBODY,
    "superuser": MANAGER,
}


@pytest.mark.django_db
def test_navigation_and_dashboard_agree_for_every_role(rf):
    from portal.dashboard import nav_sections_for, sections_for
    from tests.rules_matrix import ROLES, build_world

    people = build_world()["people"]
    found = {}
    for role in ROLES:
        if role == "anonymous":
            continue
        nav_request, dashboard_request = rf.get("/"), rf.get("/")
        nav_request.user = dashboard_request.user = people[role]
        found[role] = [s.key for s in nav_sections_for(nav_request)]
        assert found[role] == [s.key for s in sections_for(dashboard_request)], role
    assert found == SECTIONS_BY_ROLE


@pytest.mark.django_db
def test_a_role_removed_leaves_the_navigation_on_the_next_page(client):
    from programs.models import ProgramStaff

    staff = factories.ProgramStaffFactory(role=StaffRole.REVIEWER)
    client.force_login(staff.user)
    assert "Applications to review" in client.get(reverse("home")).content.decode()

    ProgramStaff.objects.filter(pk=staff.pk).delete()

    html = client.get(reverse("home")).content.decode()
    assert "Applications to review" not in html
    assert "Your reviews" not in html
    assert "Your companies" in html  # no role left: an applicant-to-be


def make_work(intake, n):
    """n of every kind of work waiting for the intake's managers."""
    import datetime

    from django.utils import timezone

    from applications.enums import ApplicationStatus, OfferStatus, RunStatus
    from applications.models import Conflict, Offer, SelectionRun
    from portal.enums import EmailStatus
    from portal.models import OutgoingEmail

    now = timezone.now()
    intake.reviews_due_at = now - datetime.timedelta(days=1)
    intake.save(update_fields=["reviews_due_at"])
    host = factories.HostIncubatorFactory()
    for i in range(n):
        factories.ApplicationFactory(intake=intake, status=ApplicationStatus.SCREENING)
        Conflict.objects.create(
            reviewer=factories.UserFactory(), company=factories.CompanyFactory(), intake=intake,
            reason="Former employer",
        )  # fmt: skip
        factories.ReviewFactory(application__intake=intake)
        run = SelectionRun.objects.create(
            intake=intake, number=i + 1, started_by=factories.UserFactory(), status=RunStatus.DONE
        )
        Offer.objects.create(
            application=factories.ApplicationFactory(
                intake=intake, status=ApplicationStatus.OFFERED
            ),
            intake=intake, host=host, run=run, stipend=1000, status=OfferStatus.OPEN,
            deadline=now + datetime.timedelta(days=1 if i == 0 else 10),
        )  # fmt: skip
        for status in (EmailStatus.HELD, EmailStatus.FAILED):
            OutgoingEmail.objects.create(
                key=f"{status}:{intake.pk}:{i}", to=["a@northwind.example"], subject="s",
                body="b", status=status, intake_ref=intake.pk,
                batch=f"decisions:{intake.pk}" if status == EmailStatus.HELD else "",
            )  # fmt: skip
    services.recount_work(intake.pk)  # written without the services


def queue_of(response):
    return next(s.context for s in response.context["sections"] if s.key == "work-queue")


WORK_COUNTS = {
    "to_screen": 2, "conflicts": 2, "overdue_reviews": 2, "runs_to_confirm": 2,
    "held_emails": 2, "open_offers": 2, "expiring_offers": 1,
}  # fmt: skip


@pytest.mark.django_db
def test_a_manager_sees_the_work_waiting_in_their_intakes_only(client):
    manager = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    intake = factories.IntakeFactory(program=manager.program)
    make_work(intake, 2)
    make_work(factories.IntakeFactory(), 3)  # another program's
    client.force_login(manager.user)

    response = client.get(reverse("dashboard"))

    assert sections(response) == ["work-queue", "placements-manager", "outcomes-manager", "manager"]
    queue = queue_of(response)
    assert queue["failed_emails"] == 2
    assert queue["intakes"] == [
        {"pk": intake.pk, "title": intake.title, "program__name": manager.program.name,
         **WORK_COUNTS}
    ]  # fmt: skip
    html = response.content.decode()
    for text, url in [
        ("2 applications to screen by hand",
         reverse("applications:intake_applications", args=[intake.pk]) + "?status=screening"),
        ("2 conflicts of interest to resolve",
         reverse("applications:assignments", args=[intake.pk])),
        ("2 reviews overdue", reverse("applications:review_dashboard", args=[intake.pk])),
        ("2 selection runs waiting for confirmation",
         reverse("applications:selection", args=[intake.pk])),
        ("2 decision emails held, not yet released",
         reverse("applications:decisions", args=[intake.pk])),
        ("2 offers waiting for an answer",
         reverse("applications:intake_applications", args=[intake.pk]) + "?status=offered"),
        ("2 emails could not be sent", reverse("programs:failed_emails")),
    ]:  # fmt: skip
        assert f'<a href="{url}">{text}</a>' in html
    assert "1 expires within two days" in html


@pytest.mark.django_db
def test_the_director_sees_every_intakes_work_and_is_not_asked_to_register_a_company(client):
    director = factories.UserFactory(is_superuser=True, is_staff=True)
    first, second = factories.IntakeFactory(), factories.IntakeFactory()
    make_work(first, 1)
    make_work(second, 2)
    client.force_login(director)

    response = client.get(reverse("dashboard"))

    assert sections(response) == ["work-queue", "placements-manager", "outcomes-manager", "manager"]
    queue = queue_of(response)
    assert {row["pk"]: row["to_screen"] for row in queue["intakes"]} == {
        first.pk: 1,
        second.pk: 2,
    }
    assert queue["failed_emails"] == 3
    assert "Register a company" not in response.content.decode()


@pytest.mark.django_db
def test_a_manager_with_nothing_waiting_is_told_so(client):
    manager = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    factories.IntakeFactory(program=manager.program)
    client.force_login(manager.user)
    response = client.get(reverse("dashboard"))
    assert queue_of(response) == {"intakes": [], "failed_emails": 0}
    assert "Nothing is waiting for you." in response.content.decode()


@pytest.mark.django_db
def test_the_work_queue_runs_the_same_number_of_queries_for_few_and_many_rows(client):
    few = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    make_work(factories.IntakeFactory(program=few.program), 1)
    many = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    for _ in range(4):
        make_work(factories.IntakeFactory(program=many.program), 5)

    assert (dashboard_queries(client, few.user), dashboard_queries(client, many.user)) == (7, 7)


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_database_that_does_not_answer_is_a_503_page_in_the_persons_language(
    client, error, language
):
    from unittest import mock

    client.raise_request_exception = False
    failing = mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=error("server closed the connection unexpectedly"),
    )
    with failing:
        response = client.get(reverse("healthz"), headers={"accept-language": language})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert f'<html lang="{language}">' in response.text
    with translation.override(language):
        assert (
            translation.gettext(
                "The portal cannot reach its database just now, so nothing from this page was "
                "saved. Please try again in a minute: what you typed is still in your browser "
                "if you go back."
            )
            in response.text
        )


@pytest.mark.django_db
def test_another_error_is_still_the_500_page(client):
    from unittest import mock

    client.raise_request_exception = False
    with mock.patch("portal.views.connection.cursor", side_effect=RuntimeError("a bug")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 500
    assert "Nothing you entered has been lost" in response.text
