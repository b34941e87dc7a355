import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from applications.enums import MemberRole
from placements import stipends
from placements.enums import ExpenseCategory
from placements.models import DeskInvoice, ExpenseClaim, Placement, StipendAward, Tranche
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed
from tests.placements.money import PDF, awarded, cad, claim_with, rates, receipt

TRAVEL = ExpenseCategory.TRAVEL


@pytest.fixture
def placement(offer, manager):
    return placed(offer, manager)


@pytest.fixture
def award(placement, manager):
    return awarded(placement, manager)


@pytest.fixture
def claim(award, owner):
    return claim_with(award, owner, (cad(200), TRAVEL, -5))


def pages(award, claim):
    line = claim.lines.get()
    return [
        reverse("money:award", args=[award.pk]),
        reverse("money:tranche", args=[award.tranches.first().pk]),
        reverse("money:claim", args=[claim.pk]),
        reverse("money:receipt", args=[claim.pk, line.pk]),
    ]


def test_the_firm_and_the_manager_open_every_money_page(client, award, claim, owner, manager):
    for person in [owner, manager]:
        client.force_login(person)
        assert [client.get(url).status_code for url in pages(award, claim)] == [200] * 4


def test_another_firm_a_partner_and_another_programs_manager_get_404(client, award, claim, partner):
    stranger = factories.CompanyMemberFactory(role=MemberRole.OWNER).user
    elsewhere = factories.ProgramStaffFactory().user
    for person in [stranger, partner, elsewhere]:
        client.force_login(person)
        assert [client.get(url).status_code for url in pages(award, claim)] == [404] * 4
        assert client.post(reverse("money:claim_new", args=[award.pk])).status_code == 404


def test_the_firm_cannot_approve_its_own_claim(client, claim, owner):
    client.force_login(owner)
    response = client.post(reverse("money:claim_action", args=[claim.pk, "approve"]))
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == "submitted"


def test_the_manager_proposes_the_accepted_budget_and_is_warned_near_the_pool(
    client, intake, placement, manager
):
    intake.stipend_budget = cad(3200)
    intake.save()
    client.force_login(manager)
    url = reverse("money:propose", args=[placement.pk])
    page = client.get(url).content.decode()
    # No budget saved: the offer's stipend is proposed.
    warning = "After CA$3,000.00 only CA$200.00 is left of the intake&#x27;s pool of CA$3,200.00."
    assert warning in page
    response = client.post(url, {"amount": "3000.00"})
    award = StipendAward.objects.get()
    assert response.url == reverse("money:award", args=[award.pk])
    assert award.amount == cad(3000)


def test_an_award_over_the_pool_is_refused_on_the_page(client, intake, placement, manager):
    intake.stipend_budget = cad(1000)
    intake.save()
    client.force_login(manager)
    url = reverse("money:propose", args=[placement.pk])
    response = client.post(url, {"amount": "1500"}, follow=True)
    assert StipendAward.objects.count() == 0
    assert [str(m) for m in response.context["messages"]] == [
        "CA$1,500.00 would take the intake over its stipend pool: only CA$1,000.00 is left. "
        "Nothing was changed."
    ]


def test_the_firm_adds_a_line_with_a_receipt_and_a_fake_one_is_refused(
    client, award, owner, settings
):
    rates()
    claim = stipends.start_claim(award, by=owner)
    client.force_login(owner)
    url = reverse("money:claim", args=[claim.pk])
    fields = {
        "on": day(-5).isoformat(),
        "category": "travel",
        "description": "Flight to Berlin",
        "amount_0": "400.00",
        "amount_1": "EUR",
    }
    fake = receipt(b"GIF89a", "flight.pdf")
    response = client.post(url, {**fields, "receipt": fake}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "This file is not a PDF, PNG or JPEG, whatever its name says.",
        # No browser sends a file back: the page says so.
        "Attach the receipt again before you add the expense.",
    ]
    assert claim.lines.count() == 0
    client.post(url, {**fields, "receipt": receipt(PDF, "flight.pdf")})
    line = claim.lines.get()
    assert (line.amount, line.converted, line.rate_source) == (
        Money(400, "EUR"),
        cad(600),
        "Bank of Canada",
    )
    download = client.get(reverse("money:receipt", args=[claim.pk, line.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_the_manager_approves_line_by_line_on_the_page(client, award, owner, manager):
    claim = claim_with(award, owner, (cad(200), TRAVEL, -5), (cad(300), TRAVEL, -4))
    first, second = claim.lines.order_by("on")
    client.force_login(manager)
    client.post(
        reverse("money:claim_action", args=[claim.pk, "approve"]),
        {
            f"approved_{first.pk}": "200",
            f"approved_{second.pk}": "120.50",
            f"note_{second.pk}": "Economy fare only",
            "note": "",
        },
    )
    claim.refresh_from_db()
    assert (claim.status, claim.approved_total) == ("approved", cad("320.50"))
    second.refresh_from_db()
    assert (second.approved, second.note) == (cad("120.50"), "Economy fare only")


def test_asking_for_changes_needs_a_reason(client, claim, manager):
    client.force_login(manager)
    url = reverse("money:claim_action", args=[claim.pk, "changes"])
    response = client.post(url, {"note": ""}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Give the reason."]
    client.post(url, {"note": "Receipt is blurred"})
    claim.refresh_from_db()
    assert (claim.status, claim.reason) == ("changes-requested", "Receipt is blurred")


def test_the_award_page_shows_its_history(client, award, manager):
    client.force_login(manager)
    page = client.get(reverse("money:award", args=[award.pk])).content.decode()
    assert re.findall(r"<strong>([^<]*)</strong>", page)[:2] == ["Proposed", "Awarded"]
    assert "amount:  → CA$4,000.00" in page


def test_the_ledger_figures_add_up_and_link_to_their_records(
    client, intake, award, owner, manager, partner, placement
):
    from placements import services

    services.log_arrival(placement, by=partner, on=day(-10))
    advance = award.tranches.get(position=1)
    stipends.approve_tranche(advance, by=manager)
    stipends.pay_tranche(advance, by=manager, paid_on=day(-1), reference="W-1")
    claim_with(award, owner, (cad(250), TRAVEL, -5))
    client.force_login(manager)
    page = client.get(reverse("money:ledger", args=[intake.pk])).content.decode()
    found = re.findall(r"<dt>([^<]*)</dt><dd>(?:<a href=\"([^\"]*)\">)?([^<]*)", page)
    figures = {name: (link, value) for name, link, value in found}
    assert {name: figures[name][1] for name in figures} == {
        "Stipend pool": "CA$40,000.00",
        "Proposed": "CA$0.00",
        "Awarded": "CA$4,000.00",
        "Paid in tranches": "CA$2,000.00",
        "Tranches to pay": "CA$0.00",
        "Claims pending": "CA$250.00",
        "Claims approved, to pay": "CA$0.00",
        "Claims paid": "CA$0.00",
        "Paid in all": "CA$2,000.00",
        "Left in the pool": "CA$36,000.00",
        "Desk costs invoiced": "none yet",
    }
    assert figures["Paid in tranches"][0] == "?list=tranches&amp;status=paid"
    listed = client.get(reverse("money:ledger", args=[intake.pk]) + "?list=tranches&status=paid")
    assert [row["pk"] for row in listed.context["rows"]] == [advance.pk]
    assert reverse("money:tranche", args=[advance.pk]) in listed.content.decode()


def test_each_ledger_list_is_a_csv(client, intake, award, manager):
    client.force_login(manager)
    response = client.get(reverse("money:ledger", args=[intake.pk]) + "?list=tranches&format=csv")
    assert b"".join(response.streaming_content).decode() == (
        "Tranche,Award,Company,Name,Amount,Currency,Status,Status code,Paid on,"
        "Payment reference\r\n"
        f"{award.tranches.get(position=1).pk},{award.pk},Maple Analytics,Advance,2000.00,CAD,"
        "Waiting,waiting,,\r\n"
        f"{award.tranches.get(position=2).pk},{award.pk},Maple Analytics,Balance,2000.00,CAD,"
        "Waiting,waiting,,\r\n"
    )


def test_the_payment_batch_is_a_csv_for_managers_only(client, intake, award, manager, owner):
    client.force_login(owner)
    assert client.get(reverse("money:payment_batch", args=[intake.pk])).status_code == 404
    client.force_login(manager)
    response = client.get(reverse("money:payment_batch", args=[intake.pk]))
    assert response.content.decode() == "payee,amount,currency,reference\r\n"


def add_awards(intake, host, manager, count, *, award=True):
    """``count`` awarded placements, each with a claim, made directly (the capacity checks
    are not what is measured)."""
    for _ in range(count):
        offer = accepted_offer(intake, host)
        placement = Placement.objects.create(
            offer=offer,
            company=offer.application.company,
            intake=intake,
            host=host,
            starts_on=day(-10),
            ends_on=day(40),
            desk_until=day(40),
            confirmed_by=manager,
        )
        if not award:
            continue
        made = StipendAward.objects.create(
            placement=placement,
            intake=intake,
            company=placement.company,
            amount=cad(100),
            status="awarded",
            created_by=manager,
        )
        Tranche.objects.create(award=made, label="Advance", amount=cad(100), condition="arrival")
        ExpenseClaim.objects.create(award=made, created_by=manager, total=cad(50))


def ledger_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# The awards', tranches' and claims' lists take their totals from the figures' counts.
@pytest.mark.parametrize(
    ("kind", "queries"), [("unawarded", 9), ("awards", 8), ("tranches", 8), ("claims", 8)]
)
def test_the_ledger_runs_the_same_queries_for_3_and_300_rows(
    client, intake, host, manager, kind, queries
):
    client.force_login(manager)
    url = reverse("money:ledger", args=[intake.pk]) + f"?list={kind}"
    add_awards(intake, host, manager, 3, award=kind != "unawarded")
    few = ledger_queries(client, url)
    add_awards(intake, host, manager, 297, award=kind != "unawarded")
    assert ledger_queries(client, url) == few == queries
    assert client.get(url).context["page"].paginator.count == 300


def test_a_ledger_list_filtered_by_status_counts_only_those(client, intake, host, manager):
    client.force_login(manager)
    add_awards(intake, host, manager, 3)
    url = reverse("money:ledger", args=[intake.pk]) + "?list=awards"

    def total(query):
        return client.get(url + query).context["page"].paginator.count

    assert (total(""), total("&status=awarded"), total("&status=proposed")) == (3, 3, 0)
    assert total("&status=proposed&status=awarded&status=reduced") == 3


def test_a_firm_lists_only_its_own_awards(client, award, owner):
    client.force_login(owner)
    assert client.get(reverse("money:mine")).context["awards"] == [(award, Money(4000, "CAD"))]
    client.force_login(factories.CompanyMemberFactory(role=MemberRole.OWNER).user)
    assert client.get(reverse("money:mine")).context["awards"] == []


def schedule_post(rows):
    data = {"form-TOTAL_FORMS": "4", "form-INITIAL_FORMS": "0"}
    for index, (label, share, condition) in enumerate(rows):
        data |= {
            f"form-{index}-label": label,
            f"form-{index}-share": share,
            f"form-{index}-condition": condition,
        }
    return data


def test_the_manager_sets_the_intakes_stipend_schedule(client, intake, manager, placement):
    client.force_login(manager)
    url = reverse("money:schedule", args=[intake.pk])
    response = client.post(
        url, schedule_post([("Advance", "30", "awarded"), ("Balance", "60", "report-verified")]),
        follow=True,
    )  # fmt: skip
    assert [str(m) for m in response.context["messages"]] == [
        "The shares add up to 90 %; they must add up to 100 %."
    ]
    client.post(
        url, schedule_post([("Advance", "30", "awarded"), ("Balance", "70", "report-verified")])
    )
    award = awarded(placement, manager, amount=1000)
    assert [(t.name, t.amount, t.status) for t in award.tranches.order_by("position")] == [
        ("Advance", cad(300), "due"),
        ("Balance", cad(700), "waiting"),
    ]


def test_the_ledger_lists_placements_waiting_for_an_award(client, intake, placement, manager):
    client.force_login(manager)
    response = client.get(reverse("money:ledger", args=[intake.pk]) + "?list=unawarded")
    assert [row["company__name"] for row in response.context["rows"]] == ["Maple Analytics"]
    assert reverse("money:propose", args=[placement.pk]) in response.content.decode()
    awarded(placement, manager)
    response = client.get(reverse("money:ledger", args=[intake.pk]) + "?list=unawarded")
    assert list(response.context["rows"]) == []


def test_only_the_manager_reduces_cancels_or_closes_an_award(client, award, owner, manager):
    url = reverse("money:award_action", args=[award.pk, "reduce"])
    client.force_login(owner)
    assert client.post(url, {"amount": "1000", "reason": "Cut short"}).status_code == 403
    client.force_login(manager)
    client.post(url, {"amount": "3000", "reason": "Stay cut short by three weeks"})
    award.refresh_from_db()
    assert (award.status, award.amount, award.reason) == (
        "reduced",
        cad(3000),
        "Stay cut short by three weeks",
    )
    close = reverse("money:award_action", args=[award.pk, "close"])
    response = client.post(close, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The award is reduced.",
        "A tranche of this award is still to be paid or cancelled.",
    ]
    cancel = reverse("money:award_action", args=[award.pk, "cancel"])
    client.post(cancel, {"reason": "The firm withdrew"})
    award.refresh_from_db()
    assert (award.status, award.reason) == ("cancelled", "The firm withdrew")
    assert list(award.tranches.values_list("status", flat=True)) == ["cancelled", "cancelled"]


def test_a_tranche_paid_twice_on_the_page_is_refused(client, award, manager, placement, partner):
    from placements import services

    services.log_arrival(placement, by=partner, on=day(-10))
    advance = award.tranches.get(position=1)
    client.force_login(manager)
    client.post(reverse("money:tranche_action", args=[advance.pk, "approve"]))
    pay = reverse("money:tranche_action", args=[advance.pk, "pay"])
    client.post(pay, {"paid_on": day(-1).isoformat(), "reference": "W-1"})
    response = client.post(pay, {"paid_on": day(0).isoformat(), "reference": "W-2"}, follow=True)
    *_earlier, message = [str(m) for m in response.context["messages"]]
    assert message.endswith("(reference W-1); nothing was changed.")
    advance.refresh_from_db()
    assert (advance.status, advance.reference) == ("paid", "W-1")


def desk_invoice(intake, host, status, total, *, month=1, paid_on=None, reference=""):
    return DeskInvoice.objects.create(
        intake=intake,
        host=host,
        period_start=datetime.date(2026, month, 1),
        period_end=datetime.date(2026, month, 28),
        days=10,
        total=total,
        status=status,
        paid_on=paid_on,
        payment_reference=reference,
    )


def test_the_ledger_shows_the_desk_invoices_per_currency_linked_and_as_a_csv(
    client, intake, host, manager
):
    other = factories.DeskOfferFactory(intake=intake, host__name="Lisbon Hub").host
    desk_invoice(intake, host, "draft", cad(999), month=1)  # not invoiced yet
    sent = desk_invoice(intake, host, "sent", cad(300), month=2)
    paid = desk_invoice(intake, host, "paid", cad(200), month=3, paid_on=day(-1), reference="W-9")
    euros = desk_invoice(intake, other, "confirmed", Money("150.50", "EUR"), month=2)
    client.force_login(manager)
    url = reverse("money:ledger", args=[intake.pk])
    page = client.get(url).content.decode()
    found = re.findall(r"<dt>([^<]*)</dt><dd>(?:<a href=\"([^\"]*)\">)?([^<]*)", page)
    desks = {name: (link, value) for name, link, value in found if name.startswith("Desk")}
    # Each figure lists the invoices of its currency (they listed every currency's).
    invoiced = "?list=desk_invoices&amp;status=sent&amp;status=confirmed&amp;status=paid"
    assert desks == {
        "Desk costs invoiced (CAD)": (f"{invoiced}&amp;currency=CAD", "CA$500.00"),
        "Desk costs paid (CAD)": (
            "?list=desk_invoices&amp;status=paid&amp;currency=CAD",
            "CA$200.00",
        ),
        "Desk costs invoiced (EUR)": (f"{invoiced}&amp;currency=EUR", "€150.50"),
        "Desk costs paid (EUR)": ("?list=desk_invoices&amp;status=paid&amp;currency=EUR", "€0.00"),
    }
    listed = client.get(url + "?list=desk_invoices&status=paid")
    assert [row["pk"] for row in listed.context["rows"]] == [paid.pk]
    assert reverse("desk_invoices:detail", args=[paid.pk]) in listed.content.decode()
    response = client.get(url + "?list=desk_invoices&status=sent&status=confirmed&format=csv")
    assert b"".join(response.streaming_content).decode() == (
        "Invoice,Host incubator,Firm,From,To,Desk-days,Total,Currency,Status,Status code,"
        "Paid on,Payment reference\r\n"
        f"{sent.pk},Berlin Hub,,2026-02-01,2026-02-28,10,300.00,CAD,Sent to the host,sent,,\r\n"
        f"{euros.pk},Lisbon Hub,,2026-02-01,2026-02-28,10,150.50,EUR,Confirmed by the host,"
        "confirmed,,\r\n"
    )


def test_the_desk_invoice_list_runs_the_same_queries_for_3_and_300(client, intake, host, manager):
    client.force_login(manager)
    url = reverse("money:ledger", args=[intake.pk]) + "?list=desk_invoices"
    DeskInvoice.objects.bulk_create(
        DeskInvoice(intake=intake, host=host, period_start=day(-n), period_end=day(-n),
                    days=1, total=cad(10), status="sent")
        for n in range(3)
    )  # fmt: skip
    few = ledger_queries(client, url)
    DeskInvoice.objects.bulk_create(
        DeskInvoice(intake=intake, host=host, period_start=day(-n), period_end=day(-n),
                    days=1, total=cad(10), status="paid", paid_on=day(-n), payment_reference="W")
        for n in range(3, 300)
    )  # fmt: skip
    assert ledger_queries(client, url) == few == 9
    assert client.get(url).context["page"].paginator.count == 300


def test_a_line_refused_at_zero_is_offered_at_zero_once_the_claim_comes_back(
    client, award, owner, manager
):
    """The manager refused one line (0) and asked about another; the firm sends the claim
    again. The approval form offers what the manager decided (it offered the full amount:
    approving as shown paid the refused expense)."""
    claim = claim_with(award, owner, (cad(200), TRAVEL, -5), (cad(300), TRAVEL, -4))
    minibar, flight = claim.lines.order_by("on")
    client.force_login(manager)
    client.post(
        reverse("money:claim_action", args=[claim.pk, "changes"]),
        {f"approved_{minibar.pk}": "0", f"approved_{flight.pk}": "300",
         f"note_{flight.pk}": "Send the boarding pass", "note": "See the flight line"},
    )  # fmt: skip
    minibar.refresh_from_db()
    assert minibar.approved == cad(0)
    stipends.submit_claim(claim, by=owner)
    page = client.get(reverse("money:claim", args=[claim.pk])).content.decode()
    boxes = {
        pk: re.search(rf'<input[^>]*name="approved_{pk}"[^>]*>', page).group(0)
        for pk in (minibar.pk, flight.pk)
    }
    assert 'value="0.00"' in boxes[minibar.pk], boxes
    assert 'value="300.00"' in boxes[flight.pk], boxes


def test_add_the_expense_pressed_twice_adds_it_once(client, award, owner):
    """The same page sent twice adds one line (it added two, each with its receipt, and the
    claim's total doubled)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    claim = stipends.start_claim(award, by=owner)
    client.force_login(owner)
    url = reverse("money:claim", args=[claim.pk])
    html = client.get(url).content.decode()
    once = re.search(r'name="once" value="([0-9a-f]{32})"', html).group(1)
    for _ in range(2):
        receipt = SimpleUploadedFile("r.pdf", PDF, "application/pdf")
        client.post(url, {"on": day(-5).isoformat(), "category": "travel",
                          "description": "Train to Munich", "amount_0": "120", "amount_1": "CAD",
                          "receipt": receipt, "once": once})  # fmt: skip
    assert claim.lines.count() == 1
    assert ExpenseClaim.objects.get(pk=claim.pk).total == cad(120)


def test_a_claim_sent_back_with_a_line_note_too_long_is_not_sent_back(
    client, award, owner, manager
):
    """The note was dropped without a word and the claim sent back all the same."""
    claim = claim_with(award, owner, (cad(200), TRAVEL, -5))
    line = claim.lines.get()
    client.force_login(manager)
    page = client.post(
        reverse("money:claim_action", args=[claim.pk, "changes"]),
        {f"note_{line.pk}": "x" * 501, "note": "See the line"},
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"
    # The claim's page again, the notes as typed and why.
    assert "Ensure this value has at most 500 characters (it has 501)." in [
        str(m) for m in page.context["messages"]
    ]
    form = page.context["approval_form"]
    assert (form["note"].value(), len(form[f"note_{line.pk}"].value())) == ("See the line", 501)
