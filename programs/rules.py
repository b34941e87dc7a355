"""Who may do what with markets, hosts, programs and intakes.

Predicates take (user, obj); roles are scoped to objects: a manager or reviewer
of a program (for all its intakes or for one), partner staff of a host incubator.
"""

import rules
from django.db.models import Q

from portal.rules import is_superuser
from programs.enums import StaffRole


def _has_program_role(user, program, role):
    # A program-wide role: the staff row names no single intake.
    if program is None or not user.is_authenticated:
        return False
    return program.staff.filter(user=user, role=role, intake__isnull=True).exists()


def _has_intake_role(user, intake, role):
    if intake is None or not user.is_authenticated:
        return False
    return (
        intake.program.staff.filter(user=user, role=role)
        .filter(Q(intake__isnull=True) | Q(intake=intake))
        .exists()
    )


@rules.predicate
def is_program_manager(user, program):
    return _has_program_role(user, program, StaffRole.MANAGER)


@rules.predicate
def is_program_reviewer(user, program):
    return _has_program_role(user, program, StaffRole.REVIEWER)


@rules.predicate
def works_on_program(user, program):
    """Any role in the program, for all its intakes or for one."""
    if program is None or not user.is_authenticated:
        return False
    return program.staff.filter(user=user).exists()


@rules.predicate
def is_intake_manager(user, intake):
    return _has_intake_role(user, intake, StaffRole.MANAGER)


@rules.predicate
def is_intake_reviewer(user, intake):
    return _has_intake_role(user, intake, StaffRole.REVIEWER)


@rules.predicate
def is_published(user, intake):
    return intake is not None and intake.published_at is not None


@rules.predicate
def manages_any_program(user):
    return (
        user.is_authenticated
        and user.program_roles.filter(role=StaffRole.MANAGER, intake__isnull=True).exists()
    )


@rules.predicate
def manages_any_intake(user):
    """A manager of some program, for all its intakes or for one."""
    return user.is_authenticated and user.program_roles.filter(role=StaffRole.MANAGER).exists()


@rules.predicate
def manages_intake_of_email(user, email):
    """A manager of the intake an outbox email is about (OutgoingEmail.intake_ref). An email
    about no intake (an account email, an invitation to a company's team) concerns one
    person or firm, not a program: only the director (a superuser) sees it."""
    if email is None or email.intake_ref is None or not user.is_authenticated:
        return False
    from programs.models import Intake  # models import this module

    intake = Intake.objects.filter(pk=email.intake_ref).select_related("program").first()
    return intake is not None and _has_intake_role(user, intake, StaffRole.MANAGER)


@rules.predicate
def is_host_partner(user, host):
    if host is None or not user.is_authenticated:
        return False
    return host.partner_staff.filter(pk=user.pk).exists()


can_set_up_catalogue = manages_any_program | is_superuser
can_manage_program = is_program_manager | is_superuser
can_see_program = works_on_program | is_superuser
can_manage_intake = is_intake_manager | is_superuser
can_see_intake = is_published | is_intake_manager | is_intake_reviewer | is_superuser
can_act_for_host = is_host_partner | is_superuser
can_see_failed_emails = manages_any_intake | is_superuser
can_retry_email = manages_intake_of_email | is_superuser

# The outbox (portal.OutgoingEmail) comes before programs, so its permissions, which read
# program roles, are declared here rather than in its Meta.
rules.add_perm("programs.view_failed_emails", can_see_failed_emails)
rules.add_perm("programs.retry_email", can_retry_email)
