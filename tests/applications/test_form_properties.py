"""What people type, drawn by hypothesis and posted to the pages that take it: each step of a
draft application (hosts, dates, objectives, business case, budget lines) and the company
profile. Every answer is a page (200 with the form's errors, or a redirect), never a server
error or an exception; each post is rolled back, so every example starts from the same draft.

The fields are the ones the page's form shows (read from its HTML), filled with anything:
text in any script, NUL and control characters, huge and negative numbers, malformed dates
and amounts, choices that are not offered, fields left out and fields that are not there."""

import re
import string

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.enums import MemberRole
from applications.views.applicant import STEP_KEYS
from tests import factories

pytestmark = pytest.mark.django_db

FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
VALUE = re.compile(r'<option[^>]*\bvalue="([^"]*)"')
NOT_TYPED = {"csrfmiddlewaretoken"}

values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.printable + "\x00\x0b\u202e\U0001f600", max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.dates().map(str),
    st.sampled_from(["", " ", "0", "-1", "1e309", "2026-02-30", "31/12/2026", "NaN", "CAD"]),
)


def fields_of(page):
    html = page.content.decode()
    return sorted(set(FIELD.findall(html)) - NOT_TYPED), sorted(set(VALUE.findall(html)))


def typed(names, offered):
    """A post of ``names``: each left out or filled with anything or an offered choice, and
    perhaps a field the form does not have."""
    value = st.one_of(values, st.sampled_from(offered or [""]))
    return st.fixed_dictionaries(
        {},
        optional={name: st.one_of(value, st.lists(value, max_size=3)) for name in names}
        | {"not-a-field": values},
    )


@pytest.fixture
def draft(client):
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    factories.DeskOfferFactory(intake=intake)
    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER).user
    company = owner.company_memberships.get().company
    application = factories.ApplicationFactory(company=company, intake=intake, created_by=owner)
    client.force_login(owner)
    return application


def posted(client, url, data):
    with transaction.atomic():
        response = client.post(url, data)
        transaction.set_rollback(True)
    return response.status_code


FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("step", [key for key in STEP_KEYS if key != "review"])
def test_anything_typed_into_a_step_is_answered_with_a_page(client, draft, step):
    url = reverse("applications:step", args=[draft.pk, step])
    names, offered = fields_of(client.get(url))
    assert names != []  # the page shows its form

    @FUZZ
    @given(data=typed(names, offered), autosave=st.booleans())
    def post(data, autosave):
        headers = {"HTTP_HX_REQUEST": "true"} if autosave else {}
        with transaction.atomic():
            response = client.post(url, data, **headers)
            transaction.set_rollback(True)
        assert response.status_code in (200, 302)

    post()


def test_anything_typed_into_the_company_profile_is_answered_with_a_page(client, draft):
    url = reverse("applications:company_edit", args=[draft.company_id])
    names, offered = fields_of(client.get(url))
    assert "name" in names

    @FUZZ
    @given(data=typed(names, offered))
    def post(data):
        assert posted(client, url, data) in (200, 302)

    post()
