from django.db.models import Prefetch

from programs.enums import StaffRole
from programs.models import HostIncubator, Program, ProgramStaff


def programs_visible_to(user):
    """Programs a person works on as manager or reviewer (all of them for superusers)."""
    programs = Program.objects.all()
    if not user.is_superuser:
        programs = programs.filter(staff__user=user).distinct()
    return programs.prefetch_related(
        Prefetch("staff", queryset=ProgramStaff.objects.select_related("user"))
    )


def programs_with_role(user, role):
    return Program.objects.filter(staff__user=user, staff__role=role).distinct().order_by("name")


def programs_managed_by(user):
    return programs_with_role(user, StaffRole.MANAGER)


def programs_reviewed_by(user):
    return programs_with_role(user, StaffRole.REVIEWER)


def hosts_acting_for(user):
    """Host incubators a person is partner staff of."""
    return (
        HostIncubator.objects.filter(partner_staff=user).select_related("market").order_by("name")
    )


def hosts_visible_to(user):
    hosts = HostIncubator.objects.select_related("market").prefetch_related("partner_staff")
    if user.is_superuser:
        return hosts
    return hosts.filter(partner_staff=user)
