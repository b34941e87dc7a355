import django.db.models.deletion
from django.db import migrations, models

REVIEWABLE = ["in-review", "shortlisted"]


def count_work(apps, schema_editor):
    """What waits for each intake's managers (as services.recount_work), for the rows there."""
    Application = apps.get_model("applications", "Application")
    Conflict = apps.get_model("applications", "Conflict")
    Review = apps.get_model("applications", "Review")
    WorkCount = apps.get_model("applications", "WorkCount")
    counted = {
        "to_screen": Application.objects.filter(status="screening"),
        "conflicts": Conflict.objects.filter(resolved_at__isnull=True),
        "open_reviews": Review.objects.filter(
            submitted_at__isnull=True, application__status__in=REVIEWABLE
        ),
    }
    rows = {}
    for kind, records in counted.items():
        for intake, n in records.values_list("intake_id").annotate(n=models.Count("*")).order_by():
            rows.setdefault(intake, WorkCount(intake_id=intake))
            setattr(rows[intake], kind, n)
    WorkCount.objects.bulk_create(rows.values())


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0020_rank_order_whole_on_sqlite"),
        ("programs", "0015_desk_invoicing"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkCount",
            fields=[
                (
                    "intake",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="work_count",
                        serialize=False,
                        to="programs.intake",
                    ),
                ),
                ("to_screen", models.PositiveIntegerField(default=0)),
                ("conflicts", models.PositiveIntegerField(default=0)),
                ("open_reviews", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(count_work, migrations.RunPython.noop),
    ]
