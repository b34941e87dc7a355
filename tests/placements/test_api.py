"""The host partners' API: placements read, the stay's log written through the services,
desk invoices read and confirmed; scope, rights and faults."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money
from rest_framework.test import APIClient

from placements import services
from placements.enums import DeskInvoiceStatus, EntryKind, PlacementStatus
from placements.models import DeskInvoice, LogEntry
from portal import tokens
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed

pytestmark = pytest.mark.django_db


def token_for(user, *, can_write=True, scope=None, expires_in=30):
    _token, text = tokens.create_api_token(
        user,
        name="Host system",
        expires_on=timezone.localdate() + datetime.timedelta(days=expires_in),
        can_write=can_write,
        scope={"host": "all"} if scope is None else scope,
    )
    return text


def client_with(text):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {text}")
    return client


@pytest.fixture
def placement(offer, partner):
    return placed(offer, partner, start=-10, end=40)


def test_partner_lists_the_placements_of_their_hosts(placement, partner):
    response = client_with(token_for(partner)).get("/api/v1/placements/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == placement.pk
    assert body["results"][0]["company"] == "Maple Analytics"
    assert body["results"][0]["host_name"] == "Berlin Hub"
    assert body["results"][0]["status"] == "scheduled"


def test_arrival_and_introduction_go_through_the_services(placement, partner):
    client = client_with(token_for(partner))
    arrived = client.post(
        f"/api/v1/placements/{placement.pk}/arrival/", {"on": str(day(-2))}, format="json"
    )
    assert arrived.status_code == 200
    assert arrived.json()["status"] == PlacementStatus.IN_RESIDENCE
    assert arrived.json()["arrived_on"] == str(day(-2))
    introduced = client.post(
        f"/api/v1/placements/{placement.pk}/entries/",
        {
            "kind": "introduction",
            "on": str(day(-1)),
            "organisation": "Deutsche Bank",
            "introduction_kind": "customer",
            "service": "legal",
        },
        format="json",
    )
    assert introduced.status_code == 201, introduced.json()
    entry = LogEntry.objects.get(pk=introduced.json()["id"])
    assert (entry.kind, entry.organisation, entry.author) == (
        EntryKind.INTRODUCTION,
        "Deutsche Bank",
        partner,
    )
    # The service keeps only the fields of the kind, as for the page's form.
    assert entry.service == ""
    kinds = [
        row["kind"]
        for row in client.get(f"/api/v1/placements/{placement.pk}/entries/").json()["results"]
    ]
    assert kinds == ["arrival", "introduction"]


def many_placements(placement, count):
    """``count`` more placements like ``placement``, each of its own firm, made in bulk."""
    from applications.models import Application, Company, Offer
    from placements.models import Placement

    base_offer = Offer.objects.get(pk=placement.offer_id)
    base_application = Application.objects.get(pk=base_offer.application_id)
    base_company = Company.objects.get(pk=placement.company_id)

    def copies(obj, **changes):
        made = []
        for index in range(count):
            copy = type(obj).objects.get(pk=obj.pk)
            copy.pk = copy.id = None
            copy._state.adding = True
            for name, values in changes.items():
                setattr(copy, name, values(index))
            made.append(copy)
        return type(obj).objects.bulk_create(made)

    companies = copies(base_company, name=lambda i: f"Firm {i}")
    applications = copies(base_application, company=lambda i: companies[i])
    offers = copies(base_offer, application=lambda i: applications[i])
    copies(
        Placement.objects.get(pk=placement.pk),
        offer=lambda i: offers[i],
        company=lambda i: companies[i],
    )


def placements_page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/placements/?page_size=200")
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def test_the_placement_list_runs_the_same_queries_for_3_and_300(placement, partner):
    client = client_with(token_for(partner))
    many_placements(placement, 2)
    assert placements_page_queries(client) == (PLACEMENT_LIST_QUERIES, 3)
    many_placements(placement, 297)
    assert placements_page_queries(client) == (PLACEMENT_LIST_QUERIES, 300)


# The request's savepoint and its release, the token (find, record its use), the manager's
# roles (programs.rules.staff_rows), the count, the
# page of rows with their firm, host and intake.
PLACEMENT_LIST_QUERIES = 7


def test_another_hosts_placement_is_a_404(placement, intake):
    other_host = factories.DeskOfferFactory(intake=intake, host__name="Lagos Hub").host
    stranger = factories.UserFactory()
    programs_services.add_host_partner(other_host, user=stranger)
    client = client_with(token_for(stranger))
    for method, path in [
        ("get", f"/api/v1/placements/{placement.pk}/"),
        ("get", f"/api/v1/placements/{placement.pk}/entries/"),
        ("post", f"/api/v1/placements/{placement.pk}/arrival/"),
        ("post", f"/api/v1/placements/{placement.pk}/entries/"),
    ]:
        response = getattr(client, method)(path, {"on": str(day(-1))}, format="json")
        assert (path, response.status_code, response.json()["code"]) == (path, 404, "not_found")
    assert client.get("/api/v1/placements/").json()["count"] == 0


def test_a_token_scoped_to_one_host_does_not_reach_the_others(placement, partner, intake):
    second = factories.DeskOfferFactory(intake=intake, host__name="Lagos Hub").host
    programs_services.add_host_partner(second, user=partner)
    elsewhere = placed(accepted_offer(intake, second), partner)
    client = client_with(token_for(partner, scope={"host": [second.pk]}))
    assert [row["id"] for row in client.get("/api/v1/placements/").json()["results"]] == [
        elsewhere.pk
    ]
    assert client.get(f"/api/v1/placements/{placement.pk}/").status_code == 404
    assert client.get(f"/api/v1/placements/{elsewhere.pk}/").status_code == 200
    # A token without a scope reaches public data only.
    assert client_with(token_for(partner, scope={})).get("/api/v1/placements/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_a_removed_partners_token_stops_at_once(placement, partner, host):
    client = client_with(token_for(partner))
    assert client.get(f"/api/v1/placements/{placement.pk}/").status_code == 200
    programs_services.remove_host_partner(host, user=partner)
    assert client.get(f"/api/v1/placements/{placement.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/placements/{placement.pk}/arrival/", {"on": str(day(-1))}, format="json"
    )
    assert response.status_code == 404
    assert client.get("/api/v1/placements/").json()["count"] == 0


def test_a_read_token_may_read_but_not_log(placement, partner):
    client = client_with(token_for(partner, can_write=False))
    assert client.get(f"/api/v1/placements/{placement.pk}/").status_code == 200
    response = client.post(
        f"/api/v1/placements/{placement.pk}/arrival/", {"on": str(day(-1))}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.SCHEDULED


def test_the_firm_sees_its_placement_but_may_not_log_on_it(placement, owner):
    client = APIClient()
    client.force_login(owner)
    assert client.get(f"/api/v1/placements/{placement.pk}/").json()["id"] == placement.pk
    response = client.post(
        f"/api/v1/placements/{placement.pk}/entries/",
        {"kind": "check-in", "on": str(day(-1))},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_the_services_checks_answer_as_400s(placement, partner):
    client = client_with(token_for(partner))
    future = client.post(
        f"/api/v1/placements/{placement.pk}/arrival/", {"on": str(day(2))}, format="json"
    )
    assert future.json() == {
        "code": "invalid",
        "message": "This date has not come yet.",
        "fields": {},
    }
    assert future.status_code == 400
    unnamed = client.post(
        f"/api/v1/placements/{placement.pk}/entries/",
        {"kind": "introduction", "on": str(day(-1))},
        format="json",
    )
    assert unnamed.status_code == 400
    assert unnamed.json()["message"] == "Fill in: organisation, kind of contact."
    departed_first = client.post(
        f"/api/v1/placements/{placement.pk}/departure/", {"on": str(day(-1))}, format="json"
    )
    assert departed_first.json()["message"] == (
        "A placement that is scheduled cannot become completed."
    )
    bad_kind = client.post(
        f"/api/v1/placements/{placement.pk}/entries/",
        {"kind": "arrival", "on": str(day(-1))},
        format="json",
    )
    assert bad_kind.json()["fields"] == {"kind": ['"arrival" is not a valid choice.']}
    assert LogEntry.objects.count() == 0


def test_check_in_service_mentor_and_departure(placement, partner):
    client = client_with(token_for(partner))
    path = f"/api/v1/placements/{placement.pk}/"
    assert client.post(f"{path}arrival/", {"on": str(day(-9))}, format="json").status_code == 200
    for entry in [
        {"kind": "check-in", "on": str(day(-8)), "note": "Settled in."},
        {"kind": "service", "on": str(day(-7)), "service": "legal", "hours": "2.5"},
        {"kind": "mentor", "on": str(day(-6)), "mentor": "Ada Lovelace", "languages": "en"},
    ]:
        assert client.post(f"{path}entries/", entry, format="json").status_code == 201
    left = client.post(f"{path}departure/", {"on": str(day(-1))}, format="json")
    assert (left.json()["status"], left.json()["departed_on"]) == ("completed", str(day(-1)))
    assert list(
        LogEntry.objects.filter(placement=placement).values_list("kind", "hours", "mentor")
    ) == [
        ("arrival", None, ""),
        ("check-in", None, ""),
        ("service", Decimal("2.5"), ""),
        ("mentor", None, "Ada Lovelace"),
        ("departure", None, ""),
    ]


@pytest.fixture
def invoice(placement, intake, host):
    return DeskInvoice.objects.create(
        intake=intake,
        host=host,
        period_start=day(-40),
        period_end=day(-10),
        days=10,
        total=Money("455.00", "EUR"),
        status=DeskInvoiceStatus.SENT,
    )


def test_partner_reads_and_confirms_a_desk_invoice(invoice, partner, intake, host):
    DeskInvoice.objects.create(
        intake=intake,
        host=host,
        period_start=day(-70),
        period_end=day(-41),
        days=1,
        total=Money("45.50", "EUR"),
    )  # a draft: not the partner's yet
    client = client_with(token_for(partner))
    listed = client.get("/api/v1/desk-invoices/").json()
    assert [(row["id"], row["total"], row["currency"]) for row in listed["results"]] == [
        (invoice.pk, "455.00", "EUR")
    ]
    confirmed = client.post(f"/api/v1/desk-invoices/{invoice.pk}/confirm/")
    assert (confirmed.status_code, confirmed.json()["status"]) == (200, "confirmed")
    again = client.post(f"/api/v1/desk-invoices/{invoice.pk}/confirm/")
    assert (again.status_code, again.json()["message"]) == (
        400,
        "A desk invoice that is confirmed by the host cannot become confirmed by the host.",
    )


def test_another_hosts_invoice_is_a_404_and_a_read_token_may_not_confirm(invoice, intake):
    stranger = factories.UserFactory()
    programs_services.add_host_partner(
        factories.DeskOfferFactory(intake=intake).host, user=stranger
    )
    response = client_with(token_for(stranger)).post(f"/api/v1/desk-invoices/{invoice.pk}/confirm/")
    assert response.status_code == 404
    partner = invoice.host.partner_staff.get()
    reader = client_with(token_for(partner, can_write=False))
    assert reader.post(f"/api/v1/desk-invoices/{invoice.pk}/confirm/").status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == DeskInvoiceStatus.SENT


def test_a_managers_token_reaches_the_placements_of_the_programs_or_intakes_it_names(
    placement, manager, intake
):
    other = factories.IntakeFactory(program=intake.program)
    by_intake = client_with(token_for(manager, scope={"intake": [intake.pk]}))
    assert [row["id"] for row in by_intake.get("/api/v1/placements/").json()["results"]] == [
        placement.pk
    ]
    elsewhere = client_with(token_for(manager, scope={"intake": [other.pk]}))
    assert elsewhere.get("/api/v1/placements/").json()["count"] == 0
    assert elsewhere.get(f"/api/v1/placements/{placement.pk}/").status_code == 404
    by_program = client_with(token_for(manager, scope={"program": "all"}))
    assert by_program.get(f"/api/v1/placements/{placement.pk}/").json()["id"] == placement.pk
    # A host scope gives a manager nothing: they are no partner of the host.
    with pytest.raises(ValidationError):
        token_for(manager, scope={"host": "all"})


# --- Stipends: the managers' read endpoints ------------------------------------------------


def manager_client(manager, scope=None):
    return client_with(token_for(manager, can_write=False, scope=scope or {"program": "all"}))


@pytest.fixture
def money(placement, manager, partner, owner):
    from placements import stipends
    from placements.enums import ExpenseCategory
    from tests.placements.money import awarded, cad, claim_with

    award = awarded(placement, manager)
    services.log_arrival(placement, by=partner, on=day(-10))
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)
    stipends.pay_tranche(advance, by=manager, paid_on=day(-1), reference="WIRE-77")
    claim = claim_with(award, owner, (cad(200), ExpenseCategory.TRAVEL, -5))
    return {"award": award, "advance": advance, "claim": claim}


def test_a_manager_reads_awards_tranches_and_claims(money, manager, placement):
    client = manager_client(manager)
    awards = client.get("/api/v1/stipend-awards/").json()
    assert awards["results"] == [
        {
            "id": money["award"].pk,
            "placement": placement.pk,
            "company": "Maple Analytics",
            "host": placement.host_id,
            "host_name": "Berlin Hub",
            "intake": placement.intake_id,
            "intake_title": placement.intake.title,
            "amount": "4000.00",
            "currency": "CAD",
            "approved_total": "0.00",
            "status": "awarded",
            "created_at": awards["results"][0]["created_at"],
        }
    ]
    paid = client.get("/api/v1/tranches/?status=paid").json()["results"]
    assert [(row["label"], row["amount"], row["paid_on"], row["reference"]) for row in paid] == [
        ("Advance", "2000.00", str(day(-1)), "WIRE-77")
    ]
    assert [row["status"] for row in client.get("/api/v1/tranches/").json()["results"]] == [
        "paid",
        "waiting",
    ]
    claim = client.get(f"/api/v1/expense-claims/{money['claim'].pk}/").json()
    assert (claim["status"], claim["total"], claim["currency"], claim["company"]) == (
        "submitted",
        "200.00",
        "CAD",
        "Maple Analytics",
    )
    one = client.get(f"/api/v1/stipend-awards/{money['award'].pk}/")
    assert (one.status_code, one.json()["amount"]) == (200, "4000.00")


def test_money_is_not_for_other_managers_partners_or_firms(money, partner, owner, intake):
    stranger = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    other_intake = factories.IntakeFactory(program=intake.program)
    narrowed = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    signed_in_owner = APIClient()
    signed_in_owner.force_login(owner)
    for client in [
        manager_client(stranger),
        manager_client(narrowed, {"intake": [other_intake.pk]}),
        client_with(token_for(partner)),
        signed_in_owner,
    ]:
        for path, pk in [
            ("stipend-awards", money["award"].pk),
            ("tranches", money["advance"].pk),
            ("expense-claims", money["claim"].pk),
        ]:
            assert client.get(f"/api/v1/{path}/").json()["count"] == 0
            response = client.get(f"/api/v1/{path}/{pk}/")
            assert (path, response.status_code, response.json()["code"]) == (
                path,
                404,
                "not_found",
            )


def copies_of(obj, count, **changes):
    made = []
    for index in range(count):
        copy = type(obj).objects.get(pk=obj.pk)
        copy.pk = copy.id = None
        copy._state.adding = True
        for name, values in changes.items():
            setattr(copy, name, values(index))
        made.append(copy)
    type(obj).objects.bulk_create(made)


def many_awards(award, count):
    from placements.models import Placement

    known = set(Placement.objects.values_list("pk", flat=True))
    many_placements(Placement.objects.get(pk=award.placement_id), count)
    new = list(Placement.objects.exclude(pk__in=known).order_by("pk"))
    copies_of(award, count, placement=lambda i: new[i], company=lambda i: new[i].company)


def list_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/{path}/?page_size=200")
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def test_the_money_lists_run_the_same_queries_for_3_and_300(money, manager):
    client = manager_client(manager)
    many_awards(money["award"], 2)
    copies_of(money["advance"], 1)
    copies_of(money["claim"], 2)
    for path in ["stipend-awards", "tranches", "expense-claims"]:
        assert (path, list_queries(client, path)) == (path, (MONEY_LIST_QUERIES, 3))
    many_awards(money["award"], 297)
    copies_of(money["advance"], 297)
    copies_of(money["claim"], 297)
    for path in ["stipend-awards", "tranches", "expense-claims"]:
        assert (path, list_queries(client, path)) == (path, (MONEY_LIST_QUERIES, 300))


# The request's savepoint and its release, the token (find, record its use), the manager's
# roles (programs.rules.staff_rows), the count, the
# page of rows with what they show.
MONEY_LIST_QUERIES = 7
