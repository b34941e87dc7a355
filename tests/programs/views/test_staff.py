import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.enums import StaffRole
from tests import factories


@pytest.mark.django_db
def test_manager_sees_their_program(client):
    staff = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    client.force_login(staff.user)
    response = client.get(reverse("programs:program_detail", args=[staff.program.pk]))
    assert response.status_code == 200
    assert staff.program.name in response.content.decode()


@pytest.mark.django_db
def test_someone_elses_program_is_a_404(client):
    staff = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    other = factories.ProgramFactory()
    client.force_login(staff.user)
    response = client.get(reverse("programs:program_detail", args=[other.pk]))
    assert response.status_code == 404
    assert "not yours to see" in response.content.decode()


@pytest.mark.django_db
def test_partner_workspace_is_only_for_the_hosts_partners(client):
    host = factories.HostIncubatorFactory()
    partner = factories.UserFactory()
    host.partner_staff.add(partner)
    stranger = factories.UserFactory()
    url = reverse("programs:host_workspace", args=[host.pk])

    client.force_login(partner)
    response = client.get(url)
    assert response.context["host"] == host
    html = response.content.decode()
    assert f"<h1>{host.name}</h1>" in html
    assert f"<li>{partner}</li>" in html
    client.force_login(stranger)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_superuser_sees_every_program(client):
    program = factories.ProgramFactory()
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("programs:program_detail", args=[program.pk]))
    assert response.context["program"] == program
    assert f"<h1>{program.name}</h1>" in response.content.decode()


def program_page(client, program):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("programs:program_detail", args=[program.pk]))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.django_db
def test_program_page_lists_the_intakes_with_their_totals_and_the_staff(client):
    manager = factories.ProgramStaffFactory(role=StaffRole.MANAGER, user__full_name="Ada Manager")
    program = manager.program
    intake = factories.IntakeFactory(program=program, title="Spring intake")
    factories.DeskOfferFactory(intake=intake, desks=3)
    factories.DeskOfferFactory(intake=intake, desks=4)
    factories.IntakeFactory(program=program, title="Draft intake", published_at=None)
    factories.IntakeFactory(title="Another program's intake")
    factories.ProgramStaffFactory(
        program=program, intake=intake, role=StaffRole.REVIEWER, user__full_name=""
    )
    client.force_login(manager.user)

    html, few = program_page(client, program)

    assert "Spring intake" in html and "Draft intake" in html
    assert "Another program&#x27;s intake" not in html
    assert '<span class="badge">Open for applications</span>' in html
    assert '<span class="badge">Not published</span>' in html
    assert '<td class="num">2</td><td class="num">7</td>' in html
    assert "Ada Manager" in html and "(one intake)" in html
    assert "New intake" in html  # a program manager may add one

    for _ in range(10):
        factories.DeskOfferFactory(intake=factories.IntakeFactory(program=program))
        factories.ProgramStaffFactory(program=program, role=StaffRole.REVIEWER)
    assert program_page(client, program)[1] == few


@pytest.mark.django_db
def test_an_intake_reviewer_sees_only_their_intake_of_the_program(client):
    program = factories.ProgramFactory()
    mine = factories.IntakeFactory(program=program, title="Reviewed intake")
    factories.IntakeFactory(program=program, title="Not reviewed intake")
    reviewer = factories.ProgramStaffFactory(
        program=program, intake=mine, role=StaffRole.REVIEWER
    ).user
    client.force_login(reviewer)
    html, _ = program_page(client, program)
    assert "Reviewed intake" in html
    assert "Not reviewed intake" not in html
    assert "New intake" not in html


def failed_email(intake_ref, n=0, error="BadHeaderError: Header values can't contain newlines"):
    from django.utils import timezone

    from portal.enums import EmailStatus
    from portal.models import OutgoingEmail

    return OutgoingEmail.objects.create(
        key=f"failed:{intake_ref}:{n}", to=[f"owner{n}@northwind.example"],
        subject=f"Decision {n}", body="b", status=EmailStatus.FAILED, intake_ref=intake_ref,
        attempts=1, last_error=error, last_attempt_at=timezone.now(),
    )  # fmt: skip


@pytest.mark.django_db
def test_managers_see_the_failed_emails_of_their_intakes_and_the_director_all(client):
    manager = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    mine = failed_email(factories.IntakeFactory(program=manager.program).pk, 1)
    others = failed_email(factories.IntakeFactory().pk, 2)
    about_nobody = failed_email(None, 3)
    director = factories.UserFactory(is_superuser=True)
    url = reverse("programs:failed_emails")

    client.force_login(manager.user)
    response = client.get(url)
    assert [email.pk for email, _intake in response.context["rows"]] == [mine.pk]
    html = response.content.decode()
    assert "owner1@northwind.example" in html
    assert "Header values can&#x27;t contain newlines" in html

    client.force_login(director)
    shown = {email.pk for email, _intake in client.get(url).context["rows"]}
    assert shown == {mine.pk, others.pk, about_nobody.pk}


@pytest.mark.django_db
def test_people_who_manage_nothing_may_not_see_failed_emails(client):
    reviewer = factories.ProgramStaffFactory(role=StaffRole.REVIEWER)
    client.force_login(reviewer.user)
    assert client.get(reverse("programs:failed_emails")).status_code == 403


@pytest.mark.django_db
def test_a_manager_sends_a_failed_email_of_their_intake_again(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from portal.enums import EmailStatus

    manager = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    mine = failed_email(factories.IntakeFactory(program=manager.program).pk, 1)
    others = failed_email(factories.IntakeFactory().pk, 2)
    client.force_login(manager.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programs:retry_email", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:failed_emails")
    mine.refresh_from_db()
    assert mine.status == EmailStatus.SENT
    assert [m.to for m in mailoutbox] == [["owner1@northwind.example"]]
    # Someone else's email is not there; a sent one is no longer failed.
    assert client.post(reverse("programs:retry_email", args=[others.pk])).status_code == 404
    assert client.post(reverse("programs:retry_email", args=[mine.pk])).status_code == 404


@pytest.mark.django_db
def test_failed_emails_page_runs_the_same_number_of_queries_for_few_and_many(client):
    director = factories.UserFactory(is_superuser=True)
    client.force_login(director)
    url = reverse("programs:failed_emails")
    intake = factories.IntakeFactory()
    failed_email(intake.pk, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(1, 40):
        failed_email(factories.IntakeFactory().pk if n % 2 else None, n)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert (len(few), len(many)) == (5, 5)
