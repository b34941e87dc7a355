"""Applications keep their budget's total in the program's currency (backfilled here from the
budget lines' converted amounts)."""

import djmoney.models.fields
from django.db import migrations
from django.db.models import Sum


def add_up_budgets(apps, schema_editor):
    # One update per application with a budget (django-money's update() takes no subquery).
    Application = apps.get_model("applications", "Application")
    BudgetLine = apps.get_model("applications", "BudgetLine")
    totals = (
        BudgetLine.objects.order_by()
        .values("application", "amount_converted_currency")
        .annotate(total=Sum("amount_converted"))
        .values_list("application", "total", "amount_converted_currency")
    )
    for application_id, total, currency in totals:
        Application.objects.filter(pk=application_id).update(
            budget_total=total, budget_total_currency=currency
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_review_intake"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="budget_total",
            field=djmoney.models.fields.MoneyField(
                blank=True,
                decimal_places=2,
                editable=False,
                max_digits=14,
                null=True,
                verbose_name="budget total",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="budget_total_currency",
            field=djmoney.models.fields.CurrencyField(
                choices=[
                    ("BRL", "Brazilian Real"),
                    ("GBP", "British Pound"),
                    ("CAD", "Canadian Dollar"),
                    ("CNY", "Chinese Yuan"),
                    ("EUR", "Euro"),
                    ("INR", "Indian Rupee"),
                    ("IDR", "Indonesian Rupiah"),
                    ("MXN", "Mexican Peso"),
                    ("NGN", "Nigerian Naira"),
                    ("SAR", "Saudi Riyal"),
                    ("TRY", "Turkish Lira"),
                    ("USD", "US Dollar"),
                    ("AED", "United Arab Emirates Dirham"),
                ],
                default="CAD",
                editable=False,
                max_length=3,
                null=True,
            ),
        ),
        migrations.RunPython(add_up_budgets, migrations.RunPython.noop),
    ]
