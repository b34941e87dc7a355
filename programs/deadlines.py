"""Who an earlier closing time reaches.

Drafts live in ``applications``, which comes after ``programs`` (imports flow one way), so
``programs`` cannot count them or write to their owners itself, and reaching through the
ORM's reverse relations (``intake.applications``) would tie it to another app's statuses and
teams all the same. Instead an app whose work hangs on an intake's closing time registers a
``Watcher`` here from its ``AppConfig.ready()`` (``applications`` does, for drafts), and
``services.update_intake`` asks every watcher: how many would the new time cut short, and
tell them (in the change's transaction, so the emails go only if the change is saved).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Watcher:
    key: str
    # (intake, before, after) -> how many would have less time if the intake closed at
    # ``after`` instead of ``before``.
    cut_short: Callable
    # (intake, before, after) -> None: tell them (queue the emails); returns nothing.
    tell: Callable


_watchers: dict[str, Watcher] = {}


def register(watcher):
    _watchers[watcher.key] = watcher
    return watcher


def cut_short(intake, *, before, after):
    """How many (drafts, in practice) an earlier closing time would leave less time."""
    if after >= before:
        return 0
    return sum(watcher.cut_short(intake, before, after) for watcher in _watchers.values())


def tell(intake, *, before, after):
    if after < before:
        for watcher in _watchers.values():
            watcher.tell(intake, before, after)
