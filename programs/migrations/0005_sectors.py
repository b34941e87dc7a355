"""The sectors the seed names for sector-focused programs, in the seed's order."""

from django.db import migrations

SECTORS = [
    "engineering",
    "architecture",
    "finance",
    "legal",
    "health",
    "it",
    "digital-media",
    "accounting",
    "education",
    "other",
]


def load(apps, schema_editor):
    Sector = apps.get_model("programs", "Sector")
    for position, code in enumerate(SECTORS):
        Sector.objects.update_or_create(code=code, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("programs", "0004_catalogue_hosts_intakes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
