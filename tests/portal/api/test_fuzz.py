"""Every endpoint fuzzed from its own schema (schemathesis) against a live test server, with
a host partner's read-and-write token over real data: no server error, and every answer as
the schema says (status code, content type, headers, body). Runs in ./bin/test, so in CI, on
PostgreSQL when DATABASE_URL says so. Examples per operation are bounded to keep it short."""

import pytest
import schemathesis
from djmoney.money import Money
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from placements.enums import DeskInvoiceStatus
from placements.models import DeskInvoice
from placements.services import add_log_entry, log_arrival
from programs import services as programs_services
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed, running_intake
from tests.portal.api.conftest import make_token

pytestmark = pytest.mark.django_db(transaction=True)

# The schema as the portal serves it at /api/schema/, built without a request so that it
# can be read when tests are collected.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def world(settings, bic_mint):
    """A partner with a host, a placement there (arrived, with an introduction), a sent desk
    invoice, a public intake, and a market in the BIC/MINT group; the partner's token."""
    settings.PORTAL_API_RATES = {"token": None, "address": None}
    intake = running_intake()
    host = factories.DeskOfferFactory(intake=intake, host__name="Berlin Hub", desks=2).host
    partner = factories.UserFactory()
    programs_services.add_host_partner(host, user=partner)
    placement = placed(accepted_offer(intake, host), partner, start=-10, end=40)
    log_arrival(placement, by=partner, on=day(-5))
    add_log_entry(
        placement,
        by=partner,
        kind="introduction",
        on=day(-1),
        organisation="Rhine Logistics",
        introduction_kind="distributor",
    )
    DeskInvoice.objects.create(
        intake=intake,
        host=host,
        period_start=day(-40),
        period_end=day(-11),
        days=5,
        total=Money("250.00", "EUR"),
        status=DeskInvoiceStatus.SENT,
    )
    factories.IntakeFactory(title="Open intake")
    host.market.groups.add(bic_mint)
    token, text = make_token(partner)
    return {"token": token, "headers": {"Authorization": f"Bearer {text}"}}


# Examples per operation: enough to reach every parameter and body field with odd values,
# few enough that the whole run (33 operations) stays around a minute.
EXAMPLES = 12


def test_every_endpoint_answers_as_its_schema_says(world, live_server):
    """One test over every operation, so the data and the live server are set up once."""
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 34
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_its_schema_says(case):
            if case.method == "DELETE" and str(case.path_parameters.get("id")) == str(
                world["token"].pk
            ):
                return  # revoking the fuzzing token itself would leave nothing to fuzz with
            case.call_and_validate(
                base_url=live_server.url, headers=world["headers"], checks=CHECKS
            )

        answers_as_its_schema_says()


# The program managers' endpoints (read only), fuzzed again with a manager's token, so that
# they answer over rows the manager sees and not only empty lists.
MANAGER_PATHS = (
    "/api/v1/applications/",
    "/api/v1/stipend-awards/",
    "/api/v1/tranches/",
    "/api/v1/expense-claims/",
    "/api/v1/outcome-reports/",
    "/api/v1/opportunities/",
    "/api/v1/figures/",
)


@pytest.fixture
def managed(settings):
    """A manager of an intake with an ended placement (its award, its outcome reports, an
    opportunity) and the manager's read token."""
    from outcomes import services as outcomes_services
    from placements import stipends
    from placements.services import log_departure
    from programs.enums import StaffRole

    settings.PORTAL_API_RATES = {"token": None, "address": None}
    intake = running_intake()
    host = factories.DeskOfferFactory(intake=intake, host__name="Berlin Hub", desks=2).host
    manager = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    placement = placed(accepted_offer(intake, host), manager, start=-20, end=40)
    log_arrival(placement, by=manager, on=day(-15))
    log_departure(placement, by=manager, on=day(-1))
    award = stipends.propose_award(placement, by=manager, amount=Money(4000, "CAD"))
    stipends.award_stipend(award, by=manager)
    owner = factories.CompanyMemberFactory(company=placement.company).user
    report = outcomes_services.schedule_reports(placement)[0]
    outcomes_services.save_opportunity(
        report,
        by=owner,
        organisation="Rhine Logistics",
        country="DE",
        kind="sales-contract",
        value=Money(1000, "CAD"),
        stage="identified",
        identified_on=day(-2),
        attribution="decisive",
    )
    _token, text = make_token(manager, can_write=False, scope={"program": "all"})
    return {"Authorization": f"Bearer {text}"}


def test_the_managers_endpoints_answer_as_their_schema_says(managed, live_server):
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith(MANAGER_PATHS)
    ]
    assert len(operations) == 13
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_its_schema_says(case):
            case.call_and_validate(base_url=live_server.url, headers=managed, checks=CHECKS)

        answers_as_its_schema_says()
