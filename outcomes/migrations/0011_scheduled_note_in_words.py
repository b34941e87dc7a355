"""A report's first event kept "Scheduled" as text in the language of whoever scheduled
it; it is now said when read (ReportEvent.shown_note), so the stored words are cleared.
Only the portal's own words ("Scheduled", "Planifié") on the scheduling event are."""

from django.db import migrations

SCHEDULED = ["Scheduled", "Planifié"]


def clear(apps, schema_editor):
    ReportEvent = apps.get_model("outcomes", "ReportEvent")
    ReportEvent.objects.filter(from_status="", to_status="due", note__in=SCHEDULED).update(note="")


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0010_updates_keep_their_currency"),
    ]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
