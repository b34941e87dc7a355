"""Who may do what with markets, hosts and programs.

Predicates take (user, obj); roles are scoped to objects: a manager or reviewer
of a program, partner staff of a host incubator.
"""

import rules

from portal.rules import is_superuser
from programs.enums import StaffRole


def _has_program_role(user, program, role):
    if program is None or not user.is_authenticated:
        return False
    return program.staff.filter(user=user, role=role).exists()


@rules.predicate
def is_program_manager(user, program):
    return _has_program_role(user, program, StaffRole.MANAGER)


@rules.predicate
def is_program_reviewer(user, program):
    return _has_program_role(user, program, StaffRole.REVIEWER)


@rules.predicate
def manages_any_program(user):
    return user.is_authenticated and user.program_roles.filter(role=StaffRole.MANAGER).exists()


@rules.predicate
def is_host_partner(user, host):
    if host is None or not user.is_authenticated:
        return False
    return host.partner_staff.filter(pk=user.pk).exists()


can_set_up_catalogue = manages_any_program | is_superuser
can_manage_program = is_program_manager | is_superuser
can_see_program = is_program_manager | is_program_reviewer | is_superuser
can_act_for_host = is_host_partner | is_superuser
