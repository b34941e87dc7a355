import logging
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import module_has_submodule

from portal.demo import DemoRun, already_seeded


class Command(BaseCommand):
    help = (
        "Fill the database with believable demo data for every area of the portal. "
        "Demo users get random passwords, printed once. Refuses to run with DEBUG off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG=true; it must never touch a production database."
            )
        if already_seeded():
            self.stdout.write("Demo data is already loaded; nothing was changed.")
            return
        run = DemoRun()
        # The demo's own emails (about a thousand lines on the console) would bury the one
        # print of the passwords: on the console backend they are kept in memory instead,
        # and stay in the outbox, marked sent.
        quiet = settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
        backend = "django.core.mail.backends.locmem.EmailBackend" if quiet else None
        # Celery's line per task run inline ("Task ... succeeded") would bury it as well.
        trace = logging.getLogger("celery.app.trace")
        level = trace.level
        trace.setLevel(logging.WARNING)
        try:
            self.seed(run, quiet=quiet, backend=backend)
        finally:
            trace.setLevel(level)
        self.print_credentials(run)

    def seed(self, run, *, quiet, backend):
        with override_settings(**({"EMAIL_BACKEND": backend} if quiet else {})):
            if quiet:
                mail.outbox = []
            with transaction.atomic():
                # Apps seed in INSTALLED_APPS order, the same order data flows in.
                for app_config in apps.get_app_configs():
                    if module_has_submodule(app_config.module, "demo"):
                        import_module(f"{app_config.name}.demo").seed(run)
            if quiet:
                self.stdout.write(
                    f"The demo's {len(mail.outbox)} emails were kept off this terminal "
                    "(they are in the outbox, marked sent)."
                )

    def print_credentials(self, run):
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            "Demo users and their passwords (shown this once; use "
            "`DEBUG=true .venv/bin/python manage.py changepassword EMAIL` to set a new one):"
        )
        width = max(len(role) for role, _, _ in run.credentials)
        for role, email, password in run.credentials:
            self.stdout.write(f"  {role.ljust(width)}  {email}  {password}")
