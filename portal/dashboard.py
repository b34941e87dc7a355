"""The dashboard and navigation are built from sections that each app contributes.

The portal app cannot import the apps that come after it (imports flow one way),
so each app registers its sections from ``AppConfig.ready()``. A section says
whether a person has that kind of work and what to show; the navigation shows
the same sections, so both always agree about what a person can do.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy translation
    template: str
    load: Callable  # (user) -> dict of template context, or None when not this person's work
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
    """The sections that hold work for this person, loaded once per request."""
    cached = getattr(request, "_portal_sections", None)
    if cached is not None:
        return cached
    loaded = []
    user = request.user
    if user.is_authenticated:
        for section in registered_sections():
            context = section.load(user)
            if context is not None:
                loaded.append(LoadedSection(section, context))
    request._portal_sections = loaded
    return loaded
