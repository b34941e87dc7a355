"""Load the seed's Table 2 and Table 3 exactly as published.

"Mapping the Global Services Economy" (DEEP Centre), section "Quantifying the Economic
Value of Expanded Export Activity": BIC/MINT service imports, 2007-2012.
"""

from decimal import Decimal

from django.db import migrations

BIC_MINT = ["BR", "IN", "CN", "MX", "ID", "NG", "TR"]
PERIOD = "2007–2012"
TABLE_2_SOURCE = "OECD Data 2013"
TABLE_3_SOURCE = "OECD Data 2013; DEEP Centre analysis"

# category, percentage of growth, aggregate import value (US$), incremental 1% share (US$)
FIGURES = [
    ("Financial Services", "771", "11730026067", "150730835"),
    ("Construction Services", "605", "5801949431", "58019494"),
    ("Insurance Services", "78", "35596646663", "44582821"),
    ("Telecommunications", "73", "4629706591", "5632809"),
    ("Other Professional Services", "50", "115432289372", "115432289"),
    ("Computer and Information Services", "28", "11717871264", "5468339"),
]


def load(apps, schema_editor):
    MarketGroup = apps.get_model("programs", "MarketGroup")
    ServiceImportFigure = apps.get_model("programs", "ServiceImportFigure")
    group, _ = MarketGroup.objects.get_or_create(
        slug="bic-mint",
        defaults={
            "name": "BIC/MINT",
            "description": (
                "Brazil, India and China (BIC) and Mexico, Indonesia, Nigeria and Turkey (MINT): "
                "fast-growing emerging economies whose imports of services grew rapidly between "
                "2007 and 2012."
            ),
            "countries": BIC_MINT,
        },
    )
    for position, (category, growth, aggregate, share) in enumerate(FIGURES):
        ServiceImportFigure.objects.update_or_create(
            group=group,
            category=category,
            period=PERIOD,
            defaults={
                "growth_percent": Decimal(growth),
                "aggregate_import_value_usd": Decimal(aggregate),
                "incremental_share_value_usd": Decimal(share),
                "growth_source": TABLE_2_SOURCE,
                "share_source": TABLE_3_SOURCE,
                "position": position,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("programs", "MarketGroup").objects.filter(slug="bic-mint").delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_market_briefings_and_import_figures")]
    operations = [migrations.RunPython(load, unload)]
