"""The placements app's dashboard sections (portal.dashboard): the manager's placements per
program, the partner's placements at their incubators, the firm's own stay.
``register()`` is called once, from PlacementsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from applications.queries import MEMBER
from placements import queries
from placements.enums import PlacementStatus
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
    placements, waiting = queries.firm_placements(user)
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
