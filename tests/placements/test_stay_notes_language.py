"""The notes the portal writes in a stay's history and in a change request's read in the
reader's language, whoever acted: the event keeps a code and its values (the days as ISO
dates), what a person typed stays as typed, and rows kept as text before read as written."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from placements import changes, services
from placements.enums import CancelReason, ChangeKind, ChangeStatus, PlacementStatus, StayNote
from placements.models import ChangeRequestEvent, PlacementEvent
from tests.placements.conftest import accepted_offer, day, placed

pytestmark = pytest.mark.django_db
C = ChangeStatus
P = PlacementStatus
NBSP, NNBSP = "\xa0", "\u202f"


def days(first, last, language):
    """A stay's first and last day as the reader of ``language`` reads them."""
    with translation.override(language):
        return f"{date_format(day(first))} – {date_format(day(last))}"


def in_english(call):
    """What an English-speaking person does."""
    with translation.override("en"):
        return call()


def moved_in_french(before, after, note):
    return f"Dates déplacées (avant{NBSP}: {before}{NNBSP}; après{NBSP}: {after}){NBSP}: {note}"


def placement_notes(client, manager, placement, language):
    """The notes of the stay's history page, as the reader of ``language`` gets them."""
    client.force_login(manager)
    url = reverse("placements:history", args=[placement.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return [event.note_text for event in response.context["events"]], response


def change_notes(client, reader, change, language):
    """The notes of a change request's page, as the reader of ``language`` gets them."""
    client.force_login(reader)
    url = reverse("placements:change_detail", args=[change.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return [event.note_text for event in response.context["events"]], response


def ask_move(placement, by, start, end):
    return changes.request_change(
        placement,
        by=by,
        kind=ChangeKind.MOVE_DATES,
        starts_on=day(start),
        ends_on=day(end),
        reason="The visa came late.",
    )


def test_dates_moved_by_an_english_manager_read_in_french_with_the_reason_as_typed(
    client, offer, partner, owner, manager
):
    placement = placed(offer, partner, start=10, end=40)
    change = ask_move(placement, owner, 20, 60)

    in_english(lambda: changes.approve_change(change, by=manager, note="Fine."))

    moved = placement.events.last()
    assert (moved.note, moved.note_code, moved.note_values) == (
        "",
        StayNote.DATES_MOVED,
        {
            "before": [day(10).isoformat(), day(40).isoformat()],
            "after": [day(20).isoformat(), day(60).isoformat()],
            "note": "The visa came late.",
        },
    )
    notes, page = placement_notes(client, manager, placement, "fr")
    french = moved_in_french(days(10, 40, "fr"), days(20, 60, "fr"), "The visa came late.")
    assert notes == ["", french]
    assert french in page.content.decode()
    notes, _page = placement_notes(client, manager, placement, "en")
    assert notes[-1] == (
        f"Dates moved from {days(10, 40, 'en')} to {days(20, 60, 'en')}: The visa came late."
    )


def test_an_early_arrival_logged_in_english_reads_in_french(client, intake, host, partner, manager):
    stay = placed(accepted_offer(intake, host), partner, start=-10, end=40)

    in_english(lambda: services.log_arrival(stay, by=partner, on=day(-15)))

    moved = stay.events.order_by("pk")[1]
    assert (moved.note, moved.note_code, moved.note_values) == (
        "",
        StayNote.ARRIVED_EARLY,
        {
            "before": [day(-10).isoformat(), day(40).isoformat()],
            "after": [day(-15).isoformat(), day(40).isoformat()],
        },
    )
    notes, page = placement_notes(client, manager, stay, "fr")
    french = moved_in_french(
        days(-10, 40, "fr"), days(-15, 40, "fr"), "l’entreprise est arrivée avant le début prévu."
    )
    assert notes == ["", french, ""]
    assert french in page.content.decode()
    with translation.override("en"):
        assert moved.note_text == (
            f"Dates moved from {days(-10, 40, 'en')} to {days(-15, 40, 'en')}: "
            "the firm arrived before the planned start."
        )


def test_a_request_closed_by_a_departure_logged_in_english_reads_in_french(
    client, offer, partner, owner, manager
):
    placement = placed(offer, partner, start=-10, end=40)
    services.log_arrival(placement, by=partner, on=day(-10))
    change = ask_move(placement, owner, -10, 45)

    in_english(lambda: services.log_departure(placement, by=partner, on=day(0)))

    closing = change.events.get(to_status=C.CLOSED)
    assert (closing.note, closing.note_code, closing.note_values) == (
        "",
        StayNote.STAY_ENDED,
        {},
    )
    notes, page = change_notes(client, owner, change, "fr")
    assert notes == ["", f"Close{NBSP}: le séjour est terminé."]
    assert f"Close{NBSP}: le séjour est terminé." in page.content.decode()
    notes, _page = change_notes(client, owner, change, "en")
    assert notes == ["", "Closed: the stay has ended."]


def test_a_request_closed_by_a_cancellation_in_english_reads_in_french(
    client, offer, partner, owner, manager
):
    placement = placed(offer, partner, start=5, end=40)
    change = ask_move(placement, owner, 6, 40)

    in_english(
        lambda: services.cancel_placement(placement, by=manager, reason=CancelReason.NO_SHOW)
    )

    closing = change.events.get(to_status=C.CLOSED)
    assert (closing.note, closing.note_code) == ("", StayNote.STAY_CANCELLED)
    notes, page = change_notes(client, owner, change, "fr")
    assert notes == ["", f"Close{NBSP}: le séjour a été annulé."]
    assert f"Close{NBSP}: le séjour a été annulé." in page.content.decode()
    notes, _page = change_notes(client, owner, change, "en")
    assert notes == ["", "Closed: the stay was cancelled."]


def test_rows_kept_as_text_before_read_as_written(client, offer, partner, owner, manager):
    placement = placed(offer, partner, start=10, end=40)
    change = ask_move(placement, owner, 20, 60)
    old_move = "Dates moved from 1 May 2026 – 30 May 2026 to 5 May 2026 – 4 June 2026: Visa."
    PlacementEvent.objects.create(
        placement=placement, actor=manager, from_status=P.SCHEDULED, to_status=P.SCHEDULED,
        note=old_move,
    )  # fmt: skip
    ChangeRequestEvent.objects.create(
        request=change, actor=manager, from_status=C.PENDING, to_status=C.CLOSED,
        note="Close\u00a0: le séjour est terminé.",
    )  # fmt: skip

    notes, page = placement_notes(client, manager, placement, "fr")
    assert notes == ["", old_move]
    assert old_move in page.content.decode()
    notes, page = change_notes(client, owner, change, "en")
    assert notes == ["", "Close\u00a0: le séjour est terminé."]
    assert "Close\u00a0: le séjour est terminé." in page.content.decode()
