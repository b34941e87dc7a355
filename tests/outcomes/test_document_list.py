"""The documents page lists only documents the person may open: a report of a whole program
to the managers of the whole program (and the director), not to a manager of one of its
intakes, whose link would be a 404."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from outcomes import queries
from outcomes.enums import DocumentKind, DocumentStatus
from outcomes.models import Document
from programs.enums import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(db):
    return factories.IntakeFactory()


@pytest.fixture
def program_manager(intake):
    return factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user


@pytest.fixture
def intake_manager(intake):
    return factories.ProgramStaffFactory(
        program=intake.program, role=StaffRole.MANAGER, intake=intake
    ).user


def ready_report(program_manager, *, program, intake=None):
    return Document.objects.create(
        kind=DocumentKind.PROGRAM_REPORT,
        program=program,
        intake=intake,
        language="en",
        status=DocumentStatus.READY,
        file=ContentFile(b"%PDF", name="report.pdf"),
        requested_by=program_manager,
    )


@pytest.fixture
def program_report(intake, program_manager):
    return ready_report(program_manager, program=intake.program)


@pytest.fixture
def intake_report(intake, program_manager):
    return ready_report(program_manager, program=intake.program, intake=intake)


def listed(client, user):
    client.force_login(user)
    html = client.get(reverse("outcomes:documents")).content.decode()
    return {
        document.pk
        for document in Document.objects.all()
        if reverse("outcomes:document", args=[document.pk]) in html
    }


def test_an_intake_manager_is_not_listed_the_whole_programs_report(
    client, intake_manager, program_report, intake_report
):
    assert listed(client, intake_manager) == {intake_report.pk}
    assert client.get(reverse("outcomes:document", args=[program_report.pk])).status_code == 404


def test_the_programs_manager_and_the_director_are_listed_both_reports(
    client, program_manager, program_report, intake_report
):
    director = factories.UserFactory(is_superuser=True)
    assert listed(client, program_manager) == {program_report.pk, intake_report.pk}
    assert listed(client, director) == {program_report.pk, intake_report.pk}


@pytest.mark.parametrize("person", ["program_manager", "intake_manager", "director"])
def test_every_listed_document_opens(client, request, person, program_report, intake_report):
    user = (
        factories.UserFactory(is_superuser=True)
        if person == "director"
        else request.getfixturevalue(person)
    )
    for pk in listed(client, user):
        assert client.get(reverse("outcomes:document", args=[pk])).status_code == 200


def test_a_manager_of_both_an_intake_and_another_whole_program_is_listed_that_programs_report(
    client, intake_manager, program_manager, program_report, intake_report
):
    other = factories.IntakeFactory()
    factories.ProgramStaffFactory(
        program=other.program, role=StaffRole.MANAGER, user=intake_manager
    )
    other_report = ready_report(program_manager, program=other.program)
    assert listed(client, intake_manager) == {intake_report.pk, other_report.pk}


def test_programs_managed_whole_by_leaves_out_intake_roles(intake, program_manager, intake_manager):
    assert queries.programs_managed_whole_by(program_manager) == [intake.program]
    assert queries.programs_managed_whole_by(intake_manager) == []
