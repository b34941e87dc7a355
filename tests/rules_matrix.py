"""Every role the portal knows, built around one program, one host and one company, with every
object the rules protect: the company, its application (with a document), a review, an offer
and a selection run.

Roles held now and roles taken away are both here: a member removed from the company, a
reviewer removed from the program after being assigned (their given review stays), a partner
removed from the host. So are a second program's manager and reviewer, a manager and a
reviewer of this intake only, a manager of another intake of the same program, and the
director (a superuser).
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.utils import timezone

from applications import services
from applications.enums import ApplicationStatus, MemberRole
from applications.models import ApplicationDocument, Offer, SelectionRun
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"

ROLES = [
    "anonymous",
    "no_role",
    "company_owner",
    "company_staff",
    "removed_member",
    "program_manager",
    "intake_manager",
    "other_intake_manager",
    "program_reviewer",
    "intake_reviewer",
    "removed_reviewer",
    "other_program_manager",
    "other_program_reviewer",
    "host_partner",
    "other_host_partner",
    "removed_partner",
    "superuser",
]

# Everyone who manages the world's intake; everyone who reviews it (and is assigned).
MANAGERS = {"program_manager", "intake_manager", "superuser"}
REVIEWERS = {"program_reviewer", "intake_reviewer"}
MEMBERS = {"company_owner", "company_staff"}


def _staff(program, role, intake=None):
    user = factories.UserFactory()
    programs_services.grant_program_role(program, user=user, role=role, intake=intake)
    return user


def build_world(status=ApplicationStatus.IN_REVIEW):
    program = factories.ProgramFactory()
    other_program = factories.ProgramFactory()
    host = factories.HostIncubatorFactory()
    other_host = factories.HostIncubatorFactory()
    company = factories.CompanyFactory()
    # Not yet published: only the program's staff see it.
    intake = factories.IntakeFactory(program=program, published_at=None)
    other_intake = factories.IntakeFactory(program=program, published_at=None)

    people = {"anonymous": AnonymousUser(), "no_role": factories.UserFactory()}
    for role, member_role in [
        ("company_owner", MemberRole.OWNER),
        ("company_staff", MemberRole.STAFF),
        ("removed_member", MemberRole.STAFF),
    ]:
        people[role] = factories.CompanyMemberFactory(company=company, role=member_role).user
    people["program_manager"] = _staff(program, StaffRole.MANAGER)
    people["intake_manager"] = _staff(program, StaffRole.MANAGER, intake=intake)
    people["other_intake_manager"] = _staff(program, StaffRole.MANAGER, intake=other_intake)
    people["program_reviewer"] = _staff(program, StaffRole.REVIEWER)
    people["intake_reviewer"] = _staff(program, StaffRole.REVIEWER, intake=intake)
    people["removed_reviewer"] = _staff(program, StaffRole.REVIEWER)
    people["other_program_manager"] = _staff(other_program, StaffRole.MANAGER)
    people["other_program_reviewer"] = _staff(other_program, StaffRole.REVIEWER)
    for role, its_host in [
        ("host_partner", host),
        ("other_host_partner", other_host),
        ("removed_partner", host),
    ]:
        people[role] = factories.UserFactory()
        programs_services.add_host_partner(its_host, user=people[role])
    people["superuser"] = factories.UserFactory(is_superuser=True, is_staff=True)
    assert set(people) == set(ROLES)

    application = factories.ApplicationFactory(
        company=company, intake=intake, status=status, submitted_at=timezone.now()
    )
    factories.HostPreferenceFactory(application=application, host=host, rank=1)
    document = ApplicationDocument.objects.create(
        application=application,
        kind="pitch-deck",
        file=ContentFile(PDF, name="deck.pdf"),
        original_name="deck.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=people["company_owner"],
    )
    review = factories.ReviewFactory(
        application=application, reviewer=people["program_reviewer"], staff=False
    )
    factories.ReviewFactory(
        application=application, reviewer=people["intake_reviewer"], staff=False
    )
    # The removed reviewer had given one review (it stays) and had one still to give (it is
    # withdrawn when they are removed).
    given_review = factories.ReviewFactory(
        application=application,
        reviewer=people["removed_reviewer"],
        submitted_at=timezone.now(),
        score=70,
        staff=False,
    )
    still_open = factories.ReviewFactory(
        application__company=factories.CompanyFactory(),
        application__intake=intake,
        reviewer=people["removed_reviewer"],
        staff=False,
    )
    run = SelectionRun.objects.create(intake=intake, number=1, started_by=people["superuser"])
    offer = Offer.objects.create(
        application=application,
        intake=intake,
        host=host,
        run=run,
        stipend=3000,
        deadline=timezone.now() + datetime.timedelta(days=10),
    )

    # Then the roles are taken away, each through its service.
    services.remove_company_member(company, user=people["removed_member"])
    programs_services.revoke_program_role(
        program, user=people["removed_reviewer"], role=StaffRole.REVIEWER
    )
    programs_services.remove_host_partner(host, user=people["removed_partner"])

    return {
        "program": program,
        "other_program": other_program,
        "intake": intake,
        "other_intake": other_intake,
        "host": host,
        "other_host": other_host,
        "company": company,
        "application": application,
        "document": document,
        "review": review,
        "given_review": given_review,
        "withdrawn_review_id": still_open.pk,
        "offer": offer,
        "run": run,
        "people": people,
    }


def permitted(people, permission, obj):
    """{role: may the person do ``permission`` to ``obj``} for every role, to compare with
    the expected roles at once."""
    return {role: people[role].has_perm(permission, obj) for role in ROLES}


def only(roles):
    """{role: role in roles} for every role."""
    return {role: role in roles for role in ROLES}
