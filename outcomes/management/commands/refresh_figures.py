"""Recompute every intake's kept figures from the records (outcomes.services.refresh_figures).

The services keep them in the transaction of each change; this is for rows written outside
the services (a bulk import, a fix in the shell), and to check nothing drifted: it says how
many intakes' figures it changed."""

from django.core.management.base import BaseCommand
from django.db import transaction

from outcomes import services
from outcomes.models import IntakeFigures


def _snapshot():
    """{intake: its kept figures}, without the time they were refreshed."""
    snapshot = {}
    for row in IntakeFigures.objects.values():
        row.pop("refreshed_at")
        snapshot[row["intake_id"]] = row
    return snapshot


class Command(BaseCommand):
    help = "Recompute every intake's kept figures (outcomes.IntakeFigures) from the records."

    def handle(self, *args, **options):
        with transaction.atomic():
            before = _snapshot()
            services.refresh_figures()
            after = _snapshot()
        changed = sum(
            1
            for pk, row in after.items()
            if (before[pk] != row if pk in before else not _empty(row))
        )
        self.stdout.write(f"Intakes refreshed: {len(after)}; changed: {changed}.")


def _empty(row):
    """A first row with no figures in it (an intake with no record yet): no drift."""
    return not any(
        value
        for key, value in row.items()
        if key not in {"id", "intake_id"} and not key.endswith("_currency")
    )
