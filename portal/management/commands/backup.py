from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write the database (pg_dump custom format, or SQLite's online backup) and every "
        "uploaded file (MEDIA_ROOT) into one archive; `restore` loads it into an empty portal."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the file to write, e.g. portal-2026-12-06.tar.gz")

    def handle(self, *args, archive, **options):
        try:
            manifest = backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Backed up %(tables)s tables (%(rows)s rows) and %(files)s files to %(path)s.")
            % {
                "tables": len(manifest["tables"]),
                "rows": sum(manifest["tables"].values()),
                "files": len(manifest["files"]),
                "path": archive,
            }
        )
