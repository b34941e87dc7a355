"""Who may see and build a document: every role around one program, for each kind."""

import pytest

from outcomes.enums import DocumentKind
from outcomes.models import Document
from programs.enums import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(report, intake, manager, owner, partner):
    program = intake.program
    return {
        "program manager": manager,
        "manager of this intake only": factories.ProgramStaffFactory(
            program=program, intake=intake, role=StaffRole.MANAGER
        ).user,
        "manager of another intake": factories.ProgramStaffFactory(
            program=program,
            intake=factories.IntakeFactory(program=program),
            role=StaffRole.MANAGER,
        ).user,
        "reviewer": factories.ProgramStaffFactory(program=program, role=StaffRole.REVIEWER).user,
        "manager of another program": factories.ProgramStaffFactory(role=StaffRole.MANAGER).user,
        "firm owner": owner,
        "host partner": partner,
        "director": factories.UserFactory(is_superuser=True, is_staff=True),
    }


def documents_of(report, intake, manager):
    common = {"language": "en", "requested_by": manager, "program": intake.program}
    return {
        "program report": Document(kind=DocumentKind.PROGRAM_REPORT, **common),
        "intake report": Document(kind=DocumentKind.PROGRAM_REPORT, intake=intake, **common),
        "dossier": Document(
            kind=DocumentKind.DOSSIER, intake=intake, placement=report.placement, **common
        ),
    }


def test_each_document_is_its_managers_and_the_directors_only(people, report, intake, manager):
    found = {
        (who, what)
        for who, person in people.items()
        for what, document in documents_of(report, intake, manager).items()
        if person.has_perm("outcomes.view_document", document)
    }
    assert found == {
        ("program manager", "program report"),
        ("program manager", "intake report"),
        ("program manager", "dossier"),
        ("manager of this intake only", "intake report"),
        ("manager of this intake only", "dossier"),
        ("director", "program report"),
        ("director", "intake report"),
        ("director", "dossier"),
    }


def test_publishing_is_the_intakes_managers_and_the_directors(people, intake):
    allowed = {
        who for who, person in people.items() if person.has_perm("outcomes.publish_results", intake)
    }
    assert allowed == {"program manager", "manager of this intake only", "director"}
