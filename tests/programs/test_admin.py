"""The admin's own rules: staff rows removed there go through the same reaction as the
managers' page (programs.services.staff_removed)."""

import pytest
from django.urls import reverse

from applications.models import Review
from programs.models import ProgramStaff
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_reviewer_removed_in_the_admin_loses_their_open_reviews(client):
    review = factories.ReviewFactory()
    program = review.intake.program
    row = ProgramStaff.objects.get(user=review.reviewer)
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = {
        "name": program.name,
        "slug": program.slug,
        "staff-TOTAL_FORMS": "1",
        "staff-INITIAL_FORMS": "1",
        "staff-MIN_NUM_FORMS": "0",
        "staff-MAX_NUM_FORMS": "1000",
        "staff-0-id": str(row.pk),
        "staff-0-program": str(program.pk),
        "staff-0-user": str(review.reviewer.pk),
        "staff-0-role": row.role,
        "staff-0-DELETE": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert not ProgramStaff.objects.filter(pk=row.pk).exists()
    assert not Review.objects.filter(pk=review.pk).exists()
