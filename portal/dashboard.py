"""The dashboard and navigation are built from sections that each app contributes.

The portal app cannot import the apps that come after it (imports flow one way),
so each app registers its sections from ``AppConfig.ready()``. A section says
whether a person has that kind of work and what to show; the navigation shows
the same sections, so both always agree about what a person can do.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy translation
    template: str
    load: Callable  # (user) -> dict of template context, or None when not this person's work
    # (user_id) -> a boolean expression over the User row of that id: does this person have
    # such work? Navigation asks it of every section in one query on every page. Filters
    # name the id itself, not OuterRef("pk"): PostgreSQL then plans each EXISTS for that
    # person (a manager with no reviews is an index probe, not a scan of every review).
    present: Callable
    order: int = 100


_sections: dict[str, Section] = {}


def register(section):
    _sections[section.key] = section
    return section


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


def sections_for(request):
    """The sections that hold work for this person, loaded once per request.

    Only the sections the navigation's presence query finds are loaded: one query tells
    which kinds of work a person has, so a section that is not theirs costs nothing, and
    the dashboard and the navigation always agree."""
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
        candidates = registered_sections()
        # Sections that ask the same question (managers have the work queue and their
        # programs) share one expression: building each costs more than running it.
        names = {}
        for section in candidates:
            names.setdefault(section.present, f"has_{len(names)}")
        presence = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .values(
                **{
                    name: ExpressionWrapper(present(user.pk), output_field=BooleanField())
                    for present, name in names.items()
                }
            )
            .first()
            or {}
        )
        sections = [section for section in candidates if presence.get(names[section.present])]
    request._portal_nav = sections
    return sections
