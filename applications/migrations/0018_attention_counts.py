from django.db import migrations, models


def count_attention(apps, schema_editor):
    """The review dashboard's "needs attention" counts (as services.recount_attention), for
    the rows there."""
    Application = apps.get_model("applications", "Application")
    HostFitOpinion = apps.get_model("applications", "HostFitOpinion")
    FilterCount = apps.get_model("applications", "FilterCount")
    not_a_fit = HostFitOpinion.objects.filter(
        application=models.OuterRef("pk"), opinion="not-a-fit"
    )
    tests = {
        "disagreement": models.Q(score_summary__spread__gte=models.F("intake__disagreement_points")),
        "unscored": models.Q(score_summary__isnull=True),
        "not-a-fit": models.Q(models.Exists(not_a_fit)),
    }
    rows = []
    for value, test in tests.items():
        counted = (
            Application.objects.filter(test)
            .values_list("intake_id", "status")
            .annotate(n=models.Count("*"))
            .order_by()
        )
        rows += [
            FilterCount(intake_id=intake, status=status, facet="attention", value=value, count=n)
            for intake, status, n in counted
        ]
    FilterCount.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0017_filter_counts"),
    ]

    operations = [
        migrations.RunPython(count_attention, migrations.RunPython.noop),
    ]
