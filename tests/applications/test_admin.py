"""The director's admin of firms, and the nightly recount that mends what is changed around
the services: the managers' lists keep counting the firms where they are."""

import pytest
from django.urls import reverse

from applications import services
from applications.enums import MemberRole
from applications.models import Company, FilterCount
from programs.enums import StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


def listed(client, intake, **filters):
    page = client.get(reverse("applications:intake_applications", args=[intake.pk]), filters)
    return [row["company"] for row in page.context["rows"]]


@pytest.fixture
def applied():
    intake = factories.IntakeFactory()
    offer = factories.DeskOfferFactory(intake=intake)
    owner = factories.CompanyMemberFactory(
        role=MemberRole.OWNER, company__sector=factories.sector("it")
    )
    application = services.start_application(owner.company, intake, by=owner.user)
    services.set_host_preferences(
        application, by=owner.user, version=application.version, hosts=[offer.host]
    )
    return intake, owner


def test_a_sector_changed_in_the_admin_lists_the_firm_under_its_new_sector(client, applied):
    """Saved directly, the firm stayed counted under its old sector, and the list, which
    pages its kept count, showed no row under the new one."""
    intake, owner = applied
    company = owner.company
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    member = company.members.get()
    response = client.post(
        reverse("admin:applications_company_change", args=[company.pk]),
        {
            "name": company.name, "country": company.country.code,
            "sector": factories.sector("health").pk, "export_markets": [],
            "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "1",
            "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
            "members-0-id": member.pk, "members-0-company": company.pk,
            "members-0-user": owner.user.pk, "members-0-role": "owner",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Company.objects.get(pk=company.pk).sector.code == "health"

    client.force_login(
        factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    )
    assert listed(client, intake, sector="health") == [company.name]
    assert listed(client, intake, sector="it") == []


def test_the_nightly_recount_mends_list_counts_changed_around_the_services(applied):
    intake, owner = applied
    Company.objects.filter(pk=owner.company.pk).update(sector=factories.sector("health"))

    assert services.recount_open_work() == [intake.pk]

    sectors = FilterCount.objects.filter(intake=intake, facet=FilterCount.SECTOR, count__gt=0)
    assert list(sectors.values_list("value", "count")) == [("health", 1)]
    assert services.recount_open_work() == []
