"""The programs app's dashboard sections and roles (portal.dashboard): the programs a person
manages or reviews, and the host incubators a partner acts for. ``register()`` is called
once, from ProgramsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from portal import dashboard
from programs import queries
from programs.enums import StaffRole


def listing(name, query):
    """A section's load: {name: the person's rows}, or None when there are none."""

    def load(user):
        rows = list(query(user))
        return {name: rows} if rows else None

    return load


def is_reviewer(roles):
    return StaffRole.REVIEWER in roles


def is_partner(roles):
    return queries.PARTNER in roles


SECTIONS = [
    ("manager", _("Programs you manage"), "programs", queries.programs_managed_by,
     queries.manages_or_directs),
    ("reviewer", _("Your reviews"), "programs", queries.programs_reviewed_by, is_reviewer),
    ("partner", _("Your host incubators"), "hosts", queries.hosts_acting_for, is_partner),
]  # fmt: skip


def register():
    # The rules read a person's staff rows from these same role rows (programs.rules.staff_rows):
    # the navigation and the permissions share one query per request.
    dashboard.register_roles(queries.staff_roles)
    dashboard.register_roles(queries.partner_role)
    for order, (key, title, name, query, present) in enumerate(SECTIONS, start=1):
        dashboard.register(
            dashboard.Section(
                key=key,
                title=title,
                template=f"programs/dashboard/{key}.html",
                load=listing(name, query),
                present=present,
                order=order * 10,
            )
        )
