import pytest

from programs import services
from programs.enums import StaffRole
from programs.models import DeskOffer
from programs.queries import intakes_managed_by, managed_by
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers():
    """Three intakes in two programs, a desk offer in each."""
    first, second = factories.ProgramFactory(), factories.ProgramFactory()
    intakes = {
        "a": factories.IntakeFactory(program=first),
        "b": factories.IntakeFactory(program=first),
        "c": factories.IntakeFactory(program=second),
    }
    return {key: factories.DeskOfferFactory(intake=intake) for key, intake in intakes.items()}


def _person(offers, *roles):
    """A person with ``roles``: (role, intake key, whole program?)."""
    person = factories.UserFactory()
    for role, key, program_wide in roles:
        intake = offers[key].intake
        services.grant_program_role(
            intake.program, intake=None if program_wide else intake, user=person, role=role
        )
    return person


@pytest.mark.parametrize(
    "roles, expected",
    [
        ([(StaffRole.MANAGER, "a", True)], {"a", "b"}),
        ([(StaffRole.MANAGER, "c", False)], {"c"}),
        ([(StaffRole.MANAGER, "a", True), (StaffRole.MANAGER, "c", False)], {"a", "b", "c"}),
        ([(StaffRole.REVIEWER, "a", True)], set()),
        ([], set()),
    ],
    ids=["program manager", "intake manager", "both", "reviewer", "nobody"],
)
def test_managed_by_selects_the_rows_of_the_intakes_the_person_manages(offers, roles, expected):
    person = _person(offers, *roles)
    by_intake = {offer.pk: key for key, offer in offers.items()}
    filtered = DeskOffer.objects.filter(managed_by(person)).values_list("pk", flat=True)
    assert {by_intake[pk] for pk in filtered} == expected
    # The same rows as the subquery over the intakes the person manages.
    assert set(filtered) == set(
        DeskOffer.objects.filter(intake__in=intakes_managed_by(person)).values_list("pk", flat=True)
    )


def test_managed_by_lets_the_director_see_every_row(offers):
    director = factories.UserFactory(is_superuser=True)
    assert DeskOffer.objects.filter(managed_by(director)).count() == 3
