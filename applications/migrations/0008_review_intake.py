"""Reviews carry their application's intake, copied from the application (backfilled here)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_intakes(apps, schema_editor):
    Review = apps.get_model("applications", "Review")
    Application = apps.get_model("applications", "Application")
    Review.objects.update(
        intake_id=models.Subquery(
            Application.objects.filter(pk=models.OuterRef("application_id")).values("intake_id")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0007_selection"),
        ("programs", "0009_decisions_released"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="intake",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="programs.intake",
            ),
        ),
        migrations.RunPython(copy_intakes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="review",
            name="intake",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="programs.intake",
            ),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                fields=["intake", "reviewer", "submitted_at", "score"], name="review_progress"
            ),
        ),
    ]
