"""The pages people use on the move, at a phone's width (390 x 844, an iPhone 12 to 15): none
scrolls sideways (a wide table scrolls inside its own box), filter bars leave the first
screen to the results, the host-fit form is laid out, and the current step of an
application is marked for the eye and for assistive technology."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from applications import services
from applications.enums import MemberRole
from programs.enums import StaffRole
from tests import factories
from tests.applications.conftest import run_now, shortlisted
from tests.browser.conftest import open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def phone(chromium_path, live_server, tmp_path):
    with open_page(chromium_path, live_server.url, tmp_path / "phone", viewport=PHONE) as page:
        yield page


@pytest.fixture
def desktop(chromium_path, live_server, tmp_path):
    with open_page(chromium_path, live_server.url, tmp_path / "desk", viewport=DESKTOP) as page:
        yield page


def open_at(page, user, url):
    """``url`` in the browser, signed in as ``user`` (logging in is another test's journey)."""
    page.goto("/")  # the site's origin, for the cookie
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": page.url}])
    page.goto(url)
    page.locator("main h1").wait_for()


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.fixture
def world():
    """A closed intake whose selection ran (four shortlisted firms with long names), its
    manager, a partner of its first host and a firm's owner with a draft in another intake."""
    closed = timezone.now() - datetime.timedelta(days=2)
    intake = factories.IntakeFactory(
        title="Spring outbound intake to Brazil and Germany",
        opens_at=closed - datetime.timedelta(days=30),
        closes_at=closed,
        stipend_budget=Money(10000, "CAD"),
    )
    manager = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    hosts = [
        factories.DeskOfferFactory(intake=intake, host__name=name, desks=1).host
        for name in ["Alpha Innovation Hub São Paulo", "Beta Gründerzentrum Berlin-Mitte"]
    ]
    for name, score in [("Ada", 90), ("Bo", 80), ("Cy", 70), ("Di", 40)]:
        shortlisted(intake, f"{name} Engineering and Analytics Incorporated", score, hosts)
    partner = factories.UserFactory()
    hosts[0].partner_staff.add(partner)
    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    open_intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=open_intake)
    draft = services.start_application(owner.company, open_intake, by=owner.user)
    return {"intake": intake, "manager": manager, "partner": partner, "owner": owner.user,
            "draft": draft}  # fmt: skip


def test_the_selection_run_page_fits_a_phone(phone, world):
    run = run_now(world["intake"], world["manager"], min_score=50, rank_penalty=0)
    open_at(phone, world["manager"], reverse("applications:selection_run", args=[run.pk]))
    phone.locator("#slate table").wait_for()
    assert page_width(phone) <= 390
    # The slate's table keeps its columns and scrolls inside its own box.
    scroller = phone.locator("#slate .table-scroll")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")


def test_the_managers_list_fits_a_phone_and_its_filters_leave_room_for_results(phone, world):
    url = reverse("applications:intake_applications", args=[world["intake"].pk])
    open_at(phone, world["manager"], url)
    assert page_width(phone) <= 390
    # Folded, the filter bar is one line; the first result shows on the first screen.
    assert box(phone, ".filter-bar")["height"] <= 60
    assert box(phone, "tbody tr")["y"] + 10 < PHONE["height"]
    phone.get_by_text("Filter applications").click()
    assert phone.get_by_label("Sort by").is_visible()
    assert page_width(phone) <= 390
    # With a filter set the bar stays open, and says so.
    open_at(phone, None, f"{url}?sector=it")
    assert phone.get_by_label("Sort by").is_visible()
    assert phone.locator(".filter-bar summary").inner_text() == "Filter applications (1 filter set)"


def test_on_a_desktop_the_managers_filters_are_a_compact_open_grid(desktop, world):
    url = reverse("applications:intake_applications", args=[world["intake"].pk])
    open_at(desktop, world["manager"], url)
    assert desktop.get_by_label("Sort by").is_visible()
    assert box(desktop, ".filter-bar")["height"] <= 200
    # Seven fields in two rows: Status and Eligibility side by side.
    assert box(desktop, "#id_status")["y"] == box(desktop, "#id_eligibility")["y"]


def test_the_host_directory_fits_a_phone_and_its_filters_leave_room(phone):
    for n in range(3):
        factories.HostIncubatorFactory(name=f"Incubadora Internacional de Negócios {n}")
    open_at(phone, None, reverse("programs:host_list"))
    assert page_width(phone) <= 390
    assert box(phone, ".filter-bar")["height"] <= 60
    assert box(phone, ".card-list .card")["y"] + 10 < PHONE["height"]


def test_the_host_fit_form_is_laid_out_on_a_phone(phone, world):
    open_at(phone, world["partner"], reverse("applications:host_fit_queue"))
    assert page_width(phone) <= 390
    form = phone.locator("#host-fit-queue form").first
    # Styled like the portal's other fields: a bordered select and text box, wide enough.
    for control in [form.locator("select"), form.locator("input[type=text]")]:
        assert control.evaluate("e => getComputedStyle(e).borderTopWidth") == "2px"
        assert control.bounding_box()["width"] >= 200
    assert form.locator("label").first.evaluate("e => getComputedStyle(e).fontWeight") == "600"


def test_the_current_step_of_an_application_is_marked(phone, world):
    draft = world["draft"]
    open_at(phone, world["owner"], reverse("applications:step", args=[draft.pk, "dates"]))
    assert page_width(phone) <= 390
    steps = phone.get_by_role("navigation", name="Application steps")
    current = steps.locator('[aria-current="step"]')
    assert current.count() == 1
    assert current.inner_text() == "Dates"
    other = steps.get_by_role("link", name="Objectives")

    def looks(link):
        return link.evaluate(
            "e => { const s = getComputedStyle(e);"
            " return [s.fontWeight, s.backgroundColor, s.color, s.borderBottomColor]; }"
        )

    assert looks(current) != looks(other)
    # The steps stay on the first screen, above the form.
    assert box(phone, "nav.steps")["height"] <= 160
