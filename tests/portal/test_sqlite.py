"""Searches ignore the case of every letter on both databases (portal/sqlite.py)."""

import pytest

from applications.models import Company
from portal.sqlite import like
from programs.models import HostIncubator
from tests.factories import CompanyFactory, HostIncubatorFactory


def test_like_matches_as_sql_like_does():
    assert like("%énergie%", "Énergie Solaire") is True
    assert like("%ÉNERGIE%", "énergie solaire") is True
    assert like("%energie%", "Énergie Solaire") is False  # accents count, as on PostgreSQL
    assert like("a_c", "abc") is True
    assert like("a_c", "abbc") is False
    assert like("abc", "abcd") is False
    assert like("%", "") is True
    assert like("50\\%%", "50% off", "\\") is True
    assert like("50\\%%", "500 off", "\\") is False
    assert like("a\\_c", "a_c", "\\") is True
    assert like("a\\_c", "abc", "\\") is False
    assert like("%x%", "line one\nx", "\\") is True
    assert like(None, "x") is None
    assert like("x", None) is None


@pytest.mark.django_db
def test_a_company_search_ignores_the_case_of_accented_letters():
    energie = CompanyFactory(name="Énergie Solaire")
    CompanyFactory(name="Solar Power")
    assert list(Company.objects.filter(name__icontains="énergie")) == [energie]
    assert list(Company.objects.filter(name__icontains="ÉNERGIE SOL")) == [energie]
    assert list(Company.objects.filter(name__iexact="énergie solaire")) == [energie]
    assert list(Company.objects.filter(name__icontains="energie")) == []


@pytest.mark.django_db
def test_a_search_for_percent_or_underscore_finds_them_literally():
    CompanyFactory(name="Fifty Percent")
    half = CompanyFactory(name="50% Off Ltd")
    under = CompanyFactory(name="a_b Tech")
    CompanyFactory(name="axb Tech")
    assert list(Company.objects.filter(name__icontains="50%")) == [half]
    assert list(Company.objects.filter(name__icontains="a_b")) == [under]


@pytest.mark.django_db
def test_the_host_directory_search_ignores_the_case_of_accented_letters():
    host = HostIncubatorFactory(name="Incubateur Économique", city="Montréal")
    assert list(HostIncubator.objects.filter(name__icontains="économique")) == [host]
    assert list(HostIncubator.objects.filter(city__icontains="MONTRÉAL")) == [host]
