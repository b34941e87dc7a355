"""What confirmed stays hold, as ``programs`` needs to see it before changing an intake's
desks or terms, or a host's capacity.

``programs`` comes before ``placements`` (imports flow one way), so it cannot count stays
itself: ``PlacementsConfig.ready()`` registers this module with
``programs.services.when_stays_held``. A stay holds a desk from its start to its
``desk_until`` (its planned end, or its departure; none once cancelled), the days
``services.full_days`` counts when a confirmation would overfill a host.
"""

import datetime
from collections import Counter

from placements.enums import HOLDING_DESKS
from placements.models import Placement


def _holding(*, intake=None, host=None):
    stays = Placement.objects.filter(status__in=HOLDING_DESKS, desk_until__isnull=False)
    if intake is not None:
        stays = stays.filter(intake=intake)
    if host is not None:
        # Across intakes, only those not archived: as a host's capacity is held by the live
        # intakes' desk offers (programs.queries.largest_live_desk_offer).
        stays = stays.filter(host=host, intake__archived_at__isnull=True)
    return stays


def desks_held(*, intake=None, host=None):
    """Counter {(host pk, day): stays holding a desk there that day}, of ``intake``'s stays,
    or of ``host``'s in every intake not archived."""
    held = Counter()
    rows = _holding(intake=intake, host=host).values_list("host_id", "starts_on", "desk_until")
    for host_id, first, last in rows:
        day = first
        while day <= last:
            held[host_id, day] += 1
            day += datetime.timedelta(days=1)
    return held


def stays(intake):
    """[(firm name, first day, last day)] of ``intake``'s stays holding a desk, the days it
    holds one, by firm name."""
    return list(
        _holding(intake=intake)
        .order_by("company__name", "pk")
        .values_list("company__name", "starts_on", "desk_until")
    )
