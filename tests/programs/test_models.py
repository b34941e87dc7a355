from django.utils import translation

from programs.models import Sector


def test_a_sector_is_named_by_its_label_in_the_current_language():
    sector = Sector(code="it")
    assert str(sector) == "Information technology"
    with translation.override("fr"):
        assert str(sector) == "Technologies de l’information"


def test_a_sector_with_an_unknown_code_is_named_by_its_code():
    assert str(Sector(code="retired-sector")) == "retired-sector"
