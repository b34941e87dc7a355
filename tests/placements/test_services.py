import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format as d

from placements import changes, queries, services
from placements.enums import CancelReason, ChangeKind, ChangeStatus, EntryKind, PlacementStatus
from placements.models import LogEntry, Placement, PlacementEvent
from portal.dates import days_text
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed

pytestmark = pytest.mark.django_db
P = PlacementStatus


def messages(error):
    return error.value.messages


def test_confirming_creates_a_scheduled_placement_with_its_audit_row(offer, partner, company):
    placement = placed(offer, partner, desk="Desk 4")
    assert (
        placement.status,
        placement.company,
        placement.host,
        placement.desk,
        placement.starts_on,
        placement.ends_on,
        placement.desk_until,
    ) == (P.SCHEDULED, company, offer.host, "Desk 4", day(-10), day(40), day(40))
    assert list(placement.events.values_list("actor", "from_status", "to_status")) == [
        (partner.pk, "", P.SCHEDULED)
    ]
    assert not queries.waiting_offers().exists()


def test_dates_outside_the_window_are_refused(offer, partner, intake):
    with pytest.raises(ValidationError) as error:
        placed(offer, partner, start=-40, end=10)
    assert messages(error) == [
        f"The stay must fall between {d(intake.placement_starts_on)} and "
        f"{d(intake.placement_ends_on)}."
    ]
    assert Placement.objects.count() == 0


def test_a_stay_longer_than_the_maximum_is_refused(offer, partner):
    with pytest.raises(ValidationError) as error:
        placed(offer, partner, start=0, end=90)  # 91 days, both ends counted
    assert messages(error) == ["A stay can last at most 90 days."]
    assert Placement.objects.count() == 0


def test_the_longest_stay_allowed_is_confirmed(offer, partner):
    placement = placed(offer, partner, start=0, end=89)
    assert (placement.ends_on - placement.starts_on).days + 1 == 90


def test_a_stay_ending_before_it_starts_is_refused(offer, partner):
    with pytest.raises(ValidationError) as error:
        placed(offer, partner, start=20, end=10)
    assert messages(error) == ["The stay must end after it starts."]


def test_more_firms_than_desks_on_some_days_is_refused_with_the_days(offer, partner, intake, host):
    placed(offer, partner, start=0, end=20)
    second = accepted_offer(intake, host)
    with pytest.raises(ValidationError) as error:
        placed(second, partner, start=15, end=30)
    assert messages(error) == [
        f"Berlin Hub has no free desk on these days: {d(day(15))} – {d(day(20))}."
    ]
    assert Placement.objects.count() == 1


def test_the_days_named_are_only_the_full_ones(offer, partner, intake, host):
    placed(offer, partner, start=0, end=5)
    other = accepted_offer(intake, host)
    placed(other, partner, start=10, end=10 + 1)
    third = accepted_offer(intake, host)
    with pytest.raises(ValidationError) as error:
        placed(third, partner, start=5, end=12)
    assert messages(error) == [
        f"Berlin Hub has no free desk on these days: {d(day(5))}, {d(day(10))} – {d(day(11))}."
    ]


def test_the_next_day_after_a_stay_is_free(offer, partner, intake, host):
    placed(offer, partner, start=0, end=20)
    placement = placed(accepted_offer(intake, host), partner, start=21, end=40)
    assert placement.status == P.SCHEDULED


def test_the_host_capacity_counts_every_intake(offer, partner, intake, host):
    host.desk_capacity = 1
    host.save()
    placed(offer, partner, start=0, end=20)
    other_intake = factories.IntakeFactory(
        program=intake.program,
        placement_starts_on=day(-30),
        placement_ends_on=day(150),
        opens_at=intake.opens_at,
        closes_at=intake.closes_at,
    )
    factories.DeskOfferFactory(intake=other_intake, host=host, desks=1)
    with pytest.raises(ValidationError) as error:
        placed(accepted_offer(other_intake, host), partner, start=20, end=25)
    assert messages(error) == [f"Berlin Hub has no free desk on these days: {d(day(20))}."]


def test_a_second_confirmation_changes_nothing(offer, partner):
    first = placed(offer, partner, desk="Desk 1")
    with pytest.raises(ValidationError) as error:
        placed(offer, partner, start=0, end=30, desk="Desk 9")
    assert messages(error) == [
        "The desk and dates of Maple Analytics were already confirmed by Petra Partner: "
        f"{d(day(-10))} – {d(day(40))}. Nothing was changed."
    ]
    first.refresh_from_db()
    assert (first.desk, first.starts_on, first.version) == ("Desk 1", day(-10), 1)
    assert PlacementEvent.objects.count() == 1


def test_an_offer_not_accepted_gets_no_placement(offer, partner):
    offer.status = "declined"
    offer.save()
    with pytest.raises(ValidationError) as error:
        placed(offer, partner)
    assert messages(error) == ["Only an accepted offer can be given a desk and dates."]


def test_the_stay_runs_from_arrival_to_departure(offer, partner):
    placement = placed(offer, partner)
    services.log_arrival(placement, by=partner, on=day(-9), note="Settled in")
    placement.refresh_from_db()
    assert (placement.status, placement.arrived_on) == (P.IN_RESIDENCE, day(-9))
    services.log_departure(placement, by=partner, on=day(0))
    placement.refresh_from_db()
    assert (placement.status, placement.departed_on, placement.desk_until) == (
        P.COMPLETED,
        day(0),
        day(0),
    )
    assert list(placement.events.values_list("from_status", "to_status")) == [
        ("", P.SCHEDULED),
        (P.SCHEDULED, P.IN_RESIDENCE),
        (P.IN_RESIDENCE, P.COMPLETED),
    ]
    assert list(placement.entries.values_list("kind", "on", "note")) == [
        (EntryKind.ARRIVAL, day(-9), "Settled in"),
        (EntryKind.DEPARTURE, day(0), ""),
    ]


def test_a_departure_before_the_arrival_is_refused(offer, partner):
    placement = placed(offer, partner)
    services.log_arrival(placement, by=partner, on=day(-5))
    with pytest.raises(ValidationError) as error:
        services.log_departure(placement, by=partner, on=day(-6))
    assert messages(error) == [f"A departure cannot come before the arrival ({d(day(-5))})."]
    placement.refresh_from_db()
    assert placement.status == P.IN_RESIDENCE


def test_an_arrival_in_the_future_is_refused(offer, partner):
    placement = placed(offer, partner)
    with pytest.raises(ValidationError) as error:
        services.log_arrival(placement, by=partner, on=day(1))
    assert messages(error) == ["This date has not come yet."]


def test_a_departure_before_any_arrival_is_refused_by_the_table(offer, partner):
    placement = placed(offer, partner)
    with pytest.raises(ValidationError) as error:
        services.log_departure(placement, by=partner, on=day(0))
    assert messages(error) == ["A placement that is scheduled cannot become completed."]


def test_a_stay_cut_short_frees_its_desk_from_the_next_day(offer, partner, manager, intake, host):
    placement = placed(offer, partner, start=-10, end=40)
    services.log_arrival(placement, by=partner, on=day(-10))
    services.cut_short(placement, by=manager, on=day(-2), reason="Family emergency")
    placement.refresh_from_db()
    assert (placement.status, placement.desk_until) == (P.CUT_SHORT, day(-2))
    assert placement.events.last().note == "Family emergency"
    with pytest.raises(ValidationError):
        placed(accepted_offer(intake, host), partner, start=-2, end=10)
    assert placed(accepted_offer(intake, host), partner, start=-1, end=10).status == P.SCHEDULED


def test_cutting_short_needs_a_reason(offer, partner, manager):
    placement = placed(offer, partner)
    services.log_arrival(placement, by=partner, on=day(-10))
    with pytest.raises(ValidationError) as error:
        services.cut_short(placement, by=manager, on=day(-2), reason="  ")
    assert messages(error) == ["Give the reason."]


def test_a_cancelled_placement_holds_no_desk(offer, partner, manager, intake, host):
    placement = placed(offer, partner)
    services.cancel_placement(
        placement, by=manager, reason=CancelReason.VISA_REFUSED, note="Consulate said no"
    )
    placement.refresh_from_db()
    assert (placement.status, placement.cancel_reason, placement.desk_until) == (
        P.CANCELLED,
        CancelReason.VISA_REFUSED,
        None,
    )
    assert placement.events.last().note == "Visa refused: Consulate said no"
    assert placed(accepted_offer(intake, host), partner).status == P.SCHEDULED


def test_a_stay_under_way_cannot_be_cancelled(offer, partner, manager):
    placement = placed(offer, partner)
    services.log_arrival(placement, by=partner, on=day(-10))
    with pytest.raises(ValidationError) as error:
        services.cancel_placement(placement, by=manager, reason=CancelReason.NO_SHOW)
    assert messages(error) == ["A placement that is in residence cannot become cancelled."]


def test_an_introduction_keeps_only_its_own_fields(offer, partner):
    placement = placed(offer, partner)
    entry = services.add_log_entry(
        placement,
        by=partner,
        kind=EntryKind.INTRODUCTION,
        on=day(-1),
        note="Met at the fair",
        organisation="Banco Norte",
        country="BR",
        introduction_kind="investor",
        hoped_outcome="Seed round",
        service="training",
        hours=3,
    )
    entry.refresh_from_db()
    assert (
        entry.organisation,
        entry.country.code,
        entry.introduction_kind,
        entry.hoped_outcome,
        entry.service,
        entry.hours,
    ) == ("Banco Norte", "BR", "investor", "Seed round", "", None)


def test_an_introduction_must_name_whom(offer, partner):
    placement = placed(offer, partner)
    with pytest.raises(ValidationError) as error:
        services.add_log_entry(placement, by=partner, kind=EntryKind.INTRODUCTION, on=day(-1))
    assert messages(error) == ["Fill in: organisation, kind of contact."]
    assert LogEntry.objects.count() == 0


def test_nothing_is_logged_on_a_cancelled_placement(offer, partner, manager):
    placement = placed(offer, partner)
    services.cancel_placement(placement, by=manager, reason=CancelReason.NO_SHOW)
    with pytest.raises(ValidationError) as error:
        services.add_log_entry(placement, by=partner, kind=EntryKind.CHECK_IN, on=day(-1))
    assert messages(error) == ["This placement was cancelled; nothing more is logged on it."]


def test_the_firm_does_not_read_staff_only_entries(offer, partner, owner):
    placement = placed(offer, partner)
    services.log_arrival(placement, by=partner, on=day(-3))
    services.add_log_entry(placement, by=partner, kind=EntryKind.CHECK_IN, on=day(-2), note="Fine")
    services.add_log_entry(
        placement, by=partner, kind=EntryKind.CONCERN, on=day(-1), note="Late", staff_only=True
    )
    # The arrival's entry (no note) first.
    assert [entry.note for entry in queries.entries_for(placement, owner)] == ["", "Fine"]
    assert [entry.note for entry in queries.entries_for(placement, partner)] == ["", "Fine", "Late"]


def test_day_runs_are_written_as_ranges():
    start = datetime.date(2027, 3, 1)
    days = [start, start + datetime.timedelta(days=1), start + datetime.timedelta(days=5)]
    assert days_text(days) == "1 March 2027 – 2 March 2027, 6 March 2027"


def test_a_confirmation_is_emailed_once_to_the_firm_and_the_managers_in_their_language(
    offer, partner, owner, manager, django_capture_on_commit_callbacks
):
    from django.core import mail

    from portal.models import OutgoingEmail

    owner.language, manager.language = "fr", "en"
    owner.save()
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        placement = placed(offer, partner, start=5, end=40, desk="B2")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        placed(offer, partner, start=5, end=40, desk="B2")  # a second click: nothing more

    keys = sorted(
        OutgoingEmail.objects.filter(key__startswith="placement-confirmed").values_list(
            "key", flat=True
        )
    )
    assert keys == [f"placement-confirmed:{placement.pk}:{lang}" for lang in ("en", "fr")]
    by_reader = {email.to[0]: email for email in mail.outbox if "Maple" in email.subject}
    assert sorted(by_reader) == sorted([owner.email, manager.email])
    english = by_reader[manager.email]
    assert english.subject == "Desk and dates confirmed: Maple Analytics at Berlin Hub"
    assert (
        f"Berlin Hub confirmed the stay of Maple Analytics: {d(day(5))} – {d(day(40))}. "
        "Desk: B2." in english.body
    )
    assert by_reader[owner.email].body.startswith("Bonjour,")


def test_entries_are_dated_within_the_stay_but_concerns(offer, partner, manager):
    """A check-in before the arrival, or any entry but a concern after the departure, is
    refused (they were kept, dated outside the stay); a mentor assigned before the arrival is
    kept, whether the arrival is logged yet or not."""
    placement = placed(offer, partner)
    with pytest.raises(ValidationError) as error:
        services.add_log_entry(placement, by=partner, kind=EntryKind.CHECK_IN, on=day(-1))
    assert messages(error) == ["A check-in comes once the arrival is logged."]
    services.add_log_entry(
        placement, by=partner, kind=EntryKind.CONCERN, on=day(-9), note="No news"
    )
    services.add_log_entry(placement, by=partner, kind=EntryKind.MENTOR, on=day(-9), mentor="Ana")
    services.log_arrival(placement, by=partner, on=day(-8))
    services.add_log_entry(placement, by=partner, kind=EntryKind.MENTOR, on=day(-9), mentor="Bo")
    services.log_departure(placement, by=partner, on=day(-6))
    placement.refresh_from_db()
    for kind, on, said in [
        (EntryKind.CHECK_IN, day(-9), "before the arrival"),
        (EntryKind.CHECK_IN, day(-1), "after the departure"),
        (EntryKind.MENTOR, day(-1), "after the departure"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.add_log_entry(placement, by=partner, kind=kind, on=on, mentor="Cy")
        assert said in messages(error)[0]
    services.add_log_entry(placement, by=partner, kind=EntryKind.CHECK_IN, on=day(-7))
    services.add_log_entry(placement, by=partner, kind=EntryKind.CONCERN, on=day(-1), note="Key")
    assert list(placement.entries.order_by("on", "pk").values_list("kind", flat=True)) == [
        "concern", "mentor", "mentor", "arrival", "check-in", "departure", "concern"
    ]  # fmt: skip


def test_an_arrival_before_the_placement_window_is_refused(offer, partner, intake):
    """A year typed wrong invoiced a year of desk."""
    placement = placed(offer, partner)
    before = intake.placement_starts_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.log_arrival(placement, by=partner, on=before)
    assert messages(error)[0].startswith("An arrival cannot come before the placement window")
    assert Placement.objects.get(pk=placement.pk).arrived_on is None


def test_a_stay_is_cut_short_only_before_its_planned_end(offer, partner, manager):
    placement = placed(offer, partner, start=-25, end=-6)
    services.log_arrival(placement, by=partner, on=day(-25))
    with pytest.raises(ValidationError) as error:
        services.cut_short(placement, by=manager, on=day(-1), reason="Ill")
    assert messages(error)[0].startswith("A stay is cut short before its planned end")
    with pytest.raises(ValidationError):
        changes.request_change(
            placement, by=partner, kind=ChangeKind.CUT_SHORT, ends_on=day(-6), reason="Ill"
        )
    services.cut_short(placement, by=manager, on=day(-7), reason="Ill")
    assert Placement.objects.get(pk=placement.pk).desk_until == day(-7)


def test_a_change_waiting_when_the_stay_is_cancelled_is_closed(offer, partner, manager, owner):
    placement = placed(offer, partner, start=5, end=40)
    change = changes.request_change(
        placement, by=owner, kind=ChangeKind.MOVE_DATES, starts_on=day(6), ends_on=day(40),
        reason="Visa later",
    )  # fmt: skip
    services.cancel_placement(placement, by=manager, reason=CancelReason.NO_SHOW)
    change.refresh_from_db()
    assert change.status == ChangeStatus.CLOSED
    assert change.events.last().note_text == "Closed: the stay was cancelled."


def test_the_firm_and_the_host_are_told_a_waiting_change_closed_unanswered(
    offer, partner, manager, owner, django_capture_on_commit_callbacks
):
    """A stay that ends while a change to it waits closes the request (not "withdrawn", which
    says the person who asked took it back), and those who asked learn it, in their language."""
    from django.core import mail

    owner.language, partner.language = "fr", "en"
    owner.save()
    partner.save()
    placement = placed(offer, partner, start=-20, end=40)
    services.log_arrival(placement, by=partner, on=day(-20))
    change = changes.request_change(
        placement, by=owner, kind=ChangeKind.MOVE_DATES, ends_on=day(50), reason="More meetings"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.log_departure(placement, by=partner, on=day(0))

    change.refresh_from_db()
    assert change.status == ChangeStatus.CLOSED
    assert change.get_status_display() == "Closed"
    by_reader = {email.to[0]: email for email in mail.outbox}
    assert sorted(by_reader) == sorted([owner.email, partner.email])
    english = by_reader[partner.email]
    assert english.subject == "Change closed unanswered: Maple Analytics at Berlin Hub"
    assert (
        "The stay of Maple Analytics at Berlin Hub has ended while a change to it waited for "
        "the program's answer. The request is closed and nothing was changed." in english.body
    )
    french = by_reader[owner.email]
    assert french.subject == (
        "Modification close sans réponse\u00a0: Maple Analytics chez Berlin Hub"
    )
    assert "La demande est close et rien n’a été changé." in french.body


def test_a_desk_name_with_a_line_break_is_refused(offer, partner):
    with pytest.raises(ValidationError) as error:
        placed(offer, partner, desk="Desk 4\nBcc: x@example.com")
    assert messages(error) == ["Keep this on one line: remove the line breaks."]
    assert not Placement.objects.exists()
