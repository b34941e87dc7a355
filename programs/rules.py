"""Who may do what with markets, hosts, programs and intakes.

Predicates take (user, obj); roles are scoped to objects: a manager or reviewer
of a program (for all its intakes or for one), partner staff of a host incubator.
"""

import rules
from django.db.models import Exists, OuterRef, Q, Value, prefetch_related_objects

from portal.dashboard import person_roles
from portal.rules import can_be_sent_again, is_superuser
from programs.enums import StaffRole


def _staff():
    from programs.models import ProgramStaff  # models import this module

    return ProgramStaff.objects


STAFF_ROLES = frozenset(StaffRole.values)


def staff_rows(user):
    """The person's staff rows as (role, program pk, intake pk or None, for a program-wide
    role): the staff part of the person's roles, read with all their other roles in one
    query per request (portal.dashboard.person_roles, which the navigation reads too), so a
    page asks once however many rows it checks and however many of its lists filter by them
    (programs.queries.intakes_managed_by). A role given or removed counts from the person's
    next request."""
    return [row for row in person_roles(user) if row[0] in STAFF_ROLES]


def with_person_roles(queryset, user):
    """``queryset`` (objects that name an intake: applications, reviews, runs, offers) marked
    as loaded for this person: the person's roles on a row's intake are asked once, in one
    query joining the intake's program, and kept on the row for the rest of the request
    (has_role_on_intake_of); not as subqueries in the loading query (they cost more to build
    and compile in Python than the query they saved). An intake or a program needs no mark:
    its roles come from the person's staff rows of the request (staff_rows)."""
    if not user.is_authenticated:
        return queryset
    return queryset.annotate(roles_person=Value(user.pk))


def _kept(obj, user, key, ask):
    """``ask()``, kept on ``obj`` when it was loaded for this person (with_person_roles)."""
    if getattr(obj, "roles_person", None) != user.pk:
        return ask()
    kept = obj.__dict__.setdefault("_person_answers", {})
    if key not in kept:
        kept[key] = ask()
    return kept[key]


def _intake_roles(user, intake_id, program_id=None):
    """The person's roles on an intake: program-wide ones and the intake's own; from their
    staff rows when the intake's program is known, else in one query that joins it."""
    if program_id is None:
        rows = _staff().filter(user=user, program__intakes=intake_id)
        rows = rows.filter(Q(intake__isnull=True) | Q(intake=intake_id))
        return frozenset(rows.values_list("role", flat=True))
    return frozenset(
        role
        for role, program, intake in staff_rows(user)
        if program == program_id and intake in (None, intake_id)
    )


def _program_roles(user, program_id):
    """The person's staff rows in a program, as (role, program-wide) pairs."""
    return frozenset(
        (role, intake is None)
        for role, program, intake in staff_rows(user)
        if program == program_id
    )


def _has_program_role(user, program, role):
    # A program-wide role: the staff row names no single intake.
    if program is None or not user.is_authenticated:
        return False
    return (role, True) in _program_roles(user, program.pk)


def has_intake_role(user, intake, role):
    """Whether the person has ``role`` on the intake."""
    if intake is None or not user.is_authenticated:
        return False
    return role in _intake_roles(user, intake.pk, intake.program_id)


def has_role_on_intake_of(user, obj, role):
    """Whether the person has ``role`` on the intake of ``obj`` (an application, a review, a
    run, an offer)."""
    if obj is None or not user.is_authenticated:
        return False
    return role in _kept(obj, user, "intake", lambda: _intake_roles(user, obj.intake_id))


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
    return bool(_program_roles(user, program.pk))


@rules.predicate
def is_intake_manager(user, intake):
    return has_intake_role(user, intake, StaffRole.MANAGER)


@rules.predicate
def is_intake_reviewer(user, intake):
    return has_intake_role(user, intake, StaffRole.REVIEWER)


@rules.predicate
def is_published(user, intake):
    return intake is not None and intake.published_at is not None


@rules.predicate
def manages_any_program(user):
    # From the person's staff rows of the request: a list asking it per row asks once.
    return any(
        role == StaffRole.MANAGER and intake is None for role, _program, intake in staff_rows(user)
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
    return any(role == StaffRole.MANAGER for role, _program, _intake in staff_rows(user))


@rules.predicate
def manages_intake_of_email(user, email):
    """A manager of the intake an outbox email is about (OutgoingEmail.intake_ref). An email
    about no intake (an account email, an invitation to a company's team) concerns one
    person or firm, not a program: only the director (a superuser) sees it."""
    if email is None or email.intake_ref is None or not user.is_authenticated:
        return False
    from programs.models import Intake  # models import this module

    intake = Intake.objects.filter(pk=email.intake_ref).select_related("program").first()
    return intake is not None and has_intake_role(user, intake, StaffRole.MANAGER)


def with_person_partnership(queryset, user, host="pk"):
    """``queryset`` with whether the person is partner staff of each row's host (``host``: the
    path to it), read by is_host_partner (see with_person_roles)."""
    from programs.models import HostIncubator

    if not user.is_authenticated:
        return queryset
    partner = HostIncubator.objects.filter(pk=OuterRef(host), partner_staff=user)
    return queryset.annotate(partner_person=Value(user.pk), person_partners=Exists(partner))


def is_partner_of_host_of(user, obj):
    """Whether the person is partner staff of ``obj``'s host (``obj.host``, or ``obj`` a
    host), from the answer loaded with ``obj`` when there is one."""
    if obj is None or not user.is_authenticated:
        return False
    if getattr(obj, "partner_person", None) == user.pk:
        return obj.person_partners
    host_id = obj.host_id if hasattr(obj, "host_id") else obj.pk
    if host_id is None:
        return False
    return _partner_rows().filter(hostincubator=host_id, user=user).exists()


def _partner_rows():
    from programs.models import HostIncubator

    return HostIncubator.partner_staff.through.objects


@rules.predicate
def is_host_partner(user, host):
    return is_partner_of_host_of(user, host)


can_set_up_catalogue = manages_any_program | is_superuser
can_change_host = is_superuser | (manages_any_program & manages_every_program_relying_on_host)
can_change_market = is_superuser | (manages_any_program & manages_every_program_relying_on_market)
can_manage_program = is_superuser | is_program_manager
can_see_program = is_superuser | works_on_program
can_manage_intake = is_superuser | is_intake_manager
# Staff pages of an intake: its managers and reviewers (program-wide or its own).
can_work_on_intake = is_superuser | is_intake_manager | is_intake_reviewer
can_see_intake = is_superuser | is_published | is_intake_manager | is_intake_reviewer
can_act_for_host = is_host_partner | is_superuser
can_see_failed_emails = manages_any_intake | is_superuser
can_retry_email = can_be_sent_again & (is_superuser | manages_intake_of_email)

# The outbox (portal.OutgoingEmail) comes before programs, so its permissions, which read
# program roles, are declared here rather than in its Meta.
rules.add_perm("programs.work_on_intake", can_work_on_intake)
rules.add_perm("programs.view_failed_emails", can_see_failed_emails)
rules.add_perm("programs.retry_email", can_retry_email)
