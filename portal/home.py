"""What other apps show on the home page.

The home page lives in ``portal``, which imports no later app; an app that has something
for it (outcomes: the program's published figures) registers a panel from
``AppConfig.ready()``. A panel's ``load()`` returns its template context, or None when it
has nothing to show."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    load: Callable  # () -> dict or None
    order: int = 100


@dataclass(frozen=True)
class LoadedPanel:
    key: str
    template: str
    context: dict


_panels: dict[str, Panel] = {}


def register(panel):
    _panels[panel.key] = panel
    return panel


def panels():
    """The registered panels that have something to show, loaded, in order."""
    loaded = []
    for panel in sorted(_panels.values(), key=lambda panel: panel.order):
        context = panel.load()
        if context is not None:
            loaded.append(LoadedPanel(panel.key, panel.template, context))
    return loaded
