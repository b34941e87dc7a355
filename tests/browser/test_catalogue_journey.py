"""The intake and host catalogue in Chromium: a visitor browses it, a program manager fills it."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone, translation
from djmoney.money import Money
from playwright.sync_api import expect

from portal.dates import moment_text
from programs import services
from programs.enums import StaffRole
from programs.models import HostIncubator, Intake
from tests import factories
from tests.browser.conftest import open_page
from tests.passwords import strong_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = strong_password()
TORONTO = zoneinfo.ZoneInfo("America/Toronto")
KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")
SAO_PAULO = zoneinfo.ZoneInfo("America/Sao_Paulo")


@pytest.fixture
def page_in_kolkata(chromium_path, live_server, tmp_path):
    """A page for a visitor whose computer is set to India's time."""
    with open_page(chromium_path, live_server.url, tmp_path, timezone_id="Asia/Kolkata") as page:
        yield page


def wall_clock(zone, days_from_today, hour, minute=0):
    """A time of day some days from today, as the clocks in `zone` show it."""
    day = timezone.now().astimezone(zone).date() + datetime.timedelta(days=days_from_today)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def as_server_shows(moment, zone):
    """How the portal writes a moment in a zone (English): "12 December 2026, 17:00 EST"."""
    with translation.override("en"):
        return moment_text(moment, zone.key)


def as_browser_shows_in_kolkata(moment):
    """What local-time.js writes for a moment in India's time: "· your time: December 13,
    2026 at 3:30 AM GMT+5:30" (Chromium's Intl, long date, short time, short zone name;
    seconds or a comma instead of "at" are accepted, the rest must match)."""
    local = moment.astimezone(KOLKATA)
    hour = local.hour % 12 or 12
    noon = "AM" if local.hour < 12 else "PM"
    return re.compile(
        rf"^\s*· your time:\s+{local:%B} {local.day}, {local.year}(,| at)"
        rf"\s+{hour}:{local:%M}(:00)?\s+{noon}\s+GMT\+5:30\s*$"
    )


def as_typed(moment):
    """A datetime-local input's value: the wall-clock time, to the minute."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def fact(container, term):
    """The value of a term in a facts list (<dl>)."""
    return container.locator(f"div:has(> dt:text-is('{term}')) > dd")


def cells(row):
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def expect_deadline(value, moment, zone_name):
    """The moment in the intake's zone, then in the visitor's own time (filled by local-time.js)."""
    expect(value.locator(".deadline > time")).to_have_text(
        as_server_shows(moment, zoneinfo.ZoneInfo(zone_name))
    )
    local = value.locator(".local-time")
    expect(local).to_be_visible()
    expect(local).to_have_text(as_browser_shows_in_kolkata(moment))
    local_time = local.locator("time")
    # Chromium's ICU still names India's zone by its old identifier.
    expect(local_time).to_have_attribute("title", re.compile(r"^Asia/(Kolkata|Calcutta)$"))
    expect(local_time).to_have_attribute(
        "datetime", moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    )


def test_visitor_browses_intakes_hosts_and_markets(page_in_kolkata):
    page = page_in_kolkata
    brazil = services.create_market(country="BR")
    germany = services.create_market(country="DE")
    paulista = factories.HostIncubatorFactory(
        name="Paulista Innovation Hub", market=brazil, city="São Paulo"
    )
    paulista.sectors.add(factories.sector("it"))
    rio = factories.HostIncubatorFactory(
        name="Rio Finance Lab", market=brazil, city="Rio de Janeiro"
    )
    rio.sectors.add(factories.sector("finance"))
    berlin = factories.HostIncubatorFactory(
        name="Berlin Software Yard", market=germany, city="Berlin"
    )
    berlin.sectors.add(factories.sector("it"))

    manager = factories.UserFactory()
    program = factories.ProgramFactory(name="Soft Landing Program")
    opens = wall_clock(TORONTO, -5, 9)
    # 5 p.m. in Toronto is already the next day in India.
    closes = wall_clock(TORONTO, 20, 17)
    intake = services.create_intake(
        program,
        by=manager,
        title="Winter outbound intake",
        time_zone="America/Toronto",
        opens_at=opens,
        closes_at=closes,
        placement_starts_on=closes.date() + datetime.timedelta(days=30),
        placement_ends_on=closes.date() + datetime.timedelta(days=150),
        stipend_budget=Money(40000, "CAD"),
        min_employees=5,
    )
    factories.DeskOfferFactory(intake=intake, host=paulista, desks=2)
    factories.DeskOfferFactory(intake=intake, host=berlin, desks=3)
    services.publish_intake(intake, by=manager)
    draft = factories.IntakeFactory(program=program, title="Draft intake", published_at=None)
    factories.DeskOfferFactory(intake=draft, host=rio)

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Intakes").click()

    page.get_by_role("heading", name="Intakes open for applications").wait_for()
    main = page.get_by_role("main")
    assert main.get_by_role("heading", level=3).all_inner_texts() == ["Winter outbound intake"]
    card = page.locator(".card", has=page.get_by_role("heading", name="Winter outbound intake"))
    expect_deadline(fact(card, "Deadline"), closes, "America/Toronto")
    assert fact(card, "Stipend").inner_text() == "up to CA$4,000.00"
    expect(card.get_by_text("Hosts:")).to_have_text(
        "Hosts: Berlin Software Yard (Germany), Paulista Innovation Hub (Brazil)"
    )
    assert page.get_by_role("link", name="Draft intake").count() == 0

    card.get_by_role("link", name="Winter outbound intake").click()
    page.get_by_role("heading", name="Winter outbound intake", level=1).wait_for()
    assert page.url.endswith(f"/intakes/{intake.pk}/")
    terms = page.get_by_role("region", name="Terms")
    expect_deadline(fact(terms, "Applications open"), opens, "America/Toronto")
    expect_deadline(fact(terms, "Deadline"), closes, "America/Toronto")

    hosts_section = page.get_by_role("region", name="Host incubators and desks")
    hosts = hosts_section.get_by_role("row")
    assert [cells(row) for row in hosts.all()[1:]] == [
        ["Berlin Software Yard", "Berlin, Germany", "Information technology", "3"],
        ["Paulista Innovation Hub", "São Paulo, Brazil", "Information technology", "2"],
    ]
    rules = page.get_by_role("region", name="Who can apply").get_by_role("listitem")
    assert rules.all_inner_texts() == [
        "At least 5 employees",
        "A proven product or service: paying customers and revenue",
    ]
    rubric = page.get_by_role("region", name="How applications are scored").get_by_role("row")
    assert [cells(row)[:1] + cells(row)[2:] for row in rubric.all()[1:]] == [
        ["Potential market", "3", "1–5"],
        ["Proven product", "3", "1–5"],
        ["Export readiness", "2", "1–5"],
        ["Management capacity", "2", "1–5"],
        ["Host-market fit", "2", "1–5"],
    ]

    hosts_section.get_by_role("link", name="Brazil").click()
    page.get_by_role("heading", name="Brazil", exact=True, level=1).wait_for()
    market_hosts = page.get_by_role("region", name="Host incubators").get_by_role("listitem")
    assert market_hosts.all_inner_texts() == [
        "Paulista Innovation Hub São Paulo",
        "Rio Finance Lab Rio de Janeiro",
    ]

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Hosts").click()
    page.get_by_role("heading", name="Host incubators", level=1).wait_for()
    host_names = main.get_by_role("heading", level=2)
    assert host_names.all_inner_texts() == [
        "Rio Finance Lab",
        "Paulista Innovation Hub",
        "Berlin Software Yard",
    ]

    filters = page.get_by_role("search", name="Filter host incubators")
    filters.get_by_label("Market", exact=True).select_option(label="Brazil")
    filters.get_by_label("Sector", exact=True).select_option("it")
    filters.get_by_role("button", name="Filter").click()

    page.wait_for_url("**/hosts/?*")
    expect(main.get_by_text("1 host incubator", exact=True)).to_be_visible()
    assert host_names.all_inner_texts() == ["Paulista Innovation Hub"]
    assert main.locator(".card p").first.inner_text() == "São Paulo, Brazil · 4 desks"
    assert filters.get_by_label("Market", exact=True).input_value() == "BR"
    assert filters.get_by_label("Sector", exact=True).input_value() == "it"


def test_manager_sets_up_a_host_and_an_intake(page):
    services.ensure_sectors()
    services.create_market(country="BR")
    program = factories.ProgramFactory(name="Soft Landing Program")
    manager = factories.UserFactory(email="claire@program.example", password=PASSWORD)
    factories.ProgramStaffFactory(program=program, user=manager, role=StaffRole.MANAGER)

    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("claire@program.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Soft Landing Program").click()
    page.get_by_role("heading", name="Soft Landing Program", level=1).wait_for()
    assert page.url.endswith(f"/programs/{program.pk}/")

    # A host in Brazil.
    page.get_by_role("link", name="Host incubators", exact=True).click()
    page.get_by_role("link", name="New host").click()
    page.get_by_role("heading", name="New host").wait_for()
    assert page.url.endswith("/manage/hosts/new/")
    page.get_by_role("textbox", name="Name", exact=True).fill("Paulista Innovation Hub")
    page.get_by_role("combobox", name="Market", exact=True).select_option(label="Brazil")
    page.get_by_role("textbox", name="City", exact=True).fill("São Paulo")
    page.get_by_role("spinbutton", name="Desk capacity", exact=True).fill("3")
    cost = page.get_by_role("group", name="Desk cost per day")
    cost.get_by_role("spinbutton").fill("120")
    cost.get_by_role("combobox").select_option("BRL")
    page.get_by_role("group", name="Sectors served").get_by_label("Information technology").check()
    services_offered = page.get_by_role("group", name="Services offered")
    services_offered.get_by_label("Desk space").check()
    services_offered.get_by_label("Mentorship").check()
    page.get_by_role("button", name="Save").click()

    page.get_by_role("heading", name="Paulista Innovation Hub", level=1).wait_for()
    expect(page.get_by_role("status")).to_have_text("Paulista Innovation Hub is saved.")
    assert fact(page, "Desks for program firms").inner_text() == "3"
    assert fact(page, "Sectors served").inner_text() == "Information technology"
    assert page.locator("h2:text-is('Services offered') + ul > li").all_inner_texts() == [
        "Desk space",
        "Mentorship",
    ]
    host = HostIncubator.objects.get()
    assert page.url.endswith(f"/hosts/{host.pk}/")
    assert (host.market.country.code, host.city, host.desk_capacity) == ("BR", "São Paulo", 3)
    assert host.desk_cost_per_day == Money(120, "BRL")
    assert host.services == ["desk-space", "mentorship"]

    # An intake, first with its closing time before its opening time.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="Soft Landing Program").click()
    page.get_by_role("link", name="New intake").click()
    page.get_by_role("heading", name="New intake for Soft Landing Program").wait_for()
    assert page.url.endswith(f"/programs/{program.pk}/intakes/new/")

    opens = wall_clock(SAO_PAULO, 10, 9)
    closes = wall_clock(SAO_PAULO, 40, 17, 30)
    too_early = wall_clock(SAO_PAULO, 5, 17, 30)
    starts_on = closes.date() + datetime.timedelta(days=14)
    ends_on = starts_on + datetime.timedelta(days=120)
    page.get_by_role("textbox", name="Title", exact=True).fill("Brazil 2027 outbound intake")
    page.get_by_label("Outbound: firms from here to hosts abroad").check()
    page.get_by_label("Time zone of the intake").select_option("America/Sao_Paulo")
    page.get_by_label("Opens").fill(as_typed(opens))
    page.get_by_label("Closes").fill(as_typed(too_early))
    page.get_by_label("Earliest start of a stay").fill(starts_on.isoformat())
    page.get_by_label("Latest end of a stay").fill(ends_on.isoformat())
    page.get_by_role("group", name="Stipend cap per firm").get_by_role("spinbutton").fill("5000")
    budget = page.get_by_role("group", name="Stipend budget pool").get_by_role("spinbutton")
    budget.fill("50000")
    page.get_by_role("button", name="Save").click()

    error = page.locator("#id_closes_at_error")
    expect(error).to_have_text("Error: The intake must close after it opens.")
    assert page.locator(".field--error").count() == 1
    assert page.locator(".field--error #id_closes_at_error").count() == 1
    assert page.get_by_label("Closes").get_attribute("aria-invalid") == "true"
    assert (
        page.get_by_role("textbox", name="Title", exact=True).input_value()
        == "Brazil 2027 outbound intake"
    )
    assert page.get_by_label("Time zone of the intake").input_value() == "America/Sao_Paulo"
    assert page.get_by_label("Opens").input_value() == as_typed(opens)
    assert page.get_by_label("Closes").input_value() == as_typed(too_early)
    assert page.get_by_label("Earliest start of a stay").input_value() == starts_on.isoformat()
    assert budget.input_value() == "50000"
    assert not Intake.objects.exists()

    page.get_by_label("Closes").fill(as_typed(closes))
    page.get_by_role("button", name="Save").click()

    page.get_by_role("heading", name="Brazil 2027 outbound intake", level=1).wait_for()
    expect(page.get_by_role("status")).to_have_text(
        "The intake is created with the default rubric. Offer host desks, then publish it."
    )
    intake = Intake.objects.get()
    assert page.url.endswith(f"/manage/intakes/{intake.pk}/")
    assert (intake.time_zone, intake.opens_at, intake.closes_at) == (
        "America/Sao_Paulo",
        opens,
        closes,
    )
    terms = page.get_by_role("region", name="Terms")
    expect(fact(terms, "Opens").locator(".deadline > time")).to_have_text(
        as_server_shows(opens, SAO_PAULO)
    )
    expect(fact(terms, "Closes").locator(".deadline > time")).to_have_text(
        as_server_shows(closes, SAO_PAULO)
    )
    assert fact(terms, "Stipend cap").inner_text() == "CA$5,000.00"
    assert fact(terms, "Stipend budget pool").inner_text() == "CA$50,000.00"
    assert page.locator(".badge").inner_text() == "Not published"

    # Desks at the new host: more than it has first.
    desks_section = page.get_by_role("region", name="Host desks")
    assert desks_section.get_by_role("listitem").all_inner_texts() == ["No host offers desks yet."]
    desks_section.get_by_role("link", name="Edit").click()
    page.get_by_role("heading", name="Host desks for Brazil 2027 outbound intake").wait_for()
    first_row = page.get_by_role("group", name="Host 1")
    first_row.get_by_label("Host incubator").select_option(
        label="Paulista Innovation Hub (Brazil, 3)"
    )
    first_row.get_by_label("Desks").fill("5")
    page.get_by_role("button", name="Save").click()

    desks_error = page.locator("#id_desks-0-desks_error")
    expect(desks_error).to_have_text(
        "Error: Paulista Innovation Hub has 3 desks; 5 is more than it can give."
    )
    assert page.locator(".field--error").count() == 1
    first_row = page.get_by_role("group", name="Host 1")
    assert first_row.get_by_label("Desks").get_attribute("aria-invalid") == "true"
    assert first_row.get_by_label("Host incubator").input_value() == str(host.pk)
    assert first_row.get_by_label("Desks").input_value() == "5"
    first_row.get_by_label("Desks").fill("2")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("heading", name="Brazil 2027 outbound intake", level=1).wait_for()
    expect(page.get_by_role("status")).to_have_text("Desk offers are saved.")
    assert page.get_by_role("region", name="Host desks").get_by_role(
        "listitem"
    ).all_inner_texts() == ["Paulista Innovation Hub (Brazil): 2"]

    page.get_by_role("button", name="Publish the intake").click()
    expect(page.get_by_role("status")).to_have_text(
        "The intake is published on the public intake list."
    )
    assert page.locator(".badge").inner_text() == "Upcoming"
    assert page.get_by_role("button", name="Publish the intake").count() == 0

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Intakes").click()
    page.get_by_role("heading", name="Intakes open for applications").wait_for()
    main = page.get_by_role("main")
    assert main.get_by_text("No intake is open right now.").inner_text() == (
        "No intake is open right now. See the upcoming ones below."
    )
    assert main.get_by_role("heading", level=3).all_inner_texts() == ["Brazil 2027 outbound intake"]
    card = page.locator(
        ".card", has=page.get_by_role("heading", name="Brazil 2027 outbound intake")
    )
    expect(fact(card, "Opens").locator(".deadline > time")).to_have_text(
        as_server_shows(opens, SAO_PAULO)
    )
    expect(fact(card, "Deadline").locator(".deadline > time")).to_have_text(
        as_server_shows(closes, SAO_PAULO)
    )
    expect(card.get_by_text("Hosts:")).to_have_text("Hosts: Paulista Innovation Hub (Brazil)")
