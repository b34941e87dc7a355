"""Who must hear, in the same transaction, that an intake's placed firms or payments changed.

``outcomes`` keeps each intake's figures (firms placed, program cost ...) and reads
``placements``, which comes before it (imports flow one way): ``placements`` cannot call it.
So an app that keeps something computed from placements registers a ``Watcher`` here from
its ``AppConfig.ready()`` (``outcomes`` does, to refresh its kept figures), and the
placements services that change such an input call ``intakes_changed`` inside their
transaction: a placement moving into or out of a placed status, a tranche, an expense claim
or a desk invoice paid, an exchange rate entered (every intake: a rate converts payments).
A watcher that fails fails the change, so the kept figures never disagree with the records.
A watcher may leave heavy work for after the commit (``transaction.on_commit``): outcomes
refreshes every intake's figures that way, by a task, when a rate is entered.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Watcher:
    key: str
    # (intake pks, or None for every intake) -> None, called in the change's transaction
    # (what it defers, it queues with transaction.on_commit).
    changed: Callable


_watchers: dict[str, Watcher] = {}


def register(watcher):
    _watchers[watcher.key] = watcher
    return watcher


def intakes_changed(intakes=None):
    """Tell every watcher that these intakes' (pks; None: every intake's) placed firms or
    payments changed."""
    pks = None if intakes is None else sorted(set(intakes))
    for watcher in _watchers.values():
        watcher.changed(pks)
