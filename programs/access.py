"""The programs' objects a URL names, loaded through portal.access.require: by id from a
plain queryset, then the rules decide (a 404 for what is not the person's). The person's
staff roles come from their staff rows, read once per request (programs.rules.staff_rows);
their partnership of a host is loaded with it (with_person_partnership)."""

from django.db.models import Prefetch

from portal.access import require
from programs.models import HostIncubator, Intake, Program, ProgramStaff
from programs.rules import with_person_partnership


def managed_intake(user, pk):
    """The intake if the person may manage it (programs.change_intake), else a 404."""
    return require(user, "programs.change_intake", Intake.objects.all(), pk=pk)


def staff_intake(user, pk, act=None, queryset=None):
    """An intake the person works on (manager or reviewer), else a 404; with ``act``, a 403
    to its staff who may not ``act``."""
    intakes = Intake.objects.select_related("program") if queryset is None else queryset
    return require(user, "programs.work_on_intake", intakes, act=act, pk=pk)


def visible_program(user, pk, act=None, *, with_staff=False):
    """The program if the person works on it (programs.view_program), else a 404; with
    ``act``, a 403 to its staff who may not ``act``. ``with_staff``: its staff prefetched."""
    programs = Program.objects.all()
    if with_staff:
        programs = programs.prefetch_related(
            Prefetch("staff", queryset=ProgramStaff.objects.select_related("user"))
        )
    return require(user, "programs.view_program", programs, act=act, pk=pk)


def partner_host(user, pk):
    """A host the person is partner staff of (programs.act_for_hostincubator), else a 404."""
    hosts = HostIncubator.objects.select_related("market").prefetch_related("partner_staff")
    return require(
        user, "programs.act_for_hostincubator", with_person_partnership(hosts, user), pk=pk
    )
