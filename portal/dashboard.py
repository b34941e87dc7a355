"""The dashboard and navigation are built from sections that each app contributes.

The portal app cannot import the apps that come after it (imports flow one way),
so each app registers its sections from ``AppConfig.ready()``. A section says
whether a person has that kind of work and what to show; the navigation shows
the same sections, so both always agree about what a person can do.

Whether a section is a person's is decided from their roles: each app also registers
the roles it knows (a company member, a program manager or reviewer, a host's partner
staff), as a query of role rows for a person's id, and all of them are read in one query
(a UNION of small index lookups) once per request (person_roles): the navigation reads
the role names, the rules read the same rows for the program and intake of each staff role
(programs.rules.staff_rows). Roles are read per request, never kept across requests: a role
given or removed counts from the person's next page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import IntegerField, Value
from django.db.models.functions import Cast

# The active superuser: a role read from the user row itself, not from the database.
DIRECTOR = "director"


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy translation
    template: str
    load: Callable  # (user) -> dict of template context, or None when not this person's work
    # (roles) -> bool: is this kind of work the person's, from the set of their role names
    # (see register_roles; DIRECTOR for an active superuser).
    present: Callable
    order: int = 100


_sections: dict[str, Section] = {}
_roles: list[Callable] = []


def register(section):
    _sections[section.key] = section
    return section


def register_roles(roles):
    """``roles(user_id)`` is a queryset of three columns (``values_list``): the name of each
    role the person of that id has, and the program and intake it is scoped to (each None
    where the role has no such scope: NO_SCOPE). Filters name the id itself, so PostgreSQL
    plans each part for that person (an index probe on the user column)."""
    _roles.append(roles)
    return roles


# The program and intake columns of a role that has neither (register_roles): NULLs cast to
# integer, so that PostgreSQL matches the UNION's columns whichever part comes first.
NO_SCOPE = (Cast(Value(None), IntegerField()), Cast(Value(None), IntegerField()))


def registered_sections():
    return sorted(_sections.values(), key=lambda section: section.order)


@dataclass(frozen=True)
class LoadedSection:
    section: Section
    context: dict

    @property
    def key(self):
        return self.section.key

    @property
    def title(self):
        return self.section.title

    @property
    def template(self):
        return self.section.template


def person_roles(user):
    """The person's roles as (name, program pk or None, intake pk or None): one query
    whatever the number of roles or apps, kept on the user object for the request as Django
    keeps its permission cache (an attribute, so that ``request.user``'s lazy wrapper and the
    user the rules are handed share it). Django loads ``request.user`` afresh for every
    request, so a role given or removed counts from the person's next request."""
    if not user.is_authenticated or not _roles:
        return []
    rows = getattr(user, "_portal_roles", None)
    if rows is None:
        first, *others = [query(user.pk) for query in _roles]
        rows = list(first.union(*others))
        user._portal_roles = rows
    return rows


def roles_of(user):
    """The person's role names (person_roles), and DIRECTOR for an active superuser."""
    roles = {name for name, _program, _intake in person_roles(user)}
    if user.is_superuser and user.is_active:
        roles.add(DIRECTOR)
    return frozenset(roles)


def sections_for(request):
    """The sections that hold work for this person, loaded once per request.

    Only the sections the navigation finds from the person's roles are loaded, so a
    section that is not theirs costs nothing, and the dashboard and the navigation
    always agree."""
    cached = getattr(request, "_portal_sections", None)
    if cached is not None:
        return cached
    loaded = []
    for section in nav_sections_for(request):
        context = section.load(request.user)
        if context is not None:
            loaded.append(LoadedSection(section, context))
    request._portal_sections = loaded
    return loaded


def nav_sections_for(request):
    """The sections to link from the navigation: one query, whatever the number of sections."""
    cached = getattr(request, "_portal_nav", None)
    if cached is not None:
        return cached
    user = request.user
    sections = []
    if user.is_authenticated:
        roles = roles_of(user)
        sections = [section for section in registered_sections() if section.present(roles)]
    request._portal_nav = sections
    return sections
