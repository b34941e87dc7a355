from django.db import migrations, models


def count_to_do(apps, schema_editor):
    """Each tally's reviews still to give, from the reviews' kept to_do flags."""
    Review = apps.get_model("applications", "Review")
    ReviewerTally = apps.get_model("applications", "ReviewerTally")
    for row in (
        Review.objects.filter(to_do=True)
        .values("intake_id", "reviewer_id")
        .annotate(n=models.Count("*"))
        .order_by()
    ):
        ReviewerTally.objects.filter(
            intake_id=row["intake_id"], reviewer_id=row["reviewer_id"]
        ).update(to_do=row["n"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0015_kept_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewertally",
            name="to_do",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_to_do, migrations.RunPython.noop),
    ]
