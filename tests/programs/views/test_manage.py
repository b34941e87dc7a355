import datetime
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from programs import services
from programs.enums import StaffRole
from programs.models import ForeignMarket, HostIncubator, HostPartnerChange, Intake, IntakeChange
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return factories.ProgramFactory()


@pytest.fixture
def manager(client, program):
    user = factories.ProgramStaffFactory(program=program, role=StaffRole.MANAGER).user
    client.force_login(user)
    return user


def error_of(response, field):
    """The error text shown next to a field, found by the id the field template gives it."""
    html = response.content.decode()
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error next to {field}"
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


def test_catalogue_pages_need_a_log_in(client):
    response = client.get(reverse("programs:manage_markets"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_reviewer_cannot_set_up_the_catalogue(client, program):
    reviewer = factories.ProgramStaffFactory(program=program, role=StaffRole.REVIEWER).user
    client.force_login(reviewer)
    assert client.get(reverse("programs:manage_markets")).status_code == 403
    assert client.get(reverse("programs:host_create")).status_code == 403
    assert client.get(reverse("programs:intake_create", args=[program.pk])).status_code == 403


def test_a_manager_adds_a_market_that_joins_its_group(client, manager, bic_mint):
    response = client.post(
        reverse("programs:market_create"),
        {"country": "MX", "currency": "mxn", "time_zone": "America/Mexico_City"},
    )
    assert response.status_code == 302
    market = ForeignMarket.objects.get(country="MX")
    assert market.currency == "MXN"
    assert list(market.groups.all()) == [bic_mint]


def test_a_duplicate_market_is_refused_next_to_the_field(client, manager):
    services.create_market(country="DE")
    response = client.post(reverse("programs:market_create"), {"country": "DE"})
    assert response.status_code == 400
    assert "This country is already a market" in error_of(response, "country")
    assert ForeignMarket.objects.count() == 1


def test_a_manager_adds_a_host_with_sectors_services_and_partners(client, manager):
    market = services.create_market(country="IN")
    partner = factories.UserFactory(email="Priya@Bandra.example")
    response = client.post(
        reverse("programs:host_create"),
        {
            "name": "Bandra Business Incubator",
            "market": market.pk,
            "city": "Mumbai",
            "website": "bandra.example",
            "sectors": [factories.sector("finance").pk, factories.sector("it").pk],
            "services": ["desk-space", "mentorship"],
            "desk_capacity": "6",
            "desk_cost_per_day_0": "30.00",
            "desk_cost_per_day_1": "CAD",
            "partnership": "active",
            "partner_emails": "priya@bandra.example",
        },
    )
    assert response.status_code == 302, response.content.decode()
    host = HostIncubator.objects.get()
    assert host.website == "https://bandra.example"
    assert host.desk_cost_per_day == Money(30, "CAD")
    assert host.services == ["desk-space", "mentorship"]
    assert sorted(s.code for s in host.sectors.all()) == ["finance", "it"]
    assert list(host.partner_staff.all()) == [partner]


def test_impossible_host_data_is_refused_next_to_each_field(client, manager):
    market = services.create_market(country="IN")
    response = client.post(
        reverse("programs:host_create"),
        {
            "name": "Bandra",
            "market": market.pk,
            "city": "Mumbai",
            "desk_capacity": "0",
            "desk_cost_per_day_0": "-5",
            "desk_cost_per_day_1": "CAD",
            "partnership": "active",
            "partner_emails": "nobody@example.org",
        },
    )
    assert response.status_code == 400
    assert "greater than or equal to 1" in error_of(response, "desk_capacity")
    assert "greater than or equal to" in error_of(response, "desk_cost_per_day")
    assert "No account uses nobody@example.org" in error_of(response, "partner_emails")
    assert HostIncubator.objects.count() == 0


def intake_post(**overrides):
    data = {
        "title": "Spring 2031 outbound",
        "direction": "outbound",
        "time_zone": "Asia/Kolkata",
        "opens_at": "2031-01-10T09:00",
        "closes_at": "2031-02-10T17:00",
        "placement_starts_on": "2031-04-01",
        "placement_ends_on": "2031-09-30",
        "max_stay_days": "90",
        "max_host_preferences": "3",
        "stipend_cap_0": "4000",
        "stipend_cap_1": "CAD",
        "stipend_budget_0": "80000",
        "stipend_budget_1": "CAD",
        "desk_invoicing": "monthly",
    }
    return data | overrides


def test_a_manager_creates_an_intake_with_times_in_its_own_zone(client, manager, program):
    response = client.post(reverse("programs:intake_create", args=[program.pk]), intake_post())
    intake = Intake.objects.get()
    assert response.url == reverse("programs:manage_intake", args=[intake.pk])
    kolkata = zoneinfo.ZoneInfo("Asia/Kolkata")
    assert intake.closes_at == datetime.datetime(2031, 2, 10, 17, 0, tzinfo=kolkata)
    assert intake.closes_at == datetime.datetime(2031, 2, 10, 11, 30, tzinfo=datetime.UTC)
    assert intake.stipend_budget == Money(80000, "CAD")
    assert intake.criteria.count() == 5
    assert intake.published_at is None


def test_the_intake_chooses_how_host_desks_are_invoiced(client, manager, program):
    client.post(
        reverse("programs:intake_create", args=[program.pk]),
        intake_post(desk_invoicing="per-placement"),
    )
    assert Intake.objects.get().desk_invoicing == "per-placement"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"closes_at": "2031-01-09T09:00"}, "closes_at", "must close after it opens"),
        ({"placement_starts_on": "2031-02-01"}, "placement_starts_on", "only after the intake"),
        ({"placement_ends_on": "2031-03-01"}, "placement_ends_on", "must end after it starts"),
        ({"max_stay_days": "400"}, "max_stay_days", "The window is 183 days long"),
        ({"stipend_cap_0": "-1"}, "stipend_cap", "must be more than zero"),
        ({"stipend_budget_0": "1000"}, "stipend_budget", "cannot fund even one stipend"),
        ({"stipend_budget_1": "EUR"}, "stipend_budget", "same currency as the stipend cap"),
        ({"opens_at": "not a time"}, "opens_at", "Enter a valid date/time"),
        # The placements board draws every day of the window: 9999 was a server error there.
        ({"placement_ends_on": "9999-12-31"}, "placement_ends_on", "before the year 2100"),
        ({"placement_ends_on": "2099-12-31"}, "placement_ends_on", "at most 1096 days long"),
    ],
)
def test_impossible_intake_data_is_refused_next_to_the_field(
    client, manager, program, overrides, field, message
):
    response = client.post(
        reverse("programs:intake_create", args=[program.pk]), intake_post(**overrides)
    )
    assert response.status_code == 400
    assert message in error_of(response, field)
    assert Intake.objects.count() == 0
    # What was typed stays in the form.
    assert 'value="Spring 2031 outbound"' in response.content.decode()


def test_desks_above_capacity_are_refused_next_to_the_desks(client, manager, program):
    intake = factories.IntakeFactory(program=program)
    host = factories.HostIncubatorFactory(desk_capacity=2)
    data = {
        "desks-TOTAL_FORMS": "1",
        "desks-INITIAL_FORMS": "0",
        "desks-0-host": host.pk,
        "desks-0-desks": "3",
    }
    response = client.post(reverse("programs:intake_desks", args=[intake.pk]), data)
    assert response.status_code == 400
    assert "2 desks; 3 is more than it can give" in error_of(response, "desks-0-desks")
    # The intake has opened: a change of its desks says why, and is recorded.
    data |= {"desks-0-desks": "2", "confirm-reason": "Two desks free.", "confirm-confirm": "on"}
    response = client.post(reverse("programs:intake_desks", args=[intake.pk]), data)
    assert response.status_code == 302
    assert list(intake.desk_offers.values_list("host", "desks")) == [(host.pk, 2)]


def test_the_same_host_twice_is_refused(client, manager, program):
    intake = factories.IntakeFactory(program=program)
    host = factories.HostIncubatorFactory(desk_capacity=4)
    data = {
        "desks-TOTAL_FORMS": "2",
        "desks-INITIAL_FORMS": "0",
        "desks-0-host": host.pk,
        "desks-0-desks": "1",
        "desks-1-host": host.pk,
        "desks-1-desks": "1",
    }
    response = client.post(reverse("programs:intake_desks", args=[intake.pk]), data)
    assert "already listed above" in error_of(response, "desks-1-host")


def eligibility_post(**overrides):
    return {"min_employees": "20", "proven_product_required": "on"} | overrides


def test_eligibility_of_an_open_intake_needs_confirmation_and_is_recorded(client, manager, program):
    intake = factories.IntakeFactory(program=program, min_employees=5)
    url = reverse("programs:intake_eligibility", args=[intake.pk])
    response = client.post(url, eligibility_post())
    assert response.status_code == 400
    assert "Confirm the change" in error_of(response, "confirm-confirm")
    assert "This field is required" in error_of(response, "confirm-reason")
    intake.refresh_from_db()
    assert intake.min_employees == 5

    response = client.post(
        url,
        eligibility_post(
            **{"confirm-reason": "Aligning with the funder.", "confirm-confirm": "on"}
        ),
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.min_employees == 20
    change = IntakeChange.objects.get()
    assert change.reason == "Aligning with the funder."
    overview = client.get(reverse("programs:manage_intake", args=[intake.pk]))
    assert "Aligning with the funder." in overview.content.decode()


def test_eligibility_before_opening_needs_no_confirmation(client, manager, program):
    intake = factories.IntakeFactory(
        program=program,
        published_at=None,
        opens_at=timezone.now() + datetime.timedelta(days=3),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    response = client.post(
        reverse("programs:intake_eligibility", args=[intake.pk]), eligibility_post()
    )
    assert response.status_code == 302
    assert IntakeChange.objects.count() == 0


def test_a_rubric_weight_must_be_positive(client, manager, program):
    intake = factories.IntakeFactory(program=program, published_at=None)
    data = {
        "rubric-TOTAL_FORMS": "1",
        "rubric-INITIAL_FORMS": "0",
        "rubric-0-name": "Potential market",
        "rubric-0-weight": "0",
        "rubric-0-scale_max": "5",
    }
    response = client.post(reverse("programs:intake_rubric", args=[intake.pk]), data)
    assert "Weights must be positive" in error_of(response, "rubric-0-weight")


def test_a_rubric_already_scored_is_refused_on_the_page_not_with_a_server_error(
    client, manager, program
):
    review = factories.ReviewFactory(application__intake__program=program)
    intake = review.application.intake
    criterion = factories.RubricCriterionFactory(intake=intake, name="Potential market")
    review.scores.create(criterion=criterion, value=4)
    data = {
        "rubric-TOTAL_FORMS": "1",
        "rubric-INITIAL_FORMS": "1",
        "rubric-0-name": "Market potential",
        "rubric-0-weight": "2",
        "rubric-0-scale_max": "5",
        "confirm-reason": "Clearer name.",
        "confirm-confirm": "on",
    }
    response = client.post(reverse("programs:intake_rubric", args=[intake.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    refusal = html.split('id="rubric_error"', 1)[1].split("</ul>", 1)[0]
    assert "Reviewers have scored against this rubric; it can no longer change." in refusal
    assert 'value="Market potential"' in html  # what was typed stays
    assert list(intake.criteria.values_list("name", flat=True)) == ["Potential market"]
    assert IntakeChange.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"max_stay_days": "400", "placement_ends_on": "2033-09-30"}, "max_stay_days",
         "less than or equal to 365"),
        ({"max_stay_days": str(10**25)}, "max_stay_days", "a stay cannot be longer"),
        ({"max_host_preferences": str(10**25)}, "max_host_preferences", "less than or equal to"),
        ({"stipend_cap_0": str(10**25)}, "stipend_cap", "no more than 14 digits"),
    ],
)  # fmt: skip
def test_intake_numbers_past_their_bounds_are_refused_next_to_the_field(
    client, manager, program, overrides, field, message
):
    response = client.post(
        reverse("programs:intake_create", args=[program.pk]), intake_post(**overrides)
    )
    assert response.status_code == 400
    assert message in error_of(response, field)


def test_host_and_desk_numbers_past_their_bounds_are_refused_next_to_the_field(
    client, manager, program
):
    market = services.create_market(country="IN")
    response = client.post(
        reverse("programs:host_create"),
        {"name": "Bandra", "market": market.pk, "city": "Mumbai", "partnership": "active",
         "desk_capacity": str(10**25), "desk_cost_per_day_0": "10", "desk_cost_per_day_1": "CAD"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "less than or equal to 500" in error_of(response, "desk_capacity")
    intake = factories.IntakeFactory(program=program)
    host = factories.HostIncubatorFactory()
    response = client.post(
        reverse("programs:intake_desks", args=[intake.pk]),
        {"desks-TOTAL_FORMS": "1", "desks-INITIAL_FORMS": "0",
         "desks-0-host": str(10**25), "desks-1-host": host.pk, "desks-0-desks": str(10**25)},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Select a valid choice" in error_of(response, "desks-0-host")
    assert "less than or equal to 500" in error_of(response, "desks-0-desks")


def test_publishing_puts_the_intake_on_the_public_list(client, manager, program):
    intake = factories.IntakeFactory(program=program, published_at=None)
    url = reverse("programs:intake_publish", args=[intake.pk])
    client.post(url)
    intake.refresh_from_db()
    assert intake.published_at is None  # no desks, no rubric yet
    factories.DeskOfferFactory(intake=intake)
    factories.RubricCriterionFactory(intake=intake)
    client.post(url)
    intake.refresh_from_db()
    assert intake.published_at is not None
    listed = client.get(reverse("programs:intake_list")).context["open_intakes"]
    assert intake.pk in [row.pk for row in listed]


def test_another_programs_intake_is_a_404(client, manager):
    other = factories.IntakeFactory()
    for name in ["manage_intake", "intake_edit", "intake_desks", "intake_eligibility"]:
        assert client.get(reverse(f"programs:{name}", args=[other.pk])).status_code == 404


def test_a_reviewer_sees_the_intake_but_cannot_change_it(client, program):
    intake = factories.IntakeFactory(program=program)
    reviewer = factories.ProgramStaffFactory(program=program, role=StaffRole.REVIEWER).user
    client.force_login(reviewer)
    page = client.get(reverse("programs:manage_intake", args=[intake.pk]))
    assert page.status_code == 200
    # No links to the manager's pages of the intake, which would answer 404.
    for name in ["intake_applications", "review_dashboard", "selection"]:
        url = reverse(f"applications:{name}", args=[intake.pk])
        assert f'href="{url}"' not in page.content.decode()
        assert client.get(url).status_code == 404
    ledger = reverse("money:ledger", args=[intake.pk])
    assert f'href="{ledger}"' not in page.content.decode()
    assert client.get(ledger).status_code == 404
    assert client.get(reverse("programs:intake_edit", args=[intake.pk])).status_code == 403
    assert client.post(reverse("programs:intake_publish", args=[intake.pk])).status_code == 403


def test_a_manager_adds_a_reviewer_to_one_intake(client, manager, program):
    intake = factories.IntakeFactory(program=program)
    panelist = factories.UserFactory(email="panel@example.org")
    url = reverse("programs:manage_intake_staff", args=[intake.pk])
    response = client.post(url, {"email": "PANEL@example.org", "role": "reviewer"})
    assert response.status_code == 302
    assert panelist.has_perm("programs.view_intake", intake)
    assert not panelist.has_perm(
        "programs.view_intake", factories.IntakeFactory(program=program, published_at=None)
    )
    response = client.post(url, {"email": "ghost@example.org", "role": "reviewer"})
    assert "No account uses this email" in error_of(response, "email")


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_manager_lists_run_the_same_queries_for_2_and_50_rows(client, manager, program):
    urls = [
        reverse("programs:manage_markets"),
        reverse("programs:manage_hosts"),
        reverse("programs:program_detail", args=[program.pk]),
    ]
    codes = iter(["BR", "DE", "IN", "SA", "AE", "MX", "ID", "NG", "TR", "CN", "FR", "GB", "US",
                  "JP", "KR", "AU", "NZ", "CL", "CO", "PE", "AR", "ZA", "KE", "EG", "MA", "SN",
                  "GH", "VN", "TH", "MY", "SG", "PH", "IT", "ES", "PT", "NL", "BE", "SE", "NO",
                  "DK", "FI", "PL", "CZ", "AT", "CH", "IE", "IL", "QA", "KW", "OM"])  # fmt: skip

    other_intake = factories.IntakeFactory()

    def add_rows(count):
        for number in range(count):
            market = services.create_market(country=next(codes))
            host = factories.HostIncubatorFactory(market=market)
            host.sectors.add(factories.sector("it"))
            host.partner_staff.add(factories.UserFactory())
            intake = factories.IntakeFactory(program=program)
            factories.DeskOfferFactory(intake=intake, host=host)
            if number % 2:
                # Shared with another program: the row says so instead of offering Edit.
                factories.DeskOfferFactory(intake=other_intake, host=host)
                intake.markets.add(market)

    add_rows(2)
    few = [queries_of(client, url) for url in urls]
    add_rows(48)
    assert [queries_of(client, url) for url in urls] == few
    assert len(client.get(urls[2]).context["intakes"]) == 50


def test_capacity_cannot_drop_below_desks_an_intake_counts_on(client, manager, program):
    offer = factories.DeskOfferFactory(desks=3, host__desk_capacity=4, intake__program=program)
    host = offer.host
    response = client.post(
        reverse("programs:host_edit", args=[host.pk]),
        {
            "name": host.name,
            "market": host.market.pk,
            "city": host.city,
            "desk_capacity": "2",
            "desk_cost_per_day_0": "50",
            "desk_cost_per_day_1": "CAD",
            "partnership": "active",
        },
    )
    assert "still counts on 3 desks" in error_of(response, "desk_capacity")
    host.refresh_from_db()
    assert host.desk_capacity == 4


def test_an_earlier_close_of_an_open_intake_shows_the_drafts_it_cuts_short_and_is_recorded(
    client, manager, program, django_capture_on_commit_callbacks
):
    from django.core import mail

    intake = factories.IntakeFactory(
        program=program,
        time_zone="Asia/Kolkata",
        opens_at=timezone.now() - datetime.timedelta(days=5),
        closes_at=datetime.datetime(2031, 2, 10, 11, 30, tzinfo=datetime.UTC),  # 17:00 IST
        placement_starts_on=datetime.date(2031, 4, 1),
        placement_ends_on=datetime.date(2031, 9, 30),
    )
    company = factories.CompanyFactory(name="Ada")
    factories.CompanyMemberFactory(company=company, user__email="owner@ada.example")
    factories.ApplicationFactory(company=company, intake=intake)
    url = reverse("programs:intake_edit", args=[intake.pk])
    opens = timezone.localtime(intake.opens_at, intake.zone).strftime("%Y-%m-%dT%H:%M")
    earlier = intake_post(title=intake.title, opens_at=opens, closes_at="2031-02-01T17:00")

    # No reason: refused next to the reason, nothing changes.
    response = client.post(url, earlier)
    assert "This field is required" in error_of(response, "confirm-reason")
    confirmed = earlier | {"confirm-reason": "The funder moved the board.", "confirm-confirm": "on"}
    response = client.post(url, confirmed)
    assert response.status_code == 400
    warning = response.content.decode()
    assert "1 draft has less time to be submitted. Its owners will be told by email." in warning
    assert '<input type="checkbox" name="drafts" value="1">' in warning
    intake.refresh_from_db()
    assert intake.closes_at == datetime.datetime(2031, 2, 10, 11, 30, tzinfo=datetime.UTC)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, confirmed | {"drafts": "1"})
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.closes_at == datetime.datetime(2031, 2, 1, 11, 30, tzinfo=datetime.UTC)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["owner@ada.example"], f"The deadline is earlier: {intake.title}")
    ]
    overview = client.get(reverse("programs:manage_intake", args=[intake.pk])).content.decode()
    assert "The funder moved the board." in overview
    assert "Closes: 10 February 2031, 17:00 IST → 1 February 2031, 17:00 IST" in overview


def test_a_review_settings_change_shows_what_changed_in_the_history(client, manager, program):
    from programs import services

    intake = factories.IntakeFactory(program=program)
    services.update_review_settings(intake, by=manager, calibrate_scores=True)
    overview = client.get(reverse("programs:manage_intake", args=[intake.pk])).content.decode()
    assert "<strong>Review settings</strong>" in overview
    assert "Calibrate reviewers: no → yes" in overview


def host_fields(host, **overrides):
    return {
        "name": host.name,
        "market": host.market.pk,
        "city": host.city,
        "desk_capacity": str(host.desk_capacity),
        "desk_cost_per_day_0": "50",
        "desk_cost_per_day_1": "CAD",
        "partnership": "active",
        **overrides,
    }


def test_a_manager_cannot_take_over_a_host_another_program_uses(client, manager):
    partner = factories.UserFactory(email="partner@spree.example")
    host = factories.DeskOfferFactory().host  # an intake of another program offers desks here
    host.partner_staff.add(partner)
    url = reverse("programs:host_edit", args=[host.pk])

    assert client.get(url).status_code == 403
    response = client.post(url, host_fields(host, partner_emails=manager.email))

    assert response.status_code == 403
    assert list(host.partner_staff.all()) == [partner]
    assert HostPartnerChange.objects.count() == 0
    assert (
        reverse("programs:host_edit", args=[host.pk])
        not in client.get(reverse("programs:host_detail", args=[host.pk])).content.decode()
    )


def test_a_manager_cannot_rewrite_a_market_another_program_uses(client, manager):
    market = services.create_market(country="BR", summary="Written by the other program.")
    factories.IntakeFactory().markets.add(market)
    url = reverse("programs:market_edit", args=["BR"])

    assert client.get(url).status_code == 403
    assert client.post(url, {"country": "BR", "summary": "Mine now."}).status_code == 403
    market.refresh_from_db()
    assert market.summary == "Written by the other program."


def test_the_director_changes_partner_staff_of_a_shared_host(client, program):
    director = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(director)
    host = factories.DeskOfferFactory(intake__program=program).host
    factories.DeskOfferFactory(host=host)
    partner = factories.UserFactory(email="anna@spree.example")

    response = client.post(
        reverse("programs:host_edit", args=[host.pk]),
        host_fields(host, partner_emails="anna@spree.example"),
    )

    assert response.status_code == 302
    assert list(host.partner_staff.all()) == [partner]
    assert HostPartnerChange.objects.get().changed_by == director


def test_partner_changes_of_a_programs_own_host_are_recorded_and_shown(
    client, manager, program, django_capture_on_commit_callbacks
):
    host = factories.DeskOfferFactory(intake__program=program).host
    old = factories.UserFactory(email="old@spree.example")
    host.partner_staff.add(old)
    new = factories.UserFactory(email="new@spree.example")
    url = reverse("programs:host_edit", args=[host.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, host_fields(host, partner_emails="new@spree.example"))

    assert response.status_code == 302
    assert list(host.partner_staff.all()) == [new]
    change = HostPartnerChange.objects.get()
    assert (change.host, change.changed_by) == (host, manager)
    assert (change.before, change.after) == (["old@spree.example"], ["new@spree.example"])
    assert sorted(m.to[0] for m in mail.outbox) == ["new@spree.example", "old@spree.example"]
    html = client.get(url).content.decode()
    assert "Changes of partner staff" in html
    assert f"<td>{manager.email}</td><td>old@spree.example</td><td>new@spree.example</td>" in html


def test_the_host_list_offers_edit_only_for_hosts_the_manager_may_change(client, manager, program):
    own = factories.DeskOfferFactory(intake__program=program).host
    unused = factories.HostIncubatorFactory()
    shared = factories.DeskOfferFactory(intake__program=program).host
    factories.DeskOfferFactory(host=shared)

    html = client.get(reverse("programs:manage_hosts")).content.decode()

    assert reverse("programs:host_edit", args=[own.pk]) in html
    assert reverse("programs:host_edit", args=[unused.pk]) in html
    assert reverse("programs:host_edit", args=[shared.pk]) not in html
    assert html.count("Shared with other programs: the director changes it") == 1


@pytest.mark.parametrize(("sent", "kept"), [("", 7), ("14", 14)])
def test_the_check_in_cadence_is_weekly_unless_the_manager_sets_it(
    client, manager, program, sent, kept
):
    client.post(
        reverse("programs:intake_create", args=[program.pk]),
        intake_post(check_in_every_days=sent),
    )

    assert Intake.objects.get().check_in_every_days == kept
