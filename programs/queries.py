from django.db.models import Count, Prefetch

from programs.enums import StaffRole
from programs.models import (
    ForeignMarket,
    HostIncubator,
    MarketGroup,
    Program,
    ProgramStaff,
    ServiceImportFigure,
)


def programs_visible_to(user):
    """Programs a person works on as manager or reviewer (all of them for superusers)."""
    programs = Program.objects.all()
    if not user.is_superuser:
        programs = programs.filter(staff__user=user).distinct()
    return programs.prefetch_related(
        Prefetch("staff", queryset=ProgramStaff.objects.select_related("user"))
    )


def programs_with_role(user, role):
    # One staff row per (program, user, role), so the join yields each program once.
    return Program.objects.filter(staff__user=user, staff__role=role).order_by("name")


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


def public_markets():
    """Markets for the public list, with their groups and host counts."""
    return (
        ForeignMarket.objects.annotate(host_count=Count("hosts", distinct=True))
        .prefetch_related("groups")
        .order_by("country")
    )


def public_market(country_code):
    figures = ServiceImportFigure.objects.order_by("position")
    return ForeignMarket.objects.prefetch_related(
        Prefetch(
            "groups",
            queryset=MarketGroup.objects.prefetch_related(
                Prefetch("import_figures", queryset=figures)
            ),
        ),
        Prefetch("hosts", queryset=HostIncubator.objects.order_by("name")),
    ).filter(country=country_code.upper())


def public_groups():
    return MarketGroup.objects.prefetch_related(
        Prefetch("import_figures", queryset=ServiceImportFigure.objects.order_by("position")),
        Prefetch("markets", queryset=ForeignMarket.objects.order_by("country")),
    )


def groups_containing(country_code):
    """Groups that list a country; membership lives in MarketGroup.countries."""
    return [group for group in MarketGroup.objects.all() if country_code in group.countries]
