from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from placements import rate_imports


class Command(BaseCommand):
    help = (
        "Import a central bank's exchange rates: the Bank of Canada's daily series (boc) or "
        "the European Central Bank's reference rates (ecb), from a file or fetched over HTTP."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", required=True, choices=sorted(rate_imports.SOURCES))
        parser.add_argument("--file", help="A CSV file the bank published; fetched if omitted.")
        parser.add_argument(
            "--history",
            action="store_true",
            help="Fetch the bank's whole history instead of its latest rates.",
        )

    def handle(self, *args, source, file=None, history=False, **options):
        try:
            if file:
                report = rate_imports.import_file(Path(file).read_bytes(), kind=source)
            else:
                report = rate_imports.fetch_and_import(source, history=history)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        except rate_imports.RateFetchError as error:
            raise CommandError(str(error)) from None
        except rate_imports.RateFileError as error:
            raise CommandError(" ".join(error.messages)) from None
        days = f" from {report.first_day} to {report.last_day}" if report.first_day else ""
        self.stdout.write(
            f"{report.source}: {report.added} rates added, {report.skipped} already recorded, "
            f"{report.blank} empty cells{days}."
        )
