"""The placements app's dashboard sections (portal.dashboard): the manager's placements per
program, the partner's placements at their incubators, the firm's own stay.
``register()`` is called once, from PlacementsConfig.ready()."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from applications.models import CompanyMember
from applications.queries import MEMBER
from placements import queries
from placements.enums import PlacementStatus
from placements.models import Placement
from portal import dashboard
from portal.rows import labels
from programs.queries import PARTNER, manages_or_directs


def partner(user):
    # Every partner's (the navigation decides from roles): the counts say when nothing is
    # waiting yet.
    return {"counts": queries.partner_counts(user)}


def manager(user):
    return {"programs": queries.manager_counts(user)}


def firm(user):
    """The person's firms' stays, newest first, and their accepted offers still waiting for
    the host: the columns the section shows (values()), two small queries. (The same rows as
    placements.queries.firm_placements, without the instances of their hosts, markets,
    intakes and companies, whose columns cost this page more than its rows.)"""
    member = CompanyMember.objects.filter(user=user.pk)
    placements = (
        Placement.objects.filter(Exists(member.filter(company=OuterRef("company"))))
        .order_by("-starts_on", "pk")
        .values("pk", "company__name", "host__name", "starts_on", "ends_on", "status")
    )
    waiting = (
        queries.waiting_offers()
        .filter(Exists(member.filter(company=OuterRef("application__company"))))
        .order_by("pk")
        .values("application__company__name", "host__name")
    )
    statuses = labels(PlacementStatus)
    return {
        "placements": [row | {"status_label": statuses[row["status"]]} for row in placements],
        "waiting": list(waiting),
    }


def is_partner(roles):
    return PARTNER in roles


def is_member(roles):
    return MEMBER in roles


def register():
    dashboard.register(
        dashboard.Section(
            key="placements-manager",
            title=_("Placements"),
            template="placements/dashboard/manager.html",
            load=manager,
            present=manages_or_directs,
            order=6,
        )
    )
    dashboard.register(
        dashboard.Section(
            key="placements-partner",
            title=_("Placements at your incubator"),
            template="placements/dashboard/partner.html",
            load=partner,
            present=is_partner,
            order=31,
        )
    )
    dashboard.register(
        dashboard.Section(
            key="placements-firm",
            title=_("Your placement"),
            template="placements/dashboard/firm.html",
            load=firm,
            present=is_member,
            order=39,
        )
    )
