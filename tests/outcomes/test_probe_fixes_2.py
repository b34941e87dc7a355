"""Defects two testers' probes found in outcomes (figures, ledger, documents; a French reader
on a phone), each fixed: an opportunity's update keeping an earlier currency (the dossier
read "CA$240,000" for "€240,000"), the dossier's stipend history in codes, the cost and ROI
handed on without the payments they leave out, stage codes on the drill-down, the public
year chart saying "Nothing verified yet" over hidden groups, report files named and noted in
English in a French dossier, the program report's breakdowns running off the page, sums
printed without separators or currency, and the year chart's label drawn over its columns.
"""

import shutil
import subprocess
import zipfile
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from djmoney.money import Money

from outcomes import documents, publishing, services
from outcomes.enums import DocumentKind
from outcomes.figures import LeftOut
from outcomes.models import Document, OpportunityUpdate, ReportEvent
from placements import desk_invoices
from placements import services as placements_services
from placements.enums import ExpenseCategory
from placements.models import ExchangeRate
from programs.models import Intake
from tests import factories
from tests.outcomes import test_figures
from tests.outcomes.conftest import accepted_offer, day, placed
from tests.outcomes.published import eight_firms
from tests.outcomes.test_api import client_for
from tests.outcomes.test_documents import built
from tests.outcomes.test_probe_fixes import form_posting_to, the_update_as_drawn
from tests.placements.money import awarded, claim_with

pytestmark = pytest.mark.django_db
# The small program of test_figures, worked out by hand there, and its payments.
program = test_figures.program
payments = test_figures.payments

# What the French catalogue writes around money: a narrow no-break space between thousands,
# a no-break space before the currency.
NNBSP, NBSP = "\u202f", "\xa0"


def acme(report, owner, **changes):
    data = {
        "organisation": "Acme GmbH", "country": "DE", "kind": "sales-contract",
        "value": Money(1000, "CAD"), "stage": "identified", "identified_on": day(-2),
        "attribution": "decisive",
    } | changes  # fmt: skip
    return services.save_opportunity(report, by=owner, **data)


def updates():
    return list(
        OpportunityUpdate.objects.order_by("pk").values_list(
            "opportunity__organisation", "value", "value_currency", "value_converted"
        )
    )


def dossier_page(template, placement, language, **extra):
    with translation.override(language):
        parts = documents.dossier_parts(placement)
        return render_to_string(f"outcomes/documents/{template}", parts | extra), parts


def program_report(intake, language):
    document = Document(
        kind=DocumentKind.PROGRAM_REPORT, program=intake.program, intake=intake, language=language
    )
    return documents.report_html(document), document


def without_a_rate_for_the_euro_payment():
    """The payments fixture's desk invoice in euros, paid on day 0: its rate recorded the day
    after, so the cost leaves it out (as in test_figures)."""
    ExchangeRate.objects.filter(base="EUR").update(on=day(1))
    services.refresh_figures()


# --- 1. An opportunity's update keeps the currency it was given ----------------------------


def test_an_update_in_another_currency_is_recorded_in_that_currency(report, owner, euro):
    deal = acme(report, owner)
    services.save_opportunity(report, by=owner, opportunity=deal, value=Money(240000, "EUR"))
    assert updates() == [("Acme GmbH", Decimal("240000.00"), "EUR", Decimal("360000.00"))]


def test_the_firm_chooses_the_currency_of_an_update_on_its_page(client, report, owner, euro):
    deal = acme(report, owner)
    client.force_login(owner)
    page = client.get(reverse("outcomes:report", args=[report.pk])).content.decode()
    url = reverse("outcomes:update_opportunity", args=[report.pk, deal.pk])
    form = form_posting_to(page, url)
    # A list to choose from, not a hidden field (a confirmed introduction starts at CA$0).
    assert (
        f'<select name="value_1" aria-label="Value: currency" required '
        f'id="id_opportunity_{deal.pk}_value_1"><option value="CAD" selected>CAD</option>'
    ) in form
    sent = the_update_as_drawn(deal, value_0="240000", value_1="EUR")
    assert client.post(url, sent).status_code == 302
    assert updates() == [("Acme GmbH", Decimal("240000.00"), "EUR", Decimal("360000.00"))]


def test_the_dossier_prints_the_value_in_the_currency_the_report_gave(report, owner, manager, euro):
    deal = acme(report, owner)
    services.save_opportunity(report, by=owner, opportunity=deal, value=Money(240000, "EUR"))
    html, _parts = dossier_page("dossier_report.html", report.placement, "en", report=report)
    assert '<td class="num">€240,000.00</td><td class="num">CA$360,000.00</td>' in html
    html, _parts = dossier_page("dossier_report.html", report.placement, "fr", report=report)
    assert (
        f'<td class="num">240{NNBSP}000,00{NBSP}€</td>'
        f'<td class="num">360{NNBSP}000,00{NBSP}$CA</td>'
    ) in html


def test_the_migration_gives_an_update_its_opportunitys_currency_back_where_it_tells(
    reports, owner, euro
):
    end, later = reports["end-of-stay"], reports["3-months"]
    first = acme(end, owner, organisation="First")
    services.save_opportunity(end, by=owner, opportunity=first, value=Money(240000, "EUR"))
    second = acme(end, owner, organisation="Second")
    services.save_opportunity(end, by=owner, opportunity=second, value=Money(100, "EUR"))
    services.save_opportunity(later, by=owner, opportunity=second, value=Money(200, "EUR"))
    third = acme(end, owner, organisation="Third")
    services.save_opportunity(end, by=owner, opportunity=third, value=Money(500, "EUR"))
    services.save_opportunity(later, by=owner, opportunity=third, stage="negotiation")
    # As the defect left them: the end-of-stay report's updates kept the CAD of their first.
    OpportunityUpdate.objects.filter(report=end).update(value_currency="CAD")

    import_module("outcomes.migrations.0010_updates_keep_their_currency").repair(django_apps, None)
    assert updates() == [
        # The latest update: the opportunity holds what it said.
        ("First", Decimal("240000.00"), "EUR", Decimal("360000.00")),
        # Its amount changed since: what it said is lost, left as it is.
        ("Second", Decimal("100.00"), "CAD", Decimal("150.00")),
        ("Second", Decimal("200.00"), "EUR", Decimal("300.00")),
        # An earlier update, with the amount and converted value the opportunity has now.
        ("Third", Decimal("500.00"), "EUR", Decimal("750.00")),
        ("Third", Decimal("500.00"), "EUR", Decimal("750.00")),
    ]


# --- 2. The dossier's stipend history: which record, and in words ---------------------------


def test_the_dossier_money_history_names_each_record_and_says_its_statuses_in_french(
    report, owner, manager
):
    placement = report.placement
    award = awarded(placement, manager)
    claim = claim_with(award, owner, (Money(120, "CAD"), ExpenseCategory.TRAVEL, -5))
    advance, balance = award.tranches.order_by("position")
    html, parts = dossier_page("dossier_money.html", placement, "fr")
    assert [(row["about"], row["from"], row["to"]) for row in parts["money_events"]] == [
        ("award", "", "Proposé"),
        ("award", "Proposé", "Octroyé"),
        ("tranche", "", "En attente"),
        ("tranche", "En attente", "Exigible"),
        ("tranche", "", "En attente"),
        ("claim", "", "Brouillon"),
        ("claim", "Brouillon", "Brouillon"),
        ("claim", "Brouillon", "Soumise"),
    ]
    assert f"<td>Tranche{NBSP}: Avance</td><td>En attente → Exigible</td>" in html
    assert f"<td>Tranche{NBSP}: Solde</td><td>— → En attente</td>" in html
    assert f"<td>Demande {claim.pk}</td><td>Brouillon → Soumise</td>" in html
    assert "<td>Octroi d’allocation</td><td>— → Proposé</td>" in html
    assert "proposed" not in html and "draft" not in html


# --- 3. The cost and ROI handed on say what they leave out ----------------------------------


def test_the_program_report_says_which_payments_its_cost_leaves_out(payments, intake):
    without_a_rate_for_the_euro_payment()
    html, document = program_report(intake, "en")
    assert documents.shown_figures(document)["left_out"] == [
        LeftOut(Money(Decimal("500.50"), "EUR"), 1)
    ]
    assert (
        "The program cost, and so the return on investment, leaves out these payments, "
        "because no exchange rate is recorded for the day they were paid."
    ) in html
    assert "<li>€500.50, in 1 payment</li>" in html
    html, _document = program_report(intake, "fr")
    assert f"<li>500,50{NBSP}€, en 1 paiement</li>" in html


def test_a_report_that_leaves_nothing_out_says_nothing_and_keeps_its_digest(payments, intake):
    html, document = program_report(intake, "en")
    shown = documents.shown_figures(document)
    assert (shown["left_out"], 'id="cost-left-out"' in html) == ([], False)
    # The digest of a report that leaves nothing out is as it was kept before.
    assert documents.fingerprint(shown) == documents.fingerprint(shown | {"left_out": []})
    without_a_rate_for_the_euro_payment()
    assert documents.fingerprint(documents.shown_figures(document)) != documents.fingerprint(
        documents.shown_figures(document) | {"left_out": []}
    )


def test_the_figures_api_gives_the_payments_the_cost_leaves_out(payments, manager):
    client = client_for(manager, {"program": "all"})
    assert client.get("/api/v1/figures/").json()["cost_left_out"] == []
    without_a_rate_for_the_euro_payment()
    assert client.get("/api/v1/figures/").json()["cost_left_out"] == [
        {"amount": "500.50", "currency": "EUR", "payments": 1}
    ]


def pay_a_desk_invoice_in_pounds(intake, placement, manager):
    """A desk invoice in pounds, a currency the portal has no rate for, paid on day 0."""
    host = placement.host
    host.desk_cost_per_day = Money("25.00", "GBP")
    host.save()
    Intake.objects.filter(pk=intake.pk).update(desk_invoicing="per-placement")
    desk_invoices.generate_desk_invoices(Intake.objects.get(pk=intake.pk), today=day(1))
    invoice = placement.desk_invoices.get()
    desk_invoices.send_desk_invoice(invoice, by=manager)
    desk_invoices.confirm_desk_invoice(invoice, by=manager)
    desk_invoices.pay_desk_invoice(invoice, by=manager, paid_on=day(0), reference="D-1")


SAID = (
    "The program cost leaves out some payments, because no exchange rate is recorded yet for "
    "the day they were paid: the return on investment is higher than it will be once they "
    "are counted."
)


def test_the_public_pages_say_the_cost_is_incomplete_but_not_how_much(
    client, intake, manager, partner
):
    placements = eight_firms(intake, manager, partner)
    publishing.publish_results(intake, by=manager)
    for name in ("outcomes:results", "home"):
        assert SAID not in client.get(reverse(name)).content.decode()
    assert client.get("/api/v1/results/").json()["cost_incomplete"] is False

    pay_a_desk_invoice_in_pounds(intake, placements[0], manager)
    results = client.get(reverse("outcomes:results")).content.decode()
    assert f'<p class="alert alert--warning" id="cost-incomplete">{SAID}</p>' in results
    home = client.get(reverse("home")).content.decode()
    assert f'<p class="muted" id="cost-incomplete">{SAID}</p>' in home
    # Which payment, and how much, is not published: one payment is one firm's. (Read in the
    # page's content: a random CSRF token in the header may hold "GBP".)
    shown = results.split('id="main"')[1].split("</main>")[0]
    assert ("£" in shown, "GBP" in shown, "£" in home) == (False, False, False)
    assert client.get("/api/v1/results/").json()["cost_incomplete"] is True


# --- 4. The drill-down names the stage ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "row"),
    [
        ("en", '<td>O2</td><td>Germany</td><td>Won</td><td class="num">CA$2,000.00</td>'),
        (
            "fr",
            "<td>O2</td><td>Allemagne</td><td>Conclue</td>"
            f'<td class="num">2{NNBSP}000,00{NBSP}$CA</td>',
        ),
    ],
)
def test_the_deals_won_drill_down_shows_the_stage_in_words(program, client, manager, language, row):
    client.force_login(manager)
    for figure in ("won", "opportunities"):
        page = client.get(
            reverse("outcomes:figure_records", args=[figure]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert row in page
        assert "<td>won</td>" not in page and "<td>identified</td>" not in page


# --- 5. The public year chart when every year is hidden --------------------------------------


def test_the_public_year_chart_says_its_groups_are_hidden_not_that_nothing_is_verified(
    client, intake, manager, partner
):
    # Three stays ended this year, two still in residence (their year is not known): five
    # firms in Germany (shown), but both years describe fewer than five (hidden).
    eight_firms(intake, manager, partner, spread=[("DE", "Berlin Hub", 3)])
    host = factories.DeskOfferFactory(
        intake=intake, host__name="Berlin Annex", host__market__country="DE", desks=2
    ).host
    host.partner_staff.add(partner)
    for number in (1, 2):
        company = factories.CompanyFactory(name=f"Resident {number}", employees=4)
        offer = accepted_offer(intake, host, company, starts_on=day(-10), ends_on=day(40))
        placements_services.log_arrival(placed(offer, partner), by=partner, on=day(-10))
    publishing.publish_results(intake, by=manager)

    html = client.get(reverse("outcomes:results")).content.decode()
    section = html[html.index("Value identified, by the year the stays ended") :]
    section = section[: section.index('<h2 id="breakdown">')]
    assert "Nothing verified yet." not in section
    assert (
        '<p class="muted">Not drawn, to protect small groups of firms: '
        f"{day(0).year}, Not known</p>"
    ) in section
    assert '<ul class="bar-chart">' not in section


# --- 6. A French dossier: report files and notes in French -----------------------------------


def test_a_french_dossier_names_the_reports_by_their_kind_in_french(
    report, manager, django_capture_on_commit_callbacks
):
    document = built(
        DocumentKind.DOSSIER,
        manager,
        django_capture_on_commit_callbacks,
        program=None,
        placement=report.placement,
        language="fr",
    )
    with document.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        names = [name for name in archive.namelist() if name.startswith("06-")]
    dates = [r.due_on.isoformat() for r in report.placement.outcome_reports.order_by("due_on")]
    assert names == [
        f"06-rapports-sur-les-retombees/{dates[0]}-fin-du-sejour.pdf",
        f"06-rapports-sur-les-retombees/{dates[1]}-3-mois-apres.pdf",
        f"06-rapports-sur-les-retombees/{dates[2]}-6-mois-apres.pdf",
        f"06-rapports-sur-les-retombees/{dates[3]}-12-mois-apres.pdf",
    ]


def test_a_report_scheduled_in_english_reads_scheduled_in_french(report, owner, client):
    # The reports fixture scheduled them with English active.
    html, _parts = dossier_page("dossier_report.html", report.placement, "fr", report=report)
    assert "<td>— → À remettre</td><td>Planifié</td>" in html
    assert "Scheduled" not in html
    client.force_login(owner)
    page = client.get(
        reverse("outcomes:report", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert f"— → À remettre{NBSP}: Planifié</li>" in page


def test_the_migration_clears_the_stored_scheduled_notes_only(report, owner, manager):
    first = report.events.get()
    ReportEvent.objects.filter(pk=first.pk).update(note="Planifié")  # as it was stored
    services.move_due_date(report, by=manager, to=day(30), reason="Scheduled leave")
    import_module("outcomes.migrations.0011_scheduled_note_in_words").clear(django_apps, None)
    assert [(e.note, e.shown_note) for e in report.events.order_by("pk")] == [
        ("", "Scheduled"),
        ("Scheduled leave", "Scheduled leave"),
    ]


# --- 7. The program report's breakdowns fit the page, in both languages -----------------------


BREAKDOWN_HEADERS = {
    "en": ["Companies placed", "Markets entered", "Opportunities identified",
           "Value identified", "Deals won", "Jobs", "Follow-on investment", "Program cost",
           "ROI"],
    "fr": ["Entreprises accueillies", "Marchés abordés", "Occasions d’affaires repérées",
           "Valeur repérée", "Affaires conclues", "Emplois", "Investissements subséquents",
           "Coût du programme", "RCI"],
}  # fmt: skip


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) reads the PDF's text"
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_column_of_the_breakdowns_is_on_the_page(
    payments, intake, manager, language, tmp_path
):
    # Large sums make the columns as wide as a real program's.
    services.add_program_cost(
        intake, by=manager, description="Trade mission", amount=Money(9876543, "CAD"),
        on=day(-5),
    )  # fmt: skip
    html, _document = program_report(intake, language)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(documents.render_pdf(html))
    # pdftotext leaves out what is drawn outside the page: a cut column is missing.
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(text.split())
    by_market = words[words.index({"en": "By market", "fr": "Par marché"}[language]) :]
    by_market = by_market[: by_market.index({"en": "By sector", "fr": "Par secteur"}[language])]
    for header in BREAKDOWN_HEADERS[language]:
        assert header in by_market
    # Germany's row to its last column, the ROI (3,500 over its cost with half the mission).
    germany = {
        "en": "Germany 1 1 2 CA$3,500.00 1 2 CA$500.00 CA$4,941,772.25 0.0",
        # (The text's spaces made one: its no-break ones too.)
        "fr": "Allemagne 1 1 2 3 500,00 $CA 1 2 500,00 $CA 4 941 772,25 $CA 0,0",
    }[language]
    assert germany in by_market


# --- 8. Sums with separators and the currency ------------------------------------------------


def test_the_figures_page_writes_its_sums_as_money_in_french(program, client, manager):
    client.force_login(manager)
    page = client.get(
        reverse("outcomes:figures"), {"by": "market"}, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    cad = f"{NBSP}$CA"
    assert f'<td class="num">3 · 3{NNBSP}500,00{cad}</td>' in page  # opportunities
    assert f'<td class="num">1{NNBSP}500,00{cad}</td>' in page  # the cost
    assert f'<strong class="bar-chart__value">3{NNBSP}500,00{cad}</strong>' in page
    assert (
        f'<td class="num">3{NNBSP}500,00{cad}</td><td class="num">2{NNBSP}000,00{cad}</td>' in page
    )
    assert "3500,00" not in page


def test_the_program_reports_breakdowns_write_their_sums_as_money(program, intake):
    html, _document = program_report(intake, "en")
    breakdowns = html[html.index('<section class="breakdowns">') :]
    assert '<td class="num">CA$3,500.00</td>' in breakdowns
    assert '<td class="num">CA$750.00</td>' in breakdowns
    assert ">3500.00<" not in html


# --- 9. The year chart: a legend, and labels that stay small ---------------------------------


def test_the_year_chart_has_a_legend_and_its_year_sized_to_read_at_any_width(
    program, client, manager
):
    client.force_login(manager)
    page = client.get(reverse("outcomes:figures")).content.decode()
    year = day(-2).year
    # 100 units drawn at most 480 px wide (the portal's svg rule shrinks it on a phone): a
    # type 3.6 units high, under the columns (their baseline at 50).
    assert '<svg class="column-chart" width="480" height="278" viewBox="0 0 100 58"' in page
    assert (
        '<text x="50.00" y="56" font-size="3.6" text-anchor="middle" fill="#1b1f24" '
        f'class="column-chart__label">{year}</text>'
    ) in page
    # The swatches in the columns' colours (the page's stylesheet, or these in the PDF).
    assert (
        '<rect class="bar-chart__bar" width="14" height="14" fill="#1f4e79"/></svg> '
        "Value identified</li>"
    ) in page
    assert (
        '<rect class="bar-chart__bar bar-chart__bar--alt" width="14" height="14" '
        'fill="#2f8f6b"/></svg> Value won</li>'
    ) in page
