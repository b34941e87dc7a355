"""What a French-speaking probe found in the money pages and the board: the money history
kept its notes and sums as text in the language of whoever acted, the ledger's CSV files had
English headers and status codes, the board's months were cut to three letters ("Aoû"), the
tranche's heading had no space before its colon in French, and an expense refused below its
minimum wrote it with a decimal point in French."""

import datetime
import importlib
import re
from html import unescape

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from placements import board, money_forms, money_history, stipends
from placements.enums import ExpenseCategory, MoneyNote, TrancheCondition
from placements.models import MoneyEvent, StipendTerm
from tests.placements.conftest import day, placed
from tests.placements.money import arrived, awarded, cad, claim_with

pytestmark = pytest.mark.django_db

TRAVEL = ExpenseCategory.TRAVEL
NNBSP, NBSP = "\u202f", "\xa0"


@pytest.fixture
def placement(offer, manager):
    return placed(offer, manager)


def history(client, name, pk, language):
    """The history rows of a money page, as the reader of ``language`` gets them."""
    response = client.get(reverse(name, args=[pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return [(row["to"], row["note"], row["changes"]) for row in response.context["history"]]


# --- 1. The money history in the reader's language ----------------------------------------


def test_the_award_history_reads_in_the_readers_language_whoever_acted(
    client, placement, manager, partner, owner
):
    """A French manager's approval read "Demande de remboursement 2 approuvée" and
    "1 430,93 $CA" to an English reader, and an English one "CA$3,500.00" to a French one."""
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)  # in English
    claim = claim_with(award, owner, (cad("1430.93"), TRAVEL, -5))
    with translation.override("fr"):
        stipends.approve_claim(claim, by=manager)
    client.force_login(manager)

    assert history(client, "money:award", award.pk, "en") == [
        ("Proposed", "", [("amount", "", "CA$4,000.00")]),
        ("Awarded", "", []),
        ("Awarded", f"Claim {claim.pk} approved.", [("approved", "CA$0.00", "CA$1,430.93")]),
    ]
    assert history(client, "money:award", award.pk, "fr") == [
        ("Proposé", "", [("montant", "", f"4{NNBSP}000,00{NBSP}$CA")]),
        ("Octroyé", "", []),
        (
            "Octroyé",
            f"Demande de remboursement {claim.pk} approuvée.",
            [("approuvé", f"0,00{NBSP}$CA", f"1{NNBSP}430,93{NBSP}$CA")],
        ),
    ]
    page = client.get(reverse("money:award", args=[award.pk])).content.decode()
    assert f"Claim {claim.pk} approved." in page
    assert "approuvée" not in page


def test_a_tranche_cut_by_a_claim_reads_in_the_readers_language(
    client, placement, manager, partner, owner
):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    claim = claim_with(award, owner, (cad(1000), TRAVEL, -5))
    with translation.override("fr"):
        stipends.approve_claim(claim, by=manager)
    balance = award.tranches.get(position=2)
    client.force_login(manager)

    assert history(client, "money:tranche", balance.pk, "en")[-1] == (
        "Waiting",
        f"Claim {claim.pk} approved: the tranches pay what is left of the award.",
        [("amount", "CA$2,000.00", "CA$1,000.00")],
    )


def test_a_claims_expenses_in_its_history_read_in_the_readers_language(
    client, placement, manager, partner, owner
):
    arrived(placement, partner)
    award = awarded(placement, manager, amount=4000)
    with translation.override("fr"):
        claim = claim_with(award, owner, (cad(180), TRAVEL, -5))
    client.force_login(owner)

    assert history(client, "money:claim", claim.pk, "en")[1] == (
        "Draft",
        "",
        [("expense", "", "+ travel expense: CA$180.00")],
    )
    assert history(client, "money:claim", claim.pk, "fr")[1] == (
        "Brouillon",
        "",
        [("dépense", "", f"+ travel expense{NBSP}: 180,00{NBSP}$CA")],
    )


def test_the_report_verified_note_of_a_tranche_reads_in_the_readers_language(
    client, intake, placement, manager
):
    """outcomes.services.verify_report names its note by code (it wrote "Report verified")."""
    StipendTerm.objects.create(
        intake=intake, position=1, label="Balance", share=100,
        condition=TrancheCondition.REPORT_VERIFIED,
    )  # fmt: skip
    award = awarded(placement, manager)
    stipends.satisfy_condition(
        placement, TrancheCondition.REPORT_VERIFIED, by=manager, note_code=MoneyNote.REPORT_VERIFIED
    )
    (tranche,) = award.tranches.all()
    client.force_login(manager)

    assert [note for _to, note, _changes in history(client, "money:tranche", tranche.pk, "fr")] == [
        "",
        "Rapport vérifié",
    ]


def test_a_reason_typed_reads_as_typed_and_the_portals_own_as_the_reader_reads(
    placement, manager, partner, owner
):
    arrived(placement, partner)
    award = awarded(placement, manager)
    claim = claim_with(award, owner, (cad(100), TRAVEL, -5))
    with translation.override("fr"):
        stipends.approve_claim(claim, by=manager, approved={claim.lines.get().pk: cad(0)})
    stipends.reduce_award(award, by=manager, amount=cad(3000), reason="Parti plus tôt")

    rejected = claim.events.get(to_status="rejected")
    reduced = award.events.get(to_status="reduced")
    assert (rejected.note, rejected.note_code, reduced.note, reduced.note_code) == (
        "",
        MoneyNote.NOTHING_APPROVED,
        "Parti plus tôt",
        "",
    )
    assert (money_history.note_text(rejected), money_history.note_text(reduced)) == (
        "No expense on this claim was approved.",
        "Parti plus tôt",
    )


def test_old_rows_written_as_text_become_codes_and_sums(placement, manager):
    """Placements 0009 turns the notes and sums the portal wrote as text, in either language,
    into data; what a person typed stays."""
    award = awarded(placement, manager)
    old = {
        "fr": MoneyEvent.objects.create(
            award=award,
            actor=manager,
            from_status="awarded",
            to_status="awarded",
            note="Demande de remboursement 7 approuvée.",
            changes={"approved_total": ["0,00 $CA", f"1{NNBSP}430,93{NBSP}$CA"]},
        ),
        "en": MoneyEvent.objects.create(
            award=award,
            actor=manager,
            from_status="awarded",
            to_status="reduced",
            note=(
                "The stay was cancelled (Visa refused): the award keeps what was paid or approved."
            ),
            changes={"amount": ["CA$4,000.00", "CA$982.28"]},
        ),
        "typed": MoneyEvent.objects.create(
            award=award,
            actor=manager,
            to_status="reduced",
            note="Left early",
            changes={"reference": ["", "WIRE-1"]},
        ),  # fmt: skip
    }
    migration = importlib.import_module("placements.migrations.0009_money_notes_as_codes")

    migration.notes_and_sums_as_data(apps, None)

    rows = {
        key: MoneyEvent.objects.values("note", "note_code", "note_values", "changes").get(
            pk=event.pk
        )
        for key, event in old.items()
    }
    assert rows == {
        "fr": {
            "note": "",
            "note_code": "claim-approved",
            "note_values": {"number": 7},
            "changes": {
                "approved_total": [
                    {"amount": "0.00", "currency": "CAD"},
                    {"amount": "1430.93", "currency": "CAD"},
                ]
            },
        },
        "en": {
            "note": "",
            "note_code": "stay-cancelled",
            "note_values": {"reason": "Visa refused"},
            "changes": {
                "amount": [
                    {"amount": "4000.00", "currency": "CAD"},
                    {"amount": "982.28", "currency": "CAD"},
                ]
            },
        },
        "typed": {
            "note": "Left early",
            "note_code": "",
            "note_values": {},
            "changes": {"reference": ["", "WIRE-1"]},
        },
    }


# --- 2. The ledger's CSV files ---------------------------------------------------------------


def csv(client, intake, query, language):
    url = reverse("money:ledger", args=[intake.pk]) + query
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    return b"".join(response.streaming_content).decode().splitlines()


def test_the_ledger_csv_files_have_headers_and_statuses_in_the_readers_language(
    client, intake, placement, manager, partner, owner
):
    arrived(placement, partner)
    award = awarded(placement, manager)
    claim = claim_with(award, owner, (cad(120), TRAVEL, -5))
    client.force_login(manager)

    assert csv(client, intake, "?list=awards&format=csv", "fr") == [
        "Octroi,Entreprise,Incubateur d’accueil,Montant,Devise,"
        "Approuvé dans les demandes de remboursement,Statut,Code du statut",
        f"{award.pk},Maple Analytics,Berlin Hub,4000.00,CAD,0.00,Octroyé,awarded",
    ]
    header, row = csv(client, intake, "?list=claims&format=csv", "fr")
    assert header == (
        "Demande,Octroi,Entreprise,Total,Devise,Approuvé,Statut,Code du statut,"
        "Date de soumission,Payée le,Référence du paiement"
    )
    assert row.split(",")[:8] == [
        str(claim.pk), str(award.pk), "Maple Analytics", "120.00", "CAD", "0.00", "Soumise",
        "submitted",
    ]  # fmt: skip
    assert csv(client, intake, "?list=unawarded&format=csv", "en") == [
        "Stay,Company,Host,Start,End,Status,Status code"
    ]


def test_the_payment_batch_keeps_its_fixed_columns_for_the_bank_and_says_so(
    client, intake, placement, manager, partner
):
    arrived(placement, partner)
    award = awarded(placement, manager)
    stipends.approve_tranche(award.tranches.get(position=1), by=manager)
    client.force_login(manager)

    batch = client.get(
        reverse("money:payment_batch", args=[intake.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    page = client.get(reverse("money:ledger", args=[intake.pk])).content.decode()

    assert batch.splitlines() == [
        "payee,amount,currency,reference",
        f"Maple Analytics,2000.00,CAD,STIPEND-{award.pk}-1",
    ]
    assert "for the finance system: its columns keep the same names in every language" in page


# --- 3. French typography --------------------------------------------------------------------


def test_the_boards_months_are_abbreviated_as_each_language_does():
    def months(language):
        with translation.override(language):
            _boards, ticks, _today_x, _width = board.lay_out(
                [], [], window_start=datetime.date(2026, 8, 1),
                window_end=datetime.date(2027, 1, 31), today=datetime.date(2026, 9, 1),
                status_labels={},
            )  # fmt: skip
        return [tick["label"] for tick in ticks]

    assert months("fr") == [
        "août 2026", "sept. 2026", "oct. 2026", "nov. 2026", "déc. 2026", "jan. 2027"
    ]  # fmt: skip
    assert months("en") == [
        "Aug. 2026", "Sept. 2026", "Oct. 2026", "Nov. 2026", "Dec. 2026", "Jan. 2027"
    ]  # fmt: skip


def test_the_tranches_heading_puts_the_languages_space_before_its_colon(client, placement, manager):
    award = awarded(placement, manager)
    advance = award.tranches.get(position=1)
    client.force_login(manager)

    def heading(language):
        url = reverse("money:tranche", args=[advance.pk])
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        return unescape(re.search(r"<h1>(.*?)</h1>", page).group(1))

    assert heading("en") == "Advance: CA$2,000.00"
    assert heading("fr") == f"Avance{NBSP}: 2{NNBSP}000,00{NBSP}$CA"


# --- 4. A bound in a refusal, written as the language writes numbers -----------------------


def test_an_expense_below_its_minimum_says_the_minimum_as_the_reader_writes_it():
    data = {"on": "2026-05-01", "category": TRAVEL, "description": "Taxi",
            "amount_0": "0", "amount_1": "CAD"}  # fmt: skip
    with translation.override("fr"):
        french = list(money_forms.ClaimLineForm(data).errors["amount"])
    with translation.override("en"):
        english = list(money_forms.ClaimLineForm(data).errors["amount"])

    assert (french, english) == (
        ["Assurez-vous que cette valeur est supérieure ou égale à 0,01."],
        ["Ensure this value is greater than or equal to 0.01."],
    )


def test_the_expense_form_refused_in_french_writes_its_minimum_with_a_comma(
    client, placement, manager, partner, owner
):
    arrived(placement, partner)
    award = awarded(placement, manager)
    claim = stipends.start_claim(award, by=owner)
    client.force_login(owner)

    response = client.post(
        reverse("money:claim", args=[claim.pk]),
        {"on": day(-2).isoformat(), "category": TRAVEL, "description": "Taxi",
         "amount_0": "-3", "amount_1": "CAD"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )  # fmt: skip

    assert response.context["line_form"].errors["amount"] == [
        "Assurez-vous que cette valeur est supérieure ou égale à 0,01."
    ]


def test_a_percent_sign_in_an_expenses_description_does_not_break_its_refusal(
    placement, manager, partner, owner
):
    """The approval's cap names the line; a "%" the firm typed in it was read as a format
    (a server error instead of the message)."""
    arrived(placement, partner)
    award = awarded(placement, manager)
    claim = claim_with(award, owner, (cad(100), TRAVEL, -5))
    line = claim.lines.get()
    line.description = "Taxi, 50% off"

    form = money_forms.ApprovalForm({f"approved_{line.pk}": "150"}, lines=[line])

    assert list(form.errors[f"approved_{line.pk}"]) == [
        "Taxi, 50% off: at most CA$100.00 can be approved."
    ]


def test_a_claim_approved_at_nothing_says_why_in_the_readers_language(
    client, placement, manager, partner, owner
):
    arrived(placement, partner)
    award = awarded(placement, manager)
    claim = claim_with(award, owner, (cad(100), TRAVEL, -5))
    with translation.override("fr"):
        stipends.approve_claim(claim, by=manager, approved={claim.lines.get().pk: cad(0)})
    client.force_login(owner)

    def reason(language):
        url = reverse("money:claim", args=[claim.pk])
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        return unescape(re.search(r'alert--warning"><p>(.*?)</p>', page).group(1))

    assert reason("en") == "Reason: No expense on this claim was approved."
    assert reason("fr") == (
        f"Motif{NBSP}: Aucune dépense de cette demande de remboursement n’a été approuvée."
    )


def test_the_migration_leaves_a_sum_in_another_currency_as_written():
    """A review's finding: any sum read as the record's currency; "US$12.00" on a CAD award
    became CA$12.00."""
    from importlib import import_module

    migration = import_module("placements.migrations.0009_money_notes_as_codes")
    assert migration._sum("CA$982.28", "CAD") == {"amount": "982.28", "currency": "CAD"}
    assert migration._sum(f"1{NNBSP}430,93{NBSP}$CA", "CAD") == {
        "amount": "1430.93",
        "currency": "CAD",
    }
    assert migration._sum("US$12.00", "CAD") == "US$12.00"
    assert migration._sum("€12.00", "CAD") == "€12.00"
