"""An intake's desks and dates, and a host's capacity, keep room for the stays already
confirmed; desk offers changed after opening are asked a reason and recorded."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from applications.enums import ApplicationStatus
from placements import services as placement_services
from placements.enums import CancelReason
from programs import history, services
from programs.enums import IntakeChangeKind, StaffRole
from programs.models import DeskOffer, IntakeChange
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed, running_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake():
    return running_intake()  # published, opened 90 days ago, window from day -30 to day 150


@pytest.fixture
def host(intake):
    return factories.DeskOfferFactory(
        intake=intake, host__name="Berlin Hub", host__desk_capacity=4, desks=2
    ).host


@pytest.fixture
def partner(host):
    user = factories.UserFactory()
    services.add_host_partner(host, user=user)
    return user


@pytest.fixture
def manager(intake):
    return factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user


def stay(intake, host, partner, name, *, start=-10, end=40):
    company = factories.CompanyFactory(name=name)
    return placed(accepted_offer(intake, host, company), partner, start=start, end=end)


def span(first, last):
    return f"{date_format(day(first))} – {date_format(day(last))}"


def offers_of(intake):
    return list(intake.desk_offers.values_list("host__name", "desks"))


# Desk offers


def test_desks_cut_below_the_stays_holding_them_on_one_day_are_refused(
    intake, host, partner, manager
):
    stay(intake, host, partner, "Ada", start=-10, end=40)
    stay(intake, host, partner, "Bix", start=-5, end=30)
    with pytest.raises(ValidationError) as error:
        services.set_desk_offers(intake, offers=[(host, 1)], by=manager, reason="Fewer desks.")
    assert error.value.messages == [
        "Up to 2 confirmed stays hold desks at Berlin Hub on these days: "
        f"{span(-5, 30)}. Offer at least 2 desks there."
    ]
    assert offers_of(intake) == [("Berlin Hub", 2)]
    assert IntakeChange.objects.count() == 0


def test_a_host_removed_under_a_confirmed_stay_counts_as_no_desk(intake, host, partner, manager):
    stay(intake, host, partner, "Ada", start=-10, end=40)
    other = factories.HostIncubatorFactory(market=host.market, name="Spree Lab", desk_capacity=3)
    with pytest.raises(ValidationError) as error:
        services.set_desk_offers(intake, offers=[(other, 1)], by=manager, reason="Moved.")
    assert error.value.messages == [
        "1 confirmed stay holds a desk at Berlin Hub on these days: "
        f"{span(-10, 40)}. Offer at least 1 desk there."
    ]
    assert offers_of(intake) == [("Berlin Hub", 2)]


def test_stays_one_after_the_other_need_one_desk(intake, host, partner, manager):
    stay(intake, host, partner, "Ada", start=-10, end=20)
    stay(intake, host, partner, "Bix", start=21, end=60)
    services.set_desk_offers(intake, offers=[(host, 1)], by=manager, reason="Fewer desks.")
    assert offers_of(intake) == [("Berlin Hub", 1)]


def test_cancelled_stays_and_days_after_a_departure_hold_no_desk(intake, host, partner, manager):
    cancelled = stay(intake, host, partner, "Ada", start=10, end=40)
    placement_services.cancel_placement(
        cancelled, by=manager, reason=CancelReason.WITHDRAWAL, note="Withdrew."
    )
    early = stay(intake, host, partner, "Bix", start=-20, end=40)
    placement_services.log_arrival(early, by=partner, on=day(-20))
    placement_services.cut_short(early, by=partner, on=day(-5), reason="Went home.")
    later = stay(intake, host, partner, "Cyd", start=-4, end=40)

    services.set_desk_offers(intake, offers=[(host, 1)], by=manager, reason="Fewer desks.")
    assert offers_of(intake) == [("Berlin Hub", 1)]

    # The cut-short stay still holds its past days: a new start among them overlaps it.
    placement_services.cancel_placement(
        later, by=manager, reason=CancelReason.WITHDRAWAL, note="Withdrew."
    )
    services.set_desk_offers(intake, offers=[(host, 2)], by=manager, reason="More desks.")
    stay(intake, host, partner, "Dot", start=-15, end=10)
    with pytest.raises(ValidationError) as error:
        services.set_desk_offers(intake, offers=[(host, 1)], by=manager, reason="Fewer desks.")
    assert error.value.messages == [
        "Up to 2 confirmed stays hold desks at Berlin Hub on these days: "
        f"{span(-15, -5)}. Offer at least 2 desks there."
    ]


def test_the_desks_page_shows_why_the_offers_were_refused(client, intake, host, partner, manager):
    stay(intake, host, partner, "Ada", start=-10, end=40)
    stay(intake, host, partner, "Bix", start=-5, end=30)
    client.force_login(manager)
    response = client.post(
        reverse("programs:intake_desks", args=[intake.pk]),
        {
            "desks-TOTAL_FORMS": "1",
            "desks-INITIAL_FORMS": "1",
            "desks-0-host": host.pk,
            "desks-0-desks": "1",
            "confirm-reason": "Fewer desks.",
            "confirm-confirm": "on",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    refusal = page.split('id="desks_error"', 1)[1].split("</ul>", 1)[0]
    assert "Up to 2 confirmed stays hold desks at Berlin Hub on these days" in refusal
    assert offers_of(intake) == [("Berlin Hub", 2)]


def desks_post(host, desks, **extra):
    return {
        "desks-TOTAL_FORMS": "1",
        "desks-INITIAL_FORMS": "0",
        "desks-0-host": host.pk,
        "desks-0-desks": str(desks),
        **extra,
    }


def test_desk_offers_of_an_open_intake_need_a_reason_and_are_recorded(client):
    intake = factories.IntakeFactory()  # published, open now
    chosen = factories.DeskOfferFactory(
        intake=intake, host__name="Chosen Hub", host__desk_capacity=3, desks=2
    ).host
    other = factories.HostIncubatorFactory(market=chosen.market, name="Other Hub")
    application = factories.ApplicationFactory(
        intake=intake, status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    factories.HostPreferenceFactory(application=application, host=chosen, rank=1)
    manager = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    client.force_login(manager)
    url = reverse("programs:intake_desks", args=[intake.pk])
    assert 'name="confirm-reason"' in client.get(url).content.decode()

    response = client.post(url, desks_post(other, 1))
    assert response.status_code == 400
    assert offers_of(intake) == [("Chosen Hub", 2)]
    assert IntakeChange.objects.count() == 0

    response = client.post(
        url,
        desks_post(other, 1, **{"confirm-reason": "Chosen Hub closed.", "confirm-confirm": "on"}),
    )
    assert response.status_code == 302
    assert offers_of(intake) == [("Other Hub", 1)]
    change = IntakeChange.objects.get(intake=intake)
    assert (change.kind, change.changed_by, change.reason) == (
        IntakeChangeKind.TERMS,
        manager,
        "Chosen Hub closed.",
    )
    assert (change.before, change.after) == ({"Chosen Hub": 2}, {"Other Hub": 1})
    assert history.differences(change) == [
        ("Chosen Hub", "2", "—"),
        ("Other Hub", "—", "1"),
    ]


def test_desk_offers_before_opening_are_not_asked_a_reason(client):
    intake = factories.IntakeFactory(published_at=None)
    host = factories.HostIncubatorFactory(desk_capacity=3)
    manager = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.MANAGER).user
    client.force_login(manager)
    url = reverse("programs:intake_desks", args=[intake.pk])
    assert 'name="confirm-reason"' not in client.get(url).content.decode()
    assert client.post(url, desks_post(host, 2)).status_code == 302
    assert list(intake.desk_offers.values_list("host", "desks")) == [(host.pk, 2)]
    assert IntakeChange.objects.count() == 0


def test_the_same_offers_saved_again_record_nothing(intake, host, manager):
    services.set_desk_offers(intake, offers=[(host, 2)], by=manager, reason="")
    assert IntakeChange.objects.count() == 0


# Placement window and longest stay


def terms(intake, **changed):
    fields = {
        name: getattr(intake, name)
        for name in ["placement_starts_on", "placement_ends_on", "max_stay_days"]
    }
    return services.update_intake(
        intake,
        by=factories.UserFactory(),
        reason="Board decision.",
        markets=[],
        sectors=[],
        **fields | changed,
    )


def test_a_window_ending_before_confirmed_stays_end_is_refused_naming_them(intake, host, partner):
    stay(intake, host, partner, "Bix", start=-10, end=40)
    stay(intake, host, partner, "Ada", start=0, end=30)
    stay(intake, host, partner, "Cyd", start=-30, end=-15)
    with pytest.raises(ValidationError) as error:
        terms(intake, placement_ends_on=day(25))
    assert error.value.message_dict == {
        "placement_ends_on": ["2 confirmed stays end after this day: Ada, Bix."]
    }
    intake.refresh_from_db()
    assert intake.placement_ends_on == day(150)


def test_a_window_starting_after_a_confirmed_stay_starts_is_refused(intake, host, partner):
    stay(intake, host, partner, "Ada", start=-10, end=40)
    with pytest.raises(ValidationError) as error:
        terms(intake, placement_starts_on=day(-5))
    assert error.value.message_dict == {
        "placement_starts_on": ["1 confirmed stay starts before this day: Ada."]
    }


def test_a_longest_stay_below_a_confirmed_stay_is_refused(intake, host, partner):
    stay(intake, host, partner, "Ada", start=-10, end=40)  # 51 days
    with pytest.raises(ValidationError) as error:
        terms(intake, max_stay_days=50)
    assert error.value.message_dict == {
        "max_stay_days": ["1 confirmed stay is longer than this: Ada."]
    }
    terms(intake, max_stay_days=51, placement_ends_on=day(40))
    intake.refresh_from_db()
    assert (intake.max_stay_days, intake.placement_ends_on) == (51, day(40))


def test_a_cancelled_stay_does_not_hold_the_window(intake, host, partner, manager):
    cancelled = stay(intake, host, partner, "Ada", start=-10, end=40)
    placement_services.cancel_placement(
        cancelled, by=manager, reason=CancelReason.WITHDRAWAL, note="Withdrew."
    )
    terms(intake, placement_ends_on=day(20), max_stay_days=30)
    intake.refresh_from_db()
    assert (intake.placement_ends_on, intake.max_stay_days) == (day(20), 30)


def intake_post(intake, **changed):
    zone = intake.zone
    data = {
        "title": intake.title,
        "summary": intake.summary,
        "direction": intake.direction,
        "time_zone": intake.time_zone,
        "opens_at": intake.opens_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": intake.closes_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "placement_starts_on": intake.placement_starts_on.isoformat(),
        "placement_ends_on": intake.placement_ends_on.isoformat(),
        "max_stay_days": intake.max_stay_days,
        "check_in_every_days": intake.check_in_every_days,
        "max_host_preferences": intake.max_host_preferences,
        "stipend_cap_0": str(intake.stipend_cap.amount),
        "stipend_cap_1": str(intake.stipend_cap.currency),
        "stipend_budget_0": str(intake.stipend_budget.amount),
        "stipend_budget_1": str(intake.stipend_budget.currency),
        "desk_invoicing": intake.desk_invoicing,
        "confirm-reason": "Board decision.",
        "confirm-confirm": "on",
    }
    return data | changed


def error_of(response, field):
    html = response.content.decode()
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error next to {field}"
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


def test_the_terms_form_shows_the_stays_a_new_window_would_leave_out(
    client, intake, host, partner, manager
):
    stay(intake, host, partner, "Ada", start=-10, end=40)
    client.force_login(manager)
    response = client.post(
        reverse("programs:intake_edit", args=[intake.pk]),
        intake_post(intake, placement_ends_on=day(20).isoformat(), max_stay_days=30),
    )
    assert response.status_code == 400
    assert "1 confirmed stay ends after this day: Ada." in error_of(response, "placement_ends_on")
    assert "1 confirmed stay is longer than this: Ada." in error_of(response, "max_stay_days")
    intake.refresh_from_db()
    assert (intake.placement_ends_on, intake.max_stay_days) == (day(150), 90)


# A host's capacity


def host_post(host, partner, capacity):
    return {
        "name": host.name,
        "market": host.market.pk,
        "city": host.city,
        "address": "",
        "website": "",
        "description": "",
        "desk_capacity": str(capacity),
        "desk_cost_per_day_0": "50",
        "desk_cost_per_day_1": "CAD",
        "partnership": host.partnership,
        "partner_emails": partner.email,
    }


def test_a_hosts_capacity_keeps_the_stays_it_holds_on_one_day_across_intakes(client):
    first, second = running_intake(), running_intake()
    host = factories.HostIncubatorFactory(desk_capacity=4)
    factories.DeskOfferFactory(intake=first, host=host, desks=2)
    factories.DeskOfferFactory(intake=second, host=host, desks=2)
    partner = factories.UserFactory()
    host.partner_staff.add(partner)
    stay(first, host, partner, "Ada", start=-10, end=40)
    stay(first, host, partner, "Bix", start=0, end=30)
    stay(second, host, partner, "Cyd", start=-10, end=5)
    stay(second, host, partner, "Dot", start=20, end=60)
    director = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(director)
    url = reverse("programs:host_edit", args=[host.pk])

    response = client.post(url, host_post(host, partner, 2))
    assert response.status_code == 400
    assert (
        f"3 confirmed stays hold desks here on {date_format(day(0))}: the capacity cannot be "
        "lower." in error_of(response, "desk_capacity")
    )
    host.refresh_from_db()
    assert host.desk_capacity == 4

    assert client.post(url, host_post(host, partner, 3)).status_code == 302
    host.refresh_from_db()
    assert host.desk_capacity == 3
    # The service checks it too, under the host's lock, as a confirmation counts its desks:
    # the form's check ran before that lock.
    host.desk_capacity = 2
    with pytest.raises(ValidationError) as refused:
        services.save_host(host, sectors=[])
    assert refused.value.message_dict["desk_capacity"][0].startswith("3 confirmed stays hold")


def test_stays_of_archived_intakes_do_not_hold_a_hosts_capacity(client):
    old = running_intake()
    host = factories.HostIncubatorFactory(desk_capacity=2)
    factories.DeskOfferFactory(intake=old, host=host, desks=2)
    partner = factories.UserFactory()
    host.partner_staff.add(partner)
    stay(old, host, partner, "Ada", start=-10, end=40)
    stay(old, host, partner, "Bix", start=-10, end=40)
    assert services.capacity_below_stays(host, 1) == (
        f"2 confirmed stays hold desks here on {date_format(day(-10))}: the capacity cannot "
        "be lower."
    )
    type(old).objects.filter(pk=old.pk).update(archived_at=timezone.now())
    DeskOffer.objects.filter(intake=old).delete()
    assert services.capacity_below_stays(host, 1) == ""
