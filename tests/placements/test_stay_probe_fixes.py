"""What a tester's probe of the stays found, fixed: arrivals and departures outside the planned
dates that held desks unchecked, log entries dated year 1, the board's free desks blind to the
host's other intakes, and refused forms that lost what was typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from placements import board, changes, services
from placements.enums import ChangeKind, ChangeStatus, EntryKind, PlacementStatus
from placements.models import Placement
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed, running_intake

pytestmark = pytest.mark.django_db

P = PlacementStatus


def d(offset):
    return date_format(day(offset))


def refusal(call):
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.messages


DEPART_HINT = (
    "Log the departure on the planned end ({}), or ask the program's manager to move the "
    "stay's dates first."
)
ARRIVE_HINT = (
    "Log the arrival on the planned start ({}), or ask the program's manager to move the "
    "stay's dates first."
)


def arrived(intake, host, partner, *, start, end):
    stay = placed(accepted_offer(intake, host), partner, start=start, end=end)
    return services.log_arrival(stay, by=partner, on=day(start))


# --- A departure after the planned end ---------------------------------------------------


def test_a_late_departure_onto_the_next_firms_desk_is_refused_naming_the_full_days(
    intake, host, partner
):
    early = arrived(intake, host, partner, start=-20, end=-5)
    placed(accepted_offer(intake, host), partner, start=-4, end=30)  # the host's one desk

    messages = refusal(lambda: services.log_departure(early, by=partner, on=day(0)))

    assert messages == [
        f"Berlin Hub has no free desk on these days: {d(-4)} – {d(0)}.",
        DEPART_HINT.format(d(-5)),
    ]
    early.refresh_from_db()
    assert (early.status, early.desk_until, early.departed_on) == (P.IN_RESIDENCE, day(-5), None)


def test_a_late_departure_onto_a_desk_another_intake_holds_is_refused(intake, host, partner):
    host.desk_capacity = 1
    host.save()
    other = running_intake()
    factories.DeskOfferFactory(intake=other, host=host, desks=1)
    early = arrived(intake, host, partner, start=-20, end=-5)
    placed(accepted_offer(other, host), partner, start=-2, end=30)

    messages = refusal(lambda: services.log_departure(early, by=partner, on=day(0)))

    assert messages == [
        f"Berlin Hub has no free desk on these days: {d(-2)} – {d(0)}.",
        DEPART_HINT.format(d(-5)),
    ]


def test_a_late_departure_longer_than_the_longest_stay_is_refused_a_shorter_one_logged(
    intake, host, partner
):
    intake.max_stay_days = 30
    intake.save()
    stay = arrived(intake, host, partner, start=-30, end=-5)  # 26 days

    messages = refusal(lambda: services.log_departure(stay, by=partner, on=day(0)))  # 31

    assert messages == ["A stay can last at most 30 days.", DEPART_HINT.format(d(-5))]
    stay.refresh_from_db()
    assert stay.desk_until == day(-5)
    # A day less, on days the desk is free: the stay holds its desk up to the departure.
    services.log_departure(stay, by=partner, on=day(-1))  # 30 days
    stay.refresh_from_db()
    assert (stay.status, stay.departed_on, stay.desk_until) == (P.COMPLETED, day(-1), day(-1))


def test_a_late_departure_after_the_placement_window_is_refused(intake, host, partner):
    stay = arrived(intake, host, partner, start=-20, end=-5)
    intake.placement_ends_on = day(-3)
    intake.save()

    messages = refusal(lambda: services.log_departure(stay, by=partner, on=day(0)))

    assert messages == [
        f"The stay must fall between {d(-30)} and {d(-3)}.",
        DEPART_HINT.format(d(-5)),
    ]


def test_the_board_draws_no_second_lane_for_a_refused_late_departure(
    client, intake, host, partner, manager
):
    early = arrived(intake, host, partner, start=-20, end=-5)
    placed(accepted_offer(intake, host), partner, start=-4, end=30)
    refusal(lambda: services.log_departure(early, by=partner, on=day(0)))

    client.force_login(manager)
    html = client.get(reverse("placements:board", args=[intake.pk])).content.decode()

    assert "board__lane--over" not in html


# --- An arrival outside the planned dates ------------------------------------------------


def test_an_arrival_after_the_planned_end_is_refused(intake, host, partner):
    stay = placed(accepted_offer(intake, host), partner, start=-20, end=-5)

    messages = refusal(lambda: services.log_arrival(stay, by=partner, on=day(0)))

    assert messages == [
        f"An arrival cannot come after the stay's planned end ({d(-5)}): ask the program's "
        "manager to move the stay's dates first."
    ]
    stay.refresh_from_db()
    assert (stay.status, stay.arrived_on) == (P.SCHEDULED, None)
    # On the planned end itself, it is logged: the desk was held for it all along.
    services.log_arrival(stay, by=partner, on=day(-5))
    stay.refresh_from_db()
    assert (stay.status, stay.starts_on, stay.arrived_on) == (P.IN_RESIDENCE, day(-20), day(-5))


def test_an_early_arrival_onto_a_desk_taken_is_refused_naming_the_full_days(intake, host, partner):
    placed(accepted_offer(intake, host), partner, start=-29, end=-11)
    stay = placed(accepted_offer(intake, host), partner, start=-10, end=40)

    messages = refusal(lambda: services.log_arrival(stay, by=partner, on=day(-28)))

    assert messages == [
        f"Berlin Hub has no free desk on these days: {d(-28)} – {d(-11)}.",
        ARRIVE_HINT.format(d(-10)),
    ]
    stay.refresh_from_db()
    assert (stay.status, stay.starts_on, stay.arrived_on) == (P.SCHEDULED, day(-10), None)
    assert stay.events.count() == 1  # its confirmation only


def test_an_early_arrival_longer_than_the_longest_stay_is_refused(intake, host, partner):
    intake.max_stay_days = 50
    intake.save()
    stay = placed(accepted_offer(intake, host), partner, start=-10, end=38)  # 49 days

    messages = refusal(lambda: services.log_arrival(stay, by=partner, on=day(-12)))  # 51

    assert messages == ["A stay can last at most 50 days.", ARRIVE_HINT.format(d(-10))]


def test_an_early_arrival_on_free_days_moves_the_start_and_the_history_says_so(
    intake, host, partner
):
    stay = placed(accepted_offer(intake, host), partner, start=-10, end=40)

    services.log_arrival(stay, by=partner, on=day(-15))

    stay.refresh_from_db()
    assert (stay.status, stay.starts_on, stay.arrived_on, stay.ends_on, stay.desk_until) == (
        P.IN_RESIDENCE,
        day(-15),
        day(-15),
        day(40),
        day(40),
    )
    events = stay.events.order_by("pk")
    assert [(e.from_status, e.to_status, e.note_text) for e in events] == [
        ("", P.SCHEDULED, ""),
        (
            P.SCHEDULED,
            P.SCHEDULED,
            f"Dates moved from {d(-10)} – {d(40)} to {d(-15)} – {d(40)}: "
            "the firm arrived before the planned start.",
        ),
        (P.SCHEDULED, P.IN_RESIDENCE, ""),
    ]
    # The days before its planned start are held now: no one else is confirmed on them.
    with pytest.raises(ValidationError):
        placed(accepted_offer(intake, host), partner, start=-14, end=-11)


# --- Log entries dated before the intake opened ------------------------------------------


def opened(intake):
    return timezone.localtime(intake.opens_at, intake.zone).date()


@pytest.mark.parametrize(
    "kind, typed",
    [
        (EntryKind.INTRODUCTION, {"organisation": "Acme", "introduction_kind": "customer"}),
        (EntryKind.CONCERN, {}),
    ],
)
def test_an_entry_dated_year_one_is_refused_one_on_the_day_the_intake_opened_logged(
    intake, host, partner, offer, kind, typed
):
    stay = placed(offer, partner)

    messages = refusal(
        lambda: services.add_log_entry(
            stay, by=partner, kind=kind, on=datetime.date(1, 1, 1), **typed
        )
    )

    assert messages == [
        f"This entry cannot come before the intake opened ({date_format(opened(intake))})."
    ]
    assert not stay.entries.exists()
    # From the day the intake opened, it is logged.
    entry = services.add_log_entry(stay, by=partner, kind=kind, on=opened(intake), **typed)
    assert entry.on == opened(intake)


# --- The board's free desks today --------------------------------------------------------


def one_host(*, desks, capacity, taken_elsewhere):
    (host,), *_rest = board.lay_out(
        [{"host_id": 1, "host__name": "Spree", "desks": desks, "host__desk_capacity": capacity,
          "taken_at_host": taken_elsewhere}],
        [],
        window_start=day(-30),
        window_end=day(30),
        today=day(0),
        status_labels={},
    )  # fmt: skip
    return host


def test_free_today_is_what_the_host_has_left_across_its_intakes():
    host = one_host(desks=2, capacity=2, taken_elsewhere=2)

    assert (host["taken_today"], host["free_today"]) == (0, 0)
    assert host["desks_said"] == "2 desks, 0 free today"
    assert one_host(desks=2, capacity=3, taken_elsewhere=2)["free_today"] == 1
    assert one_host(desks=1, capacity=4, taken_elsewhere=0)["free_today"] == 1


def two_intakes_at(host_name, capacity):
    mine, theirs = running_intake(), running_intake()
    host = factories.HostIncubatorFactory(name=host_name, desk_capacity=capacity)
    factories.DeskOfferFactory(intake=mine, host=host, desks=capacity)
    factories.DeskOfferFactory(intake=theirs, host=host, desks=capacity)
    partner = factories.UserFactory()
    programs_services.add_host_partner(host, user=partner)
    return mine, theirs, host, partner


def test_the_board_counts_the_desks_the_hosts_other_intakes_take_today(client):
    mine, theirs, host, partner = two_intakes_at("Spree", 2)
    placed(accepted_offer(theirs, host), partner, start=-5, end=20)
    placed(accepted_offer(theirs, host), partner, start=-5, end=20)
    manager = factories.ProgramStaffFactory(program=mine.program, role=StaffRole.MANAGER).user
    client.force_login(manager)

    response = client.get(reverse("placements:board", args=[mine.pk]))

    (spree,) = response.context["boards"]
    assert (spree["taken_today"], spree["free_today"]) == (0, 0)
    assert "2 desks, 0 free today" in response.content.decode()


def test_the_board_reads_every_hosts_desks_today_in_one_query(client):
    mine, theirs, host, partner = two_intakes_at("Alster", 2)
    manager = factories.ProgramStaffFactory(program=mine.program, role=StaffRole.MANAGER).user
    client.force_login(manager)
    url = reverse("placements:board", args=[mine.pk])

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), response

    one, _response = count()
    for name in ("Isar", "Main", "Neckar"):
        other = factories.HostIncubatorFactory(name=name, desk_capacity=3)
        factories.DeskOfferFactory(intake=mine, host=other, desks=3)
        factories.DeskOfferFactory(intake=theirs, host=other, desks=3)
        placed(accepted_offer(theirs, other), partner, start=-5, end=20)
    four, response = count()

    assert four == one
    assert [(b["name"], b["free_today"]) for b in response.context["boards"]] == [
        ("Alster", 2),
        ("Isar", 2),
        ("Main", 2),
        ("Neckar", 2),
    ]


# --- Refused forms keep what was typed ---------------------------------------------------


def move(stay, by, start, end):
    return changes.request_change(
        stay,
        by=by,
        kind=ChangeKind.MOVE_DATES,
        starts_on=day(start),
        ends_on=day(end),
        reason="Visa late.",
    )


def test_a_refused_approval_draws_the_request_again_with_the_managers_note(
    client, intake, host, partner, manager, offer
):
    stay = placed(offer, partner, start=10, end=40)
    change = move(stay, partner, 50, 90)
    placed(accepted_offer(intake, host), partner, start=45, end=100)  # takes the only desk
    client.force_login(manager)
    note = "Approved after the call with Petra, keep the same desk."

    response = client.post(reverse("placements:approve_change", args=[change.pk]), {"note": note})

    assert response.status_code == 400
    form = response.context["approve_form"]
    assert form.non_field_errors() == [
        f"Berlin Hub has no free desk on these days: {d(50)} – {d(90)}."
    ]
    assert note in response.content.decode()
    change.refresh_from_db()
    assert (change.status, change.decision_note) == (ChangeStatus.PENDING, "")


def test_a_refusal_with_a_reason_too_long_keeps_it_and_says_why(
    client, intake, host, partner, manager, offer
):
    stay = placed(offer, partner, start=10, end=40)
    change = move(stay, partner, 12, 42)
    client.force_login(manager)
    reason = "Nope. " * 400

    response = client.post(
        reverse("placements:refuse_change", args=[change.pk]), {"reason": reason}
    )

    assert response.status_code == 400
    assert response.context["refuse_form"].errors == {
        "reason": ["Ensure this value has at most 2000 characters (it has 2399)."]
    }
    body = response.content.decode()
    assert reason.strip() in body
    assert "Give the reason." not in body
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


def test_an_answer_to_a_request_already_answered_is_told_above_its_page(
    client, intake, host, partner, manager, offer
):
    stay = placed(offer, partner, start=10, end=40)
    change = move(stay, partner, 12, 42)
    client.force_login(manager)
    client.post(reverse("placements:approve_change", args=[change.pk]), {"note": ""}, follow=True)

    response = client.post(
        reverse("placements:refuse_change", args=[change.pk]), {"reason": "Too late."}
    )

    assert response["Location"] == reverse("placements:change_detail", args=[change.pk])
    page = client.get(response["Location"])
    assert [str(message) for message in page.context["messages"]] == [
        "This request was already answered (approved); nothing was changed."
    ]
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED


def test_a_check_in_answer_too_long_is_drawn_again_in_its_form_with_why(
    client, intake, host, partner, owner, offer
):
    stay = placed(offer, partner, start=-10, end=40)
    services.log_arrival(stay, by=partner, on=day(-10))
    other = services.add_log_entry(stay, by=partner, kind="check-in", on=day(-2), note="Week 1")
    entry = services.add_log_entry(stay, by=partner, kind="check-in", on=day(-1), note="How?")
    client.force_login(owner)
    words = "Our first distributor meeting went well. " * 120

    response = client.post(
        reverse("placements:answer_check_in", args=[stay.pk, entry.pk]),
        {"went_well": words, "needs": "A quieter room"},
    )

    assert response.status_code == 400
    assert response.context["answer_form"].errors == {
        "went_well": ["Ensure this value has at most 4000 characters (it has 4919)."]
    }
    assert response.context["answer_entry_pk"] == entry.pk
    body = response.content.decode()
    assert words.strip() in body
    assert ">A quieter room</textarea>" in body
    assert body.count(">A quieter room</textarea>") == 1  # in this check-in's form only
    assert f'id="needs-{other.pk}" rows="3" maxlength="4000"></textarea>' in body
    entry.refresh_from_db()
    assert (entry.went_well, entry.needs, entry.answered_at) == ("", "", None)
    assert Placement.objects.get().status == P.IN_RESIDENCE
