from decimal import Decimal

import pytest

from programs import services
from programs.models import ServiceImportFigure

# The seed's Table 2 and Table 3, as published.
PUBLISHED = [
    ("Financial Services", Decimal("771"), Decimal("11730026067"), Decimal("150730835")),
    ("Construction Services", Decimal("605"), Decimal("5801949431"), Decimal("58019494")),
    ("Insurance Services", Decimal("78"), Decimal("35596646663"), Decimal("44582821")),
    ("Telecommunications", Decimal("73"), Decimal("4629706591"), Decimal("5632809")),
    ("Other Professional Services", Decimal("50"), Decimal("115432289372"), Decimal("115432289")),
    (
        "Computer and Information Services",
        Decimal("28"),
        Decimal("11717871264"),
        Decimal("5468339"),
    ),
]


@pytest.mark.django_db
def test_tables_2_and_3_are_loaded_exactly_as_published(bic_mint):
    group = bic_mint
    rows = [
        (
            f.category,
            f.growth_percent,
            f.aggregate_import_value_usd,
            f.incremental_share_value_usd,
        )
        for f in group.import_figures.order_by("position")
    ]
    assert rows == PUBLISHED
    assert set(group.import_figures.values_list("period", flat=True)) == {"2007–2012"}
    assert set(group.import_figures.values_list("growth_source", flat=True)) == {"OECD Data 2013"}
    assert set(group.import_figures.values_list("share_source", flat=True)) == {
        "OECD Data 2013; DEEP Centre analysis"
    }
    assert group.countries == ["BR", "IN", "CN", "MX", "ID", "NG", "TR"]


@pytest.mark.django_db
def test_a_new_market_joins_the_groups_that_list_its_country(bic_mint):
    brazil = services.create_market(country="BR")
    germany = services.create_market(country="DE")
    assert [g.slug for g in brazil.groups.all()] == ["bic-mint"]
    assert list(germany.groups.all()) == []


@pytest.mark.django_db
def test_figures_are_never_duplicated(bic_mint):
    assert ServiceImportFigure.objects.count() == 6
