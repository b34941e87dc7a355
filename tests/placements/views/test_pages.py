import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format as d

from applications.enums import ApplicationStatus, OfferStatus
from applications.models import Application, Company, Offer, SelectionRun
from placements import services
from placements.enums import EntryKind, PlacementStatus
from placements.models import Placement
from tests import factories
from tests.placements.conftest import accepted_offer, day, placed

pytestmark = pytest.mark.django_db
P = PlacementStatus


def texts(response):
    return [str(message) for message in response.context["messages"]]


def test_the_partner_confirms_from_the_workspace(client, partner, offer):
    client.force_login(partner)
    page = client.get(reverse("placements:partner_workspace"))
    assert [row["company"] for row in page.context["rows"]] == ["Maple Analytics"]
    assert (page.context["rows"][0]["start"], page.context["rows"][0]["end"]) == (
        day(-10).isoformat(),
        day(40).isoformat(),
    )
    response = client.post(
        reverse("placements:confirm", args=[offer.pk]),
        {"desk": "Window 2", "starts_on": day(-10), "ends_on": day(40)},
        follow=True,
    )
    placement = Placement.objects.get()
    assert response.redirect_chain == [(reverse("placements:detail", args=[placement.pk]), 302)]
    assert texts(response) == ["Desk and dates of Maple Analytics confirmed."]
    assert (placement.desk, placement.status) == ("Window 2", P.SCHEDULED)


def test_a_full_desk_is_refused_on_the_page_with_the_days(client, partner, offer, intake, host):
    placed(accepted_offer(intake, host), partner, start=0, end=5)
    client.force_login(partner)
    response = client.post(
        reverse("placements:confirm", args=[offer.pk]),
        {"desk": "", "starts_on": day(3), "ends_on": day(20)},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"Berlin Hub has no free desk on these days: {d(day(3))} – {d(day(5))}."
    ]
    assert Placement.objects.count() == 1


def test_a_second_click_is_told_and_changes_nothing(client, partner, offer):
    client.force_login(partner)
    url = reverse("placements:confirm", args=[offer.pk])
    data = {"desk": "A", "starts_on": day(-10), "ends_on": day(40)}
    client.post(url, data, follow=True)
    response = client.post(url, data | {"desk": "B"}, follow=True)
    placement = Placement.objects.get()
    assert response.redirect_chain == [(reverse("placements:detail", args=[placement.pk]), 302)]
    assert texts(response) == [
        "The desk and dates of Maple Analytics were already confirmed by Petra Partner: "
        f"{d(day(-10))} – {d(day(40))}. Nothing was changed."
    ]
    assert placement.desk == "A"


def test_the_firm_reads_the_partners_entries_but_not_staff_notes(
    client, partner, owner, manager, offer, host
):
    host.address = "Torstraße 1, Berlin"
    host.save()
    placement = placed(offer, partner, desk="Desk 7")
    client.force_login(partner)
    for data in [
        {"kind": "introduction", "on": day(-2), "note": "Good meeting",
         "organisation": "Banco Norte", "country": "BR", "introduction_kind": "investor",
         "hoped_outcome": "A seed round"},
        {"kind": "mentor", "on": day(-3), "mentor": "Ana Lima", "expertise": "Fintech",
         "languages": "Portuguese, English"},
        {"kind": "concern", "on": day(-1), "note": "Rarely at the desk", "staff_only": "on"},
    ]:  # fmt: skip
        response = client.post(reverse("placements:add_entry", args=[placement.pk]), data)
        assert response.status_code == 302, response.context["entry_form"].errors
    client.force_login(owner)
    page = client.get(reverse("placements:detail", args=[placement.pk]))
    body = page.content.decode()
    assert [entry.kind for entry in page.context["entries"]] == [
        EntryKind.MENTOR,
        EntryKind.INTRODUCTION,
    ]
    assert "Rarely at the desk" not in body
    for text in ["Torstraße 1, Berlin", "Desk 7", "Petra Partner", "Ana Lima", "Banco Norte"]:
        assert text in body
    assert page.context["can_log"] is False
    client.force_login(manager)
    page = client.get(reverse("placements:detail", args=[placement.pk]))
    assert "Rarely at the desk" in page.content.decode()


def test_an_incomplete_entry_is_shown_back_with_the_reason(client, partner, offer):
    placement = placed(offer, partner)
    client.force_login(partner)
    response = client.post(
        reverse("placements:add_entry", args=[placement.pk]),
        {"kind": "service", "on": day(-1), "hours": "2"},
    )
    assert response.status_code == 200
    assert response.context["entry_form"].non_field_errors() == ["Choose the service delivered."]
    assert placement.entries.count() == 0


def test_the_partner_logs_arrival_and_departure(client, partner, offer):
    placement = placed(offer, partner)
    client.force_login(partner)
    client.post(reverse("placements:arrival", args=[placement.pk]), {"on": day(-9)})
    response = client.post(
        reverse("placements:departure", args=[placement.pk]),
        {"on": day(-10), "note": "Left early."},
    )
    assert texts(response) == ["Arrival logged."]
    # Refused: the page again, the form as typed and why.
    form = response.context["stay_form"]
    assert form.non_field_errors() == [
        f"A departure cannot come before the arrival ({d(day(-9))})."
    ]
    assert form["note"].value() == "Left early."
    client.post(reverse("placements:departure", args=[placement.pk]), {"on": day(0)})
    placement.refresh_from_db()
    assert (placement.status, placement.arrived_on, placement.departed_on) == (
        P.COMPLETED,
        day(-9),
        day(0),
    )


def test_a_removed_partner_loses_the_placement_at_once(client, partner, offer, host):
    from programs import services as programs_services

    placement = placed(offer, partner)
    client.force_login(partner)
    assert client.get(reverse("placements:detail", args=[placement.pk])).status_code == 200
    programs_services.remove_host_partner(host, user=partner)
    assert client.get(reverse("placements:detail", args=[placement.pk])).status_code == 404


def manager_rows(client, program, query=""):
    response = client.get(reverse("placements:program_list", args=[program.pk]) + query)
    return [(row["company"], row["status"]) for row in response.context["rows"]]


def test_the_manager_filters_what_needs_attention(client, partner, manager, intake, host):
    waiting = accepted_offer(intake, host, factories.CompanyFactory(name="Waits Ltd"))
    ending = placed(
        accepted_offer(intake, host, factories.CompanyFactory(name="Ends Ltd")),
        partner, start=-20, end=3,
    )  # fmt: skip
    worried = placed(
        accepted_offer(intake, host, factories.CompanyFactory(name="Worry Ltd")),
        partner, start=10, end=30,
    )  # fmt: skip
    services.add_log_entry(worried, by=partner, kind=EntryKind.CONCERN, on=day(0), note="Visa?")
    services.log_arrival(ending, by=partner, on=day(-20))
    client.force_login(manager)
    program = intake.program
    assert manager_rows(client, program) == [
        ("Waits Ltd", "Waiting for the host"),
        ("Ends Ltd", "In residence"),
        ("Worry Ltd", "Scheduled"),
    ]
    assert manager_rows(client, program, "?attention=waiting") == [
        ("Waits Ltd", "Waiting for the host")
    ]
    assert manager_rows(client, program, "?attention=concern") == [("Worry Ltd", "Scheduled")]
    assert manager_rows(client, program, "?attention=ending") == [("Ends Ltd", "In residence")]
    assert manager_rows(client, program, "?status=in-residence") == [("Ends Ltd", "In residence")]
    assert manager_rows(client, program, f"?host={host.pk}&intake={intake.pk}") == [
        ("Waits Ltd", "Waiting for the host"),
        ("Ends Ltd", "In residence"),
        ("Worry Ltd", "Scheduled"),
    ]
    response = client.get(
        reverse("placements:program_list", args=[program.pk]) + "?format=csv&attention=concern"
    )
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines == [
        ["Company", "Country code", "Host", "Market code", "Intake", "Status", "Status code",
         "Desk", "Start", "End", "Arrival", "Departure", "Concern logged"],
        ["Worry Ltd", "CA", "Berlin Hub", host.market.country.code, intake.title, "Scheduled",
         "scheduled", "", day(10).isoformat(), day(30).isoformat(), "", "", "yes"],
    ]  # fmt: skip
    assert waiting.pk  # listed above, as waiting


def test_the_history_lists_every_change(client, partner, manager, offer):
    placement = placed(offer, partner)
    services.log_arrival(placement, by=partner, on=day(-9))
    services.cut_short(placement, by=manager, on=day(-1), reason="Went home early")
    client.force_login(manager)
    response = client.get(reverse("placements:history", args=[placement.pk]))
    assert [
        (event.actor, event.from_status, event.to_status, event.note)
        for event in response.context["events"]
    ] == [
        (partner, "", P.SCHEDULED, ""),
        (partner, P.SCHEDULED, P.IN_RESIDENCE, ""),
        (manager, P.IN_RESIDENCE, P.CUT_SHORT, "Went home early"),
    ]


def test_dashboards_show_the_waiting_placement(client, partner, manager, owner, offer):
    client.force_login(partner)
    assert "1 firm waits for a desk and dates" in client.get(reverse("dashboard")).content.decode()
    client.force_login(manager)
    body = client.get(reverse("dashboard")).content.decode()
    program_url = reverse("placements:program_list", args=[offer.intake.program_id])
    assert f'<a href="{program_url}?attention=waiting">1 waiting for the host</a>' in body
    assert f'<li><a href="{program_url}">{offer.intake.program.name}</a>' in body
    client.force_login(owner)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Maple Analytics at Berlin Hub: the host is confirming your desk and dates." in body


def test_the_firms_dashboard_shows_its_stay_and_nobody_elses(client, partner, owner, offer):
    placement = placed(offer, partner)
    other = accepted_offer(offer.intake, offer.host, starts_on=day(-10), ends_on=day(40))
    client.force_login(owner)
    body = client.get(reverse("dashboard")).content.decode()
    url = reverse("placements:detail", args=[placement.pk])
    assert (
        f'<li><a href="{url}">Maple Analytics at Berlin Hub</a> · {d(day(-10))} – {d(day(40))} '
        f'<span class="badge">{placement.get_status_display()}</span></li>'
    ) in body
    assert "the host is confirming your desk and dates" not in body  # another firm's offer
    assert other.application.company.name not in body


def many(intake, host, count, *, placed_status=None, by):
    """``count`` accepted offers at ``host``, each with a placement of ``placed_status`` (none:
    waiting for the host), made in bulk."""
    run = SelectionRun.objects.filter(intake=intake).first() or SelectionRun.objects.create(
        intake=intake, number=1, started_by=by
    )
    companies = Company.objects.bulk_create(
        Company(name=f"Bulk {n} {placed_status}", country="CA") for n in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(company=company, intake=intake, status=ApplicationStatus.ACCEPTED,
                    created_by=by)
        for company in companies
    )  # fmt: skip
    offers = Offer.objects.bulk_create(
        Offer(application=application, intake=intake, host=host, run=run, stipend=1000,
              status=OfferStatus.ACCEPTED)
        for application in applications
    )  # fmt: skip
    if placed_status:
        Placement.objects.bulk_create(
            Placement(offer=offer, company=offer.application.company, intake=intake, host=host,
                      starts_on=day(-5), ends_on=day(20), desk_until=day(20),
                      status=placed_status, confirmed_by=by,
                      check_in_due_on=day(-4) if placed_status == P.IN_RESIDENCE else None)
            for offer in offers
        )  # fmt: skip


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["rows"]), response.context["page"].paginator.count


@pytest.mark.parametrize(
    ("tab", "status"),
    [("confirm", None), ("arriving", P.SCHEDULED), ("residence", P.IN_RESIDENCE),
     ("overdue", P.IN_RESIDENCE), ("gone", P.COMPLETED)],
)  # fmt: skip
def test_the_workspace_runs_the_same_queries_for_3_and_300(client, partner, intake, host, tab,
                                                           status):  # fmt: skip
    client.force_login(partner)
    url = reverse("placements:partner_workspace") + f"?tab={tab}"
    many(intake, host, 3, placed_status=status, by=partner)
    few = count_queries(client, url)
    many(intake, host, 297, placed_status=status, by=partner)
    lots = count_queries(client, url)
    # The tab's total is the count its tab shows: no count query of its own.
    assert (few, lots) == ((few[0], 3, 3), (few[0], 25, 300))
    assert few[0] == 6


def test_the_manager_list_runs_the_same_queries_for_3_and_300(client, partner, manager, intake,
                                                              host):  # fmt: skip
    client.force_login(manager)
    url = reverse("placements:program_list", args=[intake.program.pk])
    many(intake, host, 1, by=partner)
    many(intake, host, 1, placed_status=P.SCHEDULED, by=partner)
    many(intake, host, 1, placed_status=P.IN_RESIDENCE, by=partner)
    few = count_queries(client, url)
    many(intake, host, 150, placed_status=P.IN_RESIDENCE, by=partner)
    many(intake, host, 147, by=partner)
    lots = count_queries(client, url)
    assert (few, lots) == ((few[0], 3, 3), (few[0], 25, 300))
    assert few[0] == 6


def test_another_firms_member_gets_a_404(client, partner, offer):
    placement = placed(offer, partner)
    stranger = factories.CompanyMemberFactory().user
    client.force_login(stranger)
    for url in [
        reverse("placements:detail", args=[placement.pk]),
        reverse("placements:history", args=[placement.pk]),
        reverse("placements:confirm", args=[offer.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("placements:add_entry", args=[placement.pk]), {"kind": "check-in", "on": day(0)}
    )
    assert response.status_code == 404
    assert placement.entries.count() == 0


PAYLOAD = '<script>alert("typed")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;typed&quot;)&lt;/script&gt;"


def test_typed_text_is_printed_escaped(client, partner, manager, offer, company, host, intake):
    placement = placed(offer, partner, desk="D1")
    services.add_log_entry(
        placement, by=partner, kind=EntryKind.INTRODUCTION, on=day(0), note=PAYLOAD,
        organisation="Org", introduction_kind="customer", hoped_outcome=PAYLOAD,
    )  # fmt: skip
    services.add_log_entry(
        placement, by=partner, kind=EntryKind.MENTOR, on=day(0), mentor="M", expertise=PAYLOAD
    )
    Company.objects.update(name=PAYLOAD)
    Placement.objects.update(desk=PAYLOAD)
    type(host).objects.update(name=PAYLOAD, address=PAYLOAD)
    type(intake).objects.update(title=PAYLOAD)
    accepted_offer(intake, host, factories.CompanyFactory(name=PAYLOAD))
    pages = [
        (partner, reverse("placements:detail", args=[placement.pk])),
        (partner, reverse("placements:partner_workspace") + "?tab=confirm"),
        (partner, reverse("placements:partner_workspace") + "?tab=arriving"),
        (manager, reverse("placements:program_list", args=[intake.program.pk])),
        (manager, reverse("placements:history", args=[placement.pk])),
        (partner, reverse("dashboard")),
    ]
    for person, url in pages:
        client.force_login(person)
        body = client.get(url).content.decode()
        assert PAYLOAD not in body, url
        assert ESCAPED in body, url


def test_the_firm_answers_a_check_in_and_reads_its_answer_on_its_stay_page(
    client, partner, owner, manager, offer
):
    placement = placed(offer, partner, start=-20, end=40)
    services.log_arrival(placement, by=partner, on=day(-20))
    asked = services.add_log_entry(
        placement, by=partner, kind=EntryKind.CHECK_IN, on=day(-5), note="How is it going?"
    )
    private = services.add_log_entry(
        placement, by=partner, kind=EntryKind.CHECK_IN, on=day(-4), note="Quiet", staff_only=True
    )
    client.force_login(owner)
    url = reverse("placements:answer_check_in", args=[placement.pk, asked.pk])
    response = client.post(url, {"went_well": "Two pilots", "needs": "A distributor"})
    assert response["Location"] == (
        reverse("placements:detail", args=[placement.pk]) + f"#check-in-{asked.pk}"
    )
    asked.refresh_from_db()
    assert (asked.went_well, asked.needs, asked.answered_by) == (
        "Two pilots",
        "A distributor",
        owner,
    )
    body = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    assert "Two pilots" in body and "A distributor" in body and "Quiet" not in body
    # A staff-only check-in is not the firm's to answer (it does not see it): a 404.
    private_url = reverse("placements:answer_check_in", args=[placement.pk, private.pk])
    assert client.post(private_url, {"went_well": "x"}).status_code == 404
    # An empty answer is refused and changes nothing.
    response = client.post(url, {"went_well": " ", "needs": ""}, follow=True)
    assert texts(response) == ["Say what went well or what the firm needs."]
    asked.refresh_from_db()
    assert asked.went_well == "Two pilots"
    # The host's partner and the manager read the answer; neither may give it.
    for person in (partner, manager):
        client.force_login(person)
        body = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
        assert "Two pilots" in body
        assert client.post(url, {"went_well": "Mine"}).status_code == 403


def test_check_in_overdue_is_a_filter_of_the_manager_and_a_tab_of_the_partner(
    client, partner, manager, intake, host
):
    intake.check_in_every_days = 7
    intake.save()
    late = placed(
        accepted_offer(intake, host, factories.CompanyFactory(name="Late Ltd")),
        partner, start=-30, end=-1 + 40,
    )  # fmt: skip
    services.log_arrival(late, by=partner, on=day(-30))
    # Checked in 11 days ago: due 4 days ago, overdue (3 days late or more).
    services.add_log_entry(late, by=partner, kind=EntryKind.CHECK_IN, on=day(-11))
    recent = placed(
        accepted_offer(intake, host, factories.CompanyFactory(name="Recent Ltd")),
        partner, start=39 + 1, end=60,
    )  # fmt: skip
    late.refresh_from_db()
    assert late.check_in_due_on == day(-4)
    client.force_login(manager)
    assert manager_rows(client, intake.program, "?attention=check-in-overdue") == [
        ("Late Ltd", "In residence")
    ]
    assert "1 check-in overdue" in client.get(reverse("dashboard")).content.decode()
    # A check-in logged today: due in a week, no longer overdue.
    services.add_log_entry(late, by=partner, kind=EntryKind.CHECK_IN, on=day(0))
    assert manager_rows(client, intake.program, "?attention=check-in-overdue") == []
    services.add_log_entry(late, by=partner, kind=EntryKind.CHECK_IN, on=day(-9))  # older
    late.refresh_from_db()
    assert late.check_in_due_on == day(7)

    Placement.objects.filter(pk=late.pk).update(check_in_due_on=day(-3))
    client.force_login(partner)
    response = client.get(reverse("placements:partner_workspace") + "?tab=overdue")
    assert [row["company"] for row in response.context["rows"]] == ["Late Ltd"]
    assert {tab["key"]: tab["count"] for tab in response.context["tabs"]} == {
        "confirm": 0,
        "arriving": 1,
        "residence": 1,
        "overdue": 1,
        "gone": 0,
    }
    assert "1 check-in overdue" in client.get(reverse("dashboard")).content.decode()
    # The departure ends the check-ins.
    services.log_departure(late, by=partner, on=day(0))
    late.refresh_from_db()
    assert late.check_in_due_on is None
    assert recent.check_in_due_on is None


def test_the_manager_list_of_a_program_that_does_not_exist_is_a_404(client, manager, intake):
    client.force_login(manager)
    missing = intake.program.pk + 1000

    assert client.get(reverse("placements:program_list", args=[missing])).status_code == 404
    shown = client.get(reverse("placements:program_list", args=[intake.program.pk]))
    assert (shown.status_code, shown.context["program"]) == (
        200,
        {"pk": intake.program.pk, "name": intake.program.name},
    )


def test_an_introduction_sent_twice_is_logged_once(client, partner, offer):
    """A double click logged two introductions, and the outcomes counted both."""
    import re

    placement = placed(offer, partner)
    client.force_login(partner)
    page = client.get(reverse("placements:detail", args=[placement.pk])).content.decode()
    once = re.search(r'name="once" value="([0-9a-f]{32})"', page).group(1)
    data = {"kind": "introduction", "on": day(-1), "organisation": "Bayer", "country": "DE",
            "introduction_kind": "customer", "once": once}  # fmt: skip
    for _ in range(2):
        response = client.post(reverse("placements:add_entry", args=[placement.pk]), data)
        assert response.status_code == 302
    assert placement.entries.filter(kind="introduction").count() == 1
