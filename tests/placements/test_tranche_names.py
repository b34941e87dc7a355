"""A tranche's name is the portal's own (the default schedule's "Advance" and "Balance") or
the manager's. The portal's own was stored as text in the language of the manager who made
the award: a French firm read "Advance" on its award, its tranche's page and its award's
email, an English firm "Avance" when a French-reading manager made its award. It is now kept
as a code and written in the reader's language; a name a manager typed reads as typed, and
migration placements 0012 converts the old rows named as the portal named them."""

import csv
import io
import re
from html import unescape
from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import translation

from placements import stipends
from placements.enums import TrancheCondition, TrancheName
from placements.models import StipendTerm, Tranche
from tests.placements.conftest import day, placed
from tests.placements.money import arrived, awarded, cad

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\xa0"


@pytest.fixture
def placement(offer, manager):
    return placed(offer, manager)


def award_in(language, placement, manager):
    """The award made by a manager reading ``language``."""
    with translation.override(language):
        return awarded(placement, manager)


def tranche_links(client, award, language):
    """The tranches' names on the award's page, as the reader of ``language`` reads them."""
    response = client.get(reverse("money:award", args=[award.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    links = re.findall(r'<a href="/money/tranches/\d+/">(.*?)</a>', response.content.decode())
    return [unescape(link) for link in links]


def heading(client, tranche, language):
    url = reverse("money:tranche", args=[tranche.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return unescape(re.search(r"<h1>(.*?)</h1>", page).group(1))


# --- Pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("manager_language", ["en", "fr"])
def test_the_award_page_names_the_tranches_in_the_readers_language(
    client, placement, manager, owner, manager_language
):
    award = award_in(manager_language, placement, manager)
    assert list(award.tranches.values_list("label", "label_code")) == [
        ("", TrancheName.ADVANCE),
        ("", TrancheName.BALANCE),
    ]
    client.force_login(owner)
    assert tranche_links(client, award, "en") == ["Advance", "Balance"]
    assert tranche_links(client, award, "fr") == ["Avance", "Solde"]


def test_the_tranches_page_names_it_in_the_readers_language(client, placement, manager, owner):
    award = award_in("fr", placement, manager)
    advance, balance = award.tranches.order_by("position")
    client.force_login(owner)
    assert heading(client, advance, "en") == "Advance: CA$2,000.00"
    assert heading(client, balance, "fr") == f"Solde{NBSP}: 2{NNBSP}000,00{NBSP}$CA"


def test_the_ledger_and_its_csv_name_the_tranches_in_the_readers_language(
    client, placement, manager
):
    award = award_in("fr", placement, manager)
    client.force_login(manager)
    url = reverse("money:ledger", args=[award.intake_id])
    page = client.get(url, {"list": "tranches"}, HTTP_ACCEPT_LANGUAGE="en")
    assert [row["label"] for row in page.context["rows"]] == ["Advance", "Balance"]
    download = client.get(url, {"list": "tranches", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="fr")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len(rows[0]) == len(rows[1]) == 10  # no column of the name's code
    assert [row[3] for row in rows[1:]] == ["Avance", "Solde"]


def test_the_api_names_the_tranches_in_the_requests_language(placement, manager):
    from placements.api import TrancheSerializer

    award = award_in("fr", placement, manager)
    tranches = award.tranches.order_by("position")
    with translation.override("en"):
        assert [row["label"] for row in TrancheSerializer(tranches, many=True).data] == [
            "Advance",
            "Balance",
        ]


def test_the_dossier_and_the_model_name_the_tranche_in_the_current_language(placement, manager):
    award = award_in("fr", placement, manager)
    advance = award.tranches.get(position=1)
    with translation.override("en"):
        assert (advance.name, str(advance)) == ("Advance", "Advance: CA$2,000.00")
    with translation.override("fr"):
        assert advance.name == "Avance"


# --- Emails -------------------------------------------------------------------------------


def test_the_award_email_names_the_tranches_in_each_recipients_language(
    placement, manager, owner, company, django_capture_on_commit_callbacks
):
    """The French owner reads "Avance" and "Solde" whoever made the award: here a manager
    reading English; an English colleague reads "Advance" and "Balance"."""
    from tests import factories

    owner.language = "fr"
    owner.save(update_fields=["language"])
    colleague = factories.CompanyMemberFactory(company=company).user
    colleague.language = "en"
    colleague.save(update_fields=["language"])
    award = stipends.propose_award(placement, by=manager, amount=cad(4000))
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        stipends.award_stipend(award, by=manager)
    by_address = {email.to[0]: email for email in mail.outbox}
    french, english = by_address[owner.email], by_address[colleague.email]
    assert (
        f"- Avance{NBSP}: 2{NNBSP}000,00{NBSP}$CA, lorsque l’arrivée est consignée" in french.body
    )
    assert f"- Solde{NBSP}: 2{NNBSP}000,00{NBSP}$CA, " in french.body
    assert "- Advance: CA$2,000.00, when the arrival is logged" in english.body
    assert "- Balance: CA$2,000.00, " in english.body


def test_the_paid_tranche_email_names_it_in_the_firms_language(
    placement, manager, owner, partner, django_capture_on_commit_callbacks
):
    owner.language = "fr"
    owner.save(update_fields=["language"])
    arrived(placement, partner)
    with translation.override("en"):
        award = awarded(placement, manager)
        advance = award.tranches.get(position=1)
        stipends.approve_tranche(advance, by=manager)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            stipends.pay_tranche(advance, by=manager, paid_on=day(-1), reference="WIRE-1")
    (paid,) = mail.outbox
    assert paid.subject == f"Allocation payée{NBSP}: Avance, 2{NNBSP}000,00{NBSP}$CA"


# --- The schedule -------------------------------------------------------------------------


def test_the_default_names_kept_on_the_schedule_stay_the_portals_and_a_typed_one_as_typed(
    client, intake, placement, manager, owner
):
    """The schedule page shows the default names in the manager's language: saved as shown
    (here by a manager reading French), they are still the portal's names, read in each
    reader's language; a name the manager typed reads as typed."""
    client.force_login(manager)
    url = reverse("money:schedule", args=[intake.pk])
    shown = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").context["formset"]
    assert [form["label"].value() for form in shown.forms[:2]] == ["Avance", "Solde"]
    data = {
        "form-TOTAL_FORMS": "4",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "4",
        "form-MAX_NUM_FORMS": "4",
    }
    terms = [
        ("Avance", "30", TrancheCondition.ARRIVAL),
        ("Prime de départ", "20", TrancheCondition.DEPARTURE),
        ("Solde", "50", TrancheCondition.REPORT_VERIFIED),
    ]
    for index, (label, share, condition) in enumerate(terms):
        data |= {
            f"form-{index}-label": label,
            f"form-{index}-share": share,
            f"form-{index}-condition": condition,
        }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert list(StipendTerm.objects.filter(intake=intake).values_list("label", "label_code")) == [
        ("", TrancheName.ADVANCE),
        ("Prime de départ", ""),
        ("", TrancheName.BALANCE),
    ]
    shown = client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["formset"]
    assert [form["label"].value() for form in shown.forms[:3]] == [
        "Advance",
        "Prime de départ",
        "Balance",
    ]

    award = award_in("fr", placement, manager)
    client.force_login(owner)
    assert tranche_links(client, award, "en") == ["Advance", "Prime de départ", "Balance"]
    assert tranche_links(client, award, "fr") == ["Avance", "Prime de départ", "Solde"]


def test_a_default_name_typed_in_either_language_is_the_portals(intake, manager):
    stipends.set_stipend_schedule(
        intake,
        by=manager,
        terms=[
            (" advance ", 40, TrancheCondition.ARRIVAL),
            ("Solde", 40, TrancheCondition.REPORT_VERIFIED),
            ("Advance payment", 20, TrancheCondition.DEPARTURE),
        ],
    )
    assert list(StipendTerm.objects.filter(intake=intake).values_list("label", "label_code")) == [
        ("", TrancheName.ADVANCE),
        ("", TrancheName.BALANCE),
        ("Advance payment", ""),
    ]


# --- Rows recorded before: the migration ----------------------------------------------------


def test_the_migration_converts_the_old_english_and_french_names_and_leaves_typed_ones(
    placement, manager, intake
):
    award = awarded(placement, manager)
    advance, balance = award.tranches.order_by("position")
    # As the portal stored them before: the awarding manager's words.
    Tranche.objects.filter(pk=advance.pk).update(label="Advance", label_code="")
    Tranche.objects.filter(pk=balance.pk).update(label="Solde", label_code="")
    typed = Tranche.objects.create(
        award=award, position=3, label="Prime de départ", amount=cad(0), condition="departure"
    )
    StipendTerm.objects.bulk_create(
        [
            StipendTerm(intake=intake, position=1, label="Avance", share=50, condition="arrival"),
            StipendTerm(intake=intake, position=2, label="Extra", share=50, condition="departure"),
        ]
    )

    migration = import_module("placements.migrations.0012_tranche_names_as_codes")
    migration.names_as_codes(apps, None)

    assert list(
        Tranche.objects.filter(award=award).order_by("position").values_list("label", "label_code")
    ) == [("", TrancheName.ADVANCE), ("", TrancheName.BALANCE), ("Prime de départ", "")]
    assert list(StipendTerm.objects.filter(intake=intake).values_list("label", "label_code")) == [
        ("", TrancheName.ADVANCE),
        ("Extra", ""),
    ]
    typed.refresh_from_db()
    with translation.override("fr"):
        assert [t.name for t in Tranche.objects.filter(award=award).order_by("position")] == [
            "Avance",
            "Solde",
            "Prime de départ",
        ]

    migration.codes_as_names(apps, None)
    assert list(
        Tranche.objects.filter(award=award).order_by("position").values_list("label", "label_code")
    ) == [("Advance", ""), ("Balance", ""), ("Prime de départ", "")]
