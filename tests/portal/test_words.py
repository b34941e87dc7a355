"""Punctuation and percentages in each language (portal/templatetags/words.py)."""

from django.template import Context, Template
from django.utils import translation

from portal.rows import number_format


def render(source, language, **context):
    with translation.override(language):
        return Template("{% load words %}" + source).render(Context(context))


def test_a_percentage_is_written_the_way_each_language_writes_it():
    source = "{{ share|percent }} {{ growth|percent }} {{ none|percent }}|"
    assert render(source, "en", share=12, growth=3.5, none=None) == "12% 3.5% |"
    assert render(source, "fr", share=12, growth=3.5, none=None) == "12\u202f% 3,5\u202f% |"


def test_a_label_and_its_value_are_parted_by_the_languages_colon():
    source = '{% load i18n %}{% translate "Minimum employees" %}{% colon %} 5'
    assert render(source, "en") == "Minimum employees: 5"
    assert render(source, "fr") == "Nombre minimal d’employés\u00a0: 5"


def test_row_numbers_follow_the_language():
    for language, expected in [("en", "12,500.50"), ("fr", "12\u00a0500,50")]:
        with translation.override(language):
            assert number_format(2)(12500.5) == expected
