from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.celery import app
from portal.startup import explain_startup_failure


class Command(BaseCommand):
    help = "Check that the database and (when configured) the task broker can be reached."

    def handle(self, *args, **options):
        try:
            connection.ensure_connection()
        except Exception as exc:
            raise CommandError(explain_startup_failure(exc) or str(exc)) from None
        self.stdout.write(f"Database: {connection.vendor} reachable.")
        if not settings.CELERY_BROKER_URL:
            self.stdout.write("Tasks: run inline (no CELERY_BROKER_URL set).")
            return
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=3)
        except Exception as exc:
            raise CommandError(explain_startup_failure(exc) or str(exc)) from None
        self.stdout.write("Task broker: reachable.")
