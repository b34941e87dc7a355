from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Load an archive written by `backup` into an empty portal: a database without tables "
        "(restore before migrate) and an empty MEDIA_ROOT; then check every table and file."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="a file written by `manage.py backup`")

    def handle(self, *args, archive, **options):
        try:
            manifest = restore(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Restored %(tables)s tables (%(rows)s rows) and %(files)s files from %(path)s; "
                "each matches the backup."
            )
            % {
                "tables": len(manifest["tables"]),
                "rows": sum(manifest["tables"].values()),
                "files": len(manifest["files"]),
                "path": archive,
            }
        )
