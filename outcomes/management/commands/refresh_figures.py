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
        changed = sum(1 for pk, row in after.items() if before.get(pk) != row)
        self.stdout.write(f"Intakes refreshed: {len(after)}; changed: {changed}.")
