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
# few enough that the whole run (20 operations) stays around a minute.
EXAMPLES = 12


def test_every_endpoint_answers_as_its_schema_says(world, live_server):
    """One test over every operation, so the data and the live server are set up once."""
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 20
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
