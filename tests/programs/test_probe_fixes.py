"""Defects a tester found in programs (their numbers in the names of the sections), each kept
fixed: the desk offers follow the intake's direction and the host's market, times read and
kept as typed, odd input refused next to its field, links that open, sums in the reader's
language."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from programs import services
from programs.enums import Direction, IntakeChangeKind, PartnershipStatus, StaffRole
from programs.models import DeskOffer, Intake, IntakeChange
from tests import factories

pytestmark = pytest.mark.django_db

HUGE_ID = "99999999999999999999999"  # past any 64-bit integer


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


def local(moment, intake):
    return timezone.localtime(moment, intake.zone).strftime("%Y-%m-%dT%H:%M")


def terms_post(intake, **overrides):
    """The terms page sent back as drawn for ``intake`` (times to the minute, as a
    datetime-local input sends them)."""
    data = {
        "title": intake.title,
        "direction": intake.direction,
        "time_zone": intake.time_zone,
        "opens_at": local(intake.opens_at, intake),
        "closes_at": local(intake.closes_at, intake),
        "placement_starts_on": intake.placement_starts_on.isoformat(),
        "placement_ends_on": intake.placement_ends_on.isoformat(),
        "max_stay_days": str(intake.max_stay_days),
        "max_host_preferences": str(intake.max_host_preferences),
        "stipend_cap_0": str(intake.stipend_cap.amount),
        "stipend_cap_1": str(intake.stipend_cap.currency),
        "stipend_budget_0": str(intake.stipend_budget.amount),
        "stipend_budget_1": str(intake.stipend_budget.currency),
        "desk_invoicing": intake.desk_invoicing,
    }
    return data | overrides


def new_intake_post(**overrides):
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


def host_post(host, **overrides):
    data = {
        "name": host.name,
        "market": host.market.pk,
        "city": host.city,
        "desk_capacity": str(host.desk_capacity),
        "desk_cost_per_day_0": "50",
        "desk_cost_per_day_1": "CAD",
        "partnership": host.partnership,
    }
    return data | overrides


REVIEW_SETTINGS_POST = {
    "reviewers_per_application": "2",
    "initial-reviewers_per_application": "2",
    "reviews_due_at": "",
    "initial-reviews_due_at": "",
    "blind_until_reviewed": "on",
    "initial-blind_until_reviewed": "True",
    "score_aggregate": "mean",
    "initial-score_aggregate": "mean",
    "disagreement_points": "25",
    "initial-disagreement_points": "25",
    "offer_response_days": "14",
    "initial-offer_response_days": "14",
    "initial-calibrate_scores": "False",
}


# 1. An intake's direction and its desk offers


@pytest.fixture
def unopened_outbound(program):
    """An unpublished outbound intake offering 2 desks at a host in Germany."""
    intake = factories.IntakeFactory(program=program, published_at=None)
    host = factories.HostIncubatorFactory(
        name="Berlin Hub", market=factories.ForeignMarketFactory(country="DE")
    )
    services.set_desk_offers(intake, offers=[(host, 2)])
    return intake


def test_turning_an_intake_inbound_with_desks_abroad_is_refused_next_to_direction(
    client, manager, unopened_outbound
):
    intake = unopened_outbound
    response = client.post(
        reverse("programs:intake_edit", args=[intake.pk]), terms_post(intake, direction="inbound")
    )
    assert response.status_code == 400
    assert "Berlin Hub is abroad; an inbound intake places firms at home." in error_of(
        response, "direction"
    )
    intake.refresh_from_db()
    assert intake.direction == Direction.OUTBOUND


def test_the_terms_service_refuses_a_direction_its_desk_offers_do_not_match(
    manager, unopened_outbound
):
    with pytest.raises(ValidationError) as refused:
        services.update_intake(
            unopened_outbound, by=manager, markets=[], sectors=[], direction=Direction.INBOUND
        )
    assert refused.value.message_dict == {
        "direction": ["Berlin Hub is abroad; an inbound intake places firms at home."]
    }
    assert Intake.objects.get(pk=unopened_outbound.pk).direction == Direction.OUTBOUND


def test_an_intake_with_no_desk_offers_may_change_direction(client, manager, program):
    intake = factories.IntakeFactory(program=program, published_at=None)
    response = client.post(
        reverse("programs:intake_edit", args=[intake.pk]), terms_post(intake, direction="inbound")
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.direction == Direction.INBOUND


# 2. A host's market and the intakes offering desks there

MOVED_HOME = (
    "1 outbound intake offers desks here: Spring outbound. It places firms abroad: remove "
    "its desk offer before moving the host home."
)


@pytest.fixture
def host_abroad(program):
    """A host in Germany where an open outbound intake offers 2 desks."""
    intake = factories.IntakeFactory(program=program, title="Spring outbound")
    host = factories.HostIncubatorFactory(market=factories.ForeignMarketFactory(country="DE"))
    DeskOffer.objects.create(intake=intake, host=host, desks=2)
    return host


def test_moving_a_host_home_under_an_outbound_intake_is_refused_next_to_market(
    client, manager, host_abroad
):
    home = factories.ForeignMarketFactory(country=settings.PORTAL_HOME_COUNTRY)
    response = client.post(
        reverse("programs:host_edit", args=[host_abroad.pk]), host_post(host_abroad, market=home.pk)
    )
    assert response.status_code == 400
    assert MOVED_HOME in error_of(response, "market")
    host_abroad.refresh_from_db()
    assert host_abroad.market.country.code == "DE"


def test_the_host_service_refuses_a_move_home_under_an_outbound_intake(manager, host_abroad):
    host_abroad.market = factories.ForeignMarketFactory(country=settings.PORTAL_HOME_COUNTRY)
    with pytest.raises(ValidationError) as refused:
        services.save_host(host_abroad, sectors=[])
    assert refused.value.message_dict == {"market": [MOVED_HOME]}
    host_abroad.refresh_from_db()
    assert host_abroad.market.country.code == "DE"


def test_a_host_moves_home_once_only_archived_intakes_offer_desks_there(manager, host_abroad):
    Intake.objects.update(archived_at=timezone.now())
    home = factories.ForeignMarketFactory(country=settings.PORTAL_HOME_COUNTRY)
    host_abroad.market = home
    services.save_host(host_abroad, sectors=[])
    host_abroad.refresh_from_db()
    assert host_abroad.market == home


def test_a_host_moves_between_foreign_markets_under_an_outbound_intake(
    client, manager, host_abroad
):
    india = factories.ForeignMarketFactory(country="IN")
    response = client.post(
        reverse("programs:host_edit", args=[host_abroad.pk]),
        host_post(host_abroad, market=india.pk),
    )
    assert response.status_code == 302
    host_abroad.refresh_from_db()
    assert host_abroad.market == india


# 5. The public timeline, in the intake's time zone


def test_the_public_timeline_dates_the_deadline_in_the_intakes_zone(client):
    # 01:00 on 11 February in Tokyo is still 10 February in Toronto, the portal's zone.
    closes = datetime.datetime(
        2031, 2, 11, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9))
    )
    opens = datetime.datetime(2031, 1, 10, 23, 30, tzinfo=datetime.UTC)  # 11 January in Tokyo
    intake = factories.IntakeFactory(time_zone="Asia/Tokyo", opens_at=opens, closes_at=closes)
    factories.DeskOfferFactory(intake=intake)
    html = client.get(reverse("programs:intake_detail", args=[intake.pk])).content.decode()
    timeline = html.split('id="timeline-title"', 1)[1].split("</ol>", 1)[0]
    assert "<strong>11 January 2031</strong>" in timeline
    assert "<strong>11 February 2031</strong>" in timeline


# 6. Times the terms page sends back to the minute


@pytest.fixture
def intake_with_seconds(program):
    """An open intake whose times have seconds (the admin's time field takes them)."""
    now = timezone.now().replace(second=30, microsecond=0)
    return factories.IntakeFactory(
        program=program,
        opens_at=now - datetime.timedelta(days=5),
        closes_at=now + datetime.timedelta(days=20),
    )


def test_saving_only_a_new_title_records_only_the_title(client, manager, intake_with_seconds):
    intake = intake_with_seconds
    opens, closes = intake.opens_at, intake.closes_at
    response = client.post(
        reverse("programs:intake_edit", args=[intake.pk]),
        terms_post(
            intake, title="New title", **{"confirm-reason": "Typo", "confirm-confirm": "on"}
        ),
    )
    assert response.status_code == 302
    change = intake.changes.get()
    moved = sorted(name for name in change.after if change.before.get(name) != change.after[name])
    assert moved == ["title"]
    intake.refresh_from_db()
    assert (intake.opens_at, intake.closes_at) == (opens, closes)


def test_saving_only_a_new_title_asks_no_confirmation_of_a_shorter_deadline(
    client, manager, intake_with_seconds
):
    factories.ApplicationFactory(intake=intake_with_seconds)  # a draft
    response = client.post(
        reverse("programs:intake_edit", args=[intake_with_seconds.pk]),
        terms_post(
            intake_with_seconds,
            title="New title",
            **{"confirm-reason": "Typo", "confirm-confirm": "on"},
        ),
    )
    assert response.status_code == 302


def test_a_closing_time_moved_by_a_minute_is_saved_as_typed(client, manager, intake_with_seconds):
    intake = intake_with_seconds
    later = intake.closes_at.replace(second=0) + datetime.timedelta(minutes=1)
    response = client.post(
        reverse("programs:intake_edit", args=[intake.pk]),
        terms_post(
            intake,
            closes_at=local(later, intake),
            **{"confirm-reason": "Later", "confirm-confirm": "on"},
        ),
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.closes_at == later


# 8. A year far back


def test_an_opening_in_the_year_one_east_of_utc_is_refused_next_to_the_field(
    client, manager, program
):
    response = client.post(
        reverse("programs:intake_create", args=[program.pk]),
        new_intake_post(opens_at="0001-01-01T00:00", time_zone="Asia/Tokyo"),
    )
    assert response.status_code == 400
    assert "Enter a date in the year 1900 or later." in error_of(response, "opens_at")
    assert Intake.objects.count() == 0


def test_reviews_due_in_the_year_one_east_of_utc_are_refused_next_to_the_field(
    client, manager, program
):
    intake = factories.IntakeFactory(program=program, time_zone="Asia/Tokyo")
    response = client.post(
        reverse("applications:review_settings", args=[intake.pk]),
        REVIEW_SETTINGS_POST | {"reviews_due_at": "0001-01-01T00:00"},
    )
    assert response.status_code == 200
    assert "Enter a date in the year 1900 or later." in error_of(response, "reviews_due_at")
    intake.refresh_from_db()
    assert intake.reviews_due_at is None


# 9. An id past any row's in a list of checkboxes

NOT_A_CHOICE = f"Select a valid choice. {HUGE_ID} is not one of the available choices."


def test_a_huge_market_id_for_a_new_intake_is_refused_next_to_the_field(client, manager, program):
    response = client.post(
        reverse("programs:intake_create", args=[program.pk]), new_intake_post(markets=[HUGE_ID])
    )
    assert response.status_code == 400
    assert NOT_A_CHOICE in error_of(response, "markets")
    assert Intake.objects.count() == 0


def test_a_huge_market_id_in_the_terms_is_refused_next_to_the_field(client, manager, program):
    intake = factories.IntakeFactory(program=program)
    response = client.post(
        reverse("programs:intake_edit", args=[intake.pk]), terms_post(intake, markets=[HUGE_ID])
    )
    assert response.status_code == 400
    assert NOT_A_CHOICE in error_of(response, "markets")


def test_a_huge_sector_id_in_the_eligibility_rules_is_refused_next_to_the_field(
    client, manager, program
):
    intake = factories.IntakeFactory(program=program, published_at=None)
    response = client.post(
        reverse("programs:intake_eligibility", args=[intake.pk]), {"allowed_sectors": [HUGE_ID]}
    )
    assert response.status_code == 400
    assert NOT_A_CHOICE in error_of(response, "allowed_sectors")


def test_a_huge_sector_id_for_a_host_is_refused_next_to_the_field(client, manager):
    host = factories.HostIncubatorFactory()
    response = client.post(
        reverse("programs:host_edit", args=[host.pk]), host_post(host, sectors=[HUGE_ID])
    )
    assert response.status_code == 400
    assert NOT_A_CHOICE in error_of(response, "sectors")


# 10. Reviews due before the intake closes


def test_reviews_due_before_the_intake_closes_are_refused_next_to_the_field(
    client, manager, program
):
    closes = datetime.datetime(
        2031, 2, 10, 17, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    )
    intake = factories.IntakeFactory(
        program=program,
        time_zone="Asia/Kolkata",
        opens_at=timezone.now() - datetime.timedelta(days=5),
        closes_at=closes,
    )
    response = client.post(
        reverse("applications:review_settings", args=[intake.pk]),
        REVIEW_SETTINGS_POST | {"reviews_due_at": "2031-02-10T17:00"},  # at the close
    )
    assert response.status_code == 200
    assert "Reviews can be due only after the intake closes, 10 February 2031, 17:00 IST." in (
        error_of(response, "reviews_due_at")
    )
    intake.refresh_from_db()
    assert intake.reviews_due_at is None


def test_reviews_due_a_minute_after_the_close_are_saved(client, manager, program):
    intake = factories.IntakeFactory(program=program, time_zone="Asia/Kolkata")
    due = intake.closes_at.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    response = client.post(
        reverse("applications:review_settings", args=[intake.pk]),
        REVIEW_SETTINGS_POST | {"reviews_due_at": local(due, intake)},
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.reviews_due_at == due


def test_the_review_settings_service_refuses_reviews_due_before_the_close(manager, program):
    intake = factories.IntakeFactory(program=program)
    with pytest.raises(ValidationError) as refused:
        services.update_review_settings(
            intake, by=manager, reviews_due_at=intake.closes_at - datetime.timedelta(days=1)
        )
    assert list(refused.value.message_dict) == ["reviews_due_at"]
    assert Intake.objects.get(pk=intake.pk).reviews_due_at is None


# 11. The manager's host list


def test_the_manager_host_list_links_a_paused_host_to_its_edit_page(client, manager):
    host = factories.HostIncubatorFactory(partnership=PartnershipStatus.PAUSED, name="Quiet Hub")
    html = client.get(reverse("programs:manage_hosts")).content.decode()
    edit = reverse("programs:host_edit", args=[host.pk])
    assert f'<a href="{edit}">Quiet Hub</a>' in html
    assert f'href="{reverse("programs:host_detail", args=[host.pk])}"' not in html
    assert client.get(edit).status_code == 200


def test_the_manager_host_list_links_an_active_host_to_its_public_page(client, manager):
    host = factories.HostIncubatorFactory(name="Busy Hub")
    html = client.get(reverse("programs:manage_hosts")).content.decode()
    assert f'<a href="{reverse("programs:host_detail", args=[host.pk])}">Busy Hub</a>' in html


# 12. The dashboard's links of a manager of one intake

CATALOGUE_LINKS = [
    ("programs:intake_create", True),
    ("programs:manage_markets", False),
    ("programs:manage_hosts", False),
]


def _dashboard_links(client, program):
    html = client.get(reverse("dashboard")).content.decode()
    return [
        name
        for name, of_program in CATALOGUE_LINKS
        if f'href="{reverse(name, args=[program.pk] if of_program else [])}"' in html
    ]


def test_a_manager_of_one_intake_is_offered_no_catalogue_links(client, program):
    intake = factories.IntakeFactory(program=program)
    user = factories.UserFactory()
    services.grant_program_role(program, intake=intake, user=user, role=StaffRole.MANAGER)
    client.force_login(user)
    assert _dashboard_links(client, program) == []
    assert client.get(reverse("programs:manage_hosts")).status_code == 403


def test_a_program_manager_is_offered_the_catalogue_links(client, manager, program):
    assert _dashboard_links(client, program) == [name for name, _of_program in CATALOGUE_LINKS]


# 7. Sums in the change history


def test_a_stipend_cap_changed_in_french_reads_in_english(client, manager, program):
    intake = factories.IntakeFactory(program=program)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = client.post(
        reverse("programs:intake_edit", args=[intake.pk]),
        terms_post(
            intake, stipend_cap_0="5000", **{"confirm-reason": "Budget", "confirm-confirm": "on"}
        ),
    )
    assert response.status_code == 302
    change = intake.changes.get()
    assert (change.before["stipend_cap"], change.after["stipend_cap"]) == (
        {"amount": "4000.00", "currency": "CAD"},
        {"amount": "5000.00", "currency": "CAD"},
    )
    reader = factories.ProgramStaffFactory(program=program, role=StaffRole.MANAGER).user
    client.force_login(reader)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("programs:manage_intake", args=[intake.pk])).content.decode()
    assert "<li>Stipend cap per firm: CA$4,000.00 → CA$5,000.00</li>" in html


def test_a_minimum_revenue_is_recorded_as_plain_data(manager, program):
    intake = factories.IntakeFactory(program=program)
    services.set_eligibility(
        intake, by=manager, reason="Bigger firms", allowed_sectors=[],
        min_annual_revenue=Money(250000, "EUR"),
    )  # fmt: skip
    change = intake.changes.get()
    assert (change.before["min_annual_revenue"], change.after["min_annual_revenue"]) == (
        None,
        {"amount": "250000.00", "currency": "EUR"},
    )


def test_a_sum_recorded_as_text_before_still_reads(client, manager, program):
    intake = factories.IntakeFactory(program=program)
    IntakeChange.objects.create(
        intake=intake, kind=IntakeChangeKind.TERMS, changed_by=manager, reason="Budget",
        before={"stipend_cap": "4 000,00 $CA"}, after={"stipend_cap": "5 000,00 $CA"},
    )  # fmt: skip
    html = client.get(reverse("programs:manage_intake", args=[intake.pk])).content.decode()
    assert "<li>Stipend cap per firm: 4 000,00 $CA → 5 000,00 $CA</li>" in html
