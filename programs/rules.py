"""Who may do what with markets, hosts, programs and intakes.

Predicates take (user, obj); roles are scoped to objects: a manager or reviewer
of a program (for all its intakes or for one), partner staff of a host incubator.
"""

import rules
from django.db.models import Q, prefetch_related_objects

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
    # Reads the person's roles through .all(), so a list that prefetched them asks once.
    return user.is_authenticated and any(
        role.role == StaffRole.MANAGER and role.intake_id is None
        for role in user.program_roles.all()
    )


# The shared catalogue. Markets and hosts belong to no program: every program's intakes may
# use them, and partner staff of a host read the shortlisted applicants of every intake that
# offers desks there. So a program's manager changes a host or a market only while no other
# program relies on it: every program whose intakes offer desks at the host (or focus on the
# market, or offer desks at one of its hosts) must be one they manage. Anything relied on by
# a program they do not manage is changed by the director (a superuser). What the predicates
# read is prefetched here when a list has not done it already (same lookups, no query per row).
HOST_RELIANCE = ["intakes__program__staff"]
MARKET_RELIANCE = ["intakes__program__staff", "hosts__intakes__program__staff"]


def _manages_every_program_of(user, intakes):
    return all(
        any(
            staff.user_id == user.pk and staff.role == StaffRole.MANAGER and staff.intake_id is None
            for staff in intake.program.staff.all()
        )
        for intake in intakes
    )


@rules.predicate
def manages_every_program_relying_on_host(user, host):
    if host is None or not user.is_authenticated:
        return False
    if host.pk is None:
        return True
    prefetch_related_objects([host], *HOST_RELIANCE)
    return _manages_every_program_of(user, host.intakes.all())


@rules.predicate
def manages_every_program_relying_on_market(user, market):
    if market is None or not user.is_authenticated:
        return False
    if market.pk is None:
        return True
    prefetch_related_objects([market], *MARKET_RELIANCE)
    return _manages_every_program_of(user, market.intakes.all()) and all(
        _manages_every_program_of(user, host.intakes.all()) for host in market.hosts.all()
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
can_change_host = is_superuser | (manages_any_program & manages_every_program_relying_on_host)
can_change_market = is_superuser | (manages_any_program & manages_every_program_relying_on_market)
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
