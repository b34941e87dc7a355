"""The selection pages: a run from the form to its slate, progress polled by htmx, adjust and
confirm with the breaks named, the decision outbox, the applicant's offer; fixed query counts;
404 for what is not the person's."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from djmoney.money import Money

from applications import services
from applications.enums import ApplicationStatus, OfferStatus, RunStatus
from applications.models import Offer, SelectionRun
from programs.enums import StaffRole
from tests import factories
from tests.applications.conftest import run_now, shortlisted

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def count_queries(client, url):
    client.get(url)  # a first request fills the process's caches (session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_a_manager_starts_a_run_from_the_form_and_reads_the_slate(
    client, intake, manager, field, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    url = reverse("applications:selection", args=[intake.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the task runs inline
        response = client.post(url, {"min_score": "50", "rank_penalty": "0"})
    run = SelectionRun.objects.get()
    assert response.url == reverse("applications:selection_run", args=[run.pk])
    page = client.get(response.url)
    html = page.content.decode()
    assert run.status == RunStatus.DONE and run.progress == 100
    assert "proven optimal" in html and "Its preferred hosts are full" in html
    assert "Score below the minimum" in html and "The slate meets every constraint." in html


def test_bad_run_parameters_are_refused_next_to_the_field(client, intake, manager, field):
    client.force_login(manager)
    url = reverse("applications:selection", args=[intake.pk])
    response = client.post(url, {"min_score": "150", "rank_penalty": "-1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "min_score" in errors and "rank_penalty" in errors
    assert not SelectionRun.objects.exists()


def test_a_second_run_while_one_is_under_way_is_refused_with_a_message(
    client, intake, manager, field
):
    services.start_run(intake, by=manager)  # queued; its task never ran
    client.force_login(manager)
    url = reverse("applications:selection", args=[intake.pk])
    response = client.post(url, {"min_score": "0", "rank_penalty": "0"}, follow=True)
    assert "Run 1 is still under way; wait for it to finish." in messages_of(response)
    assert SelectionRun.objects.count() == 1


def test_the_progress_bar_polls_until_the_run_is_over(client, intake, manager, field):
    run = services.start_run(intake, by=manager)
    client.force_login(manager)
    url = reverse("applications:run_progress", args=[run.pk])
    polling = client.get(url, headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in polling.content and b'value="0"' in polling.content
    services.execute_run(run)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_someone_elses_run_and_offer_are_404(client, intake, manager, field):
    run = run_now(intake, manager)
    services.confirm_slate(run, by=manager)
    services.release_decisions(intake, by=manager)
    offer = Offer.objects.get(application=field["ada"])
    other_manager = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    reviewer = factories.ProgramStaffFactory(program=intake.program, role=StaffRole.REVIEWER).user
    for person in [other_manager, reviewer, field["bo"].owner]:
        client.force_login(person)
        assert client.get(reverse("applications:selection_run", args=[run.pk])).status_code == 404
        assert client.get(reverse("applications:offer", args=[offer.pk])).status_code == 404
        assert client.get(reverse("applications:selection", args=[intake.pk])).status_code == 404


def test_a_slate_with_a_break_is_named_and_confirming_it_changes_nothing(
    client, intake, manager, field, hosts
):
    run = run_now(intake, manager, min_score=50)
    client.force_login(manager)
    client.post(
        reverse("applications:adjust_slate", args=[run.pk]),
        {"application": field["cy"].pk, "host": hosts[0].pk},
    )
    page = client.get(reverse("applications:selection_run", args=[run.pk]))
    assert "Alpha has 2 offers for 1 desks." in page.content.decode()
    response = client.post(reverse("applications:confirm_slate", args=[run.pk]), follow=True)
    assert "Alpha has 2 offers for 1 desks." in messages_of(response)
    assert not Offer.objects.exists()


def test_confirm_preview_and_release_then_the_owner_accepts(
    client, intake, manager, field, django_capture_on_commit_callbacks
):
    run = run_now(intake, manager, min_score=50)
    client.force_login(manager)
    response = client.post(reverse("applications:confirm_slate", args=[run.pk]))
    decisions = reverse("applications:decisions", args=[intake.pk])
    assert response.url == decisions
    preview = client.get(decisions).content.decode()
    assert "A place for you" in preview and "owner@ada.example" in preview
    assert mail.outbox == []
    # Clicking confirm again changes nothing and queues nothing.
    again = client.post(reverse("applications:confirm_slate", args=[run.pk]), follow=True)
    assert "This intake's slate is already confirmed." in messages_of(again)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decisions)
        client.post(decisions)  # a double click
    assert len(mail.outbox) == 4
    offer = Offer.objects.get(application=field["ada"])
    owner = field["ada"].owner
    client.force_login(owner)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert reverse("applications:offer", args=[offer.pk]) in dashboard
    page = client.get(reverse("applications:offer", args=[offer.pk]))
    assert b"Accept the place" in page.content
    client.post(reverse("applications:accept_offer", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED


def test_a_staff_member_cannot_answer_and_is_told_why(client, intake, manager, field):
    run = run_now(intake, manager, min_score=50)
    services.confirm_slate(run, by=manager)
    services.release_decisions(intake, by=manager)
    offer = Offer.objects.get(application=field["ada"])
    staff = factories.CompanyMemberFactory(company=field["ada"].company, role="staff").user
    client.force_login(staff)
    page = client.get(reverse("applications:offer", args=[offer.pk]))
    assert "Only the company's owner can accept" in page.content.decode()
    response = client.post(reverse("applications:accept_offer", args=[offer.pk]), follow=True)
    assert "Only the company's owner can accept or decline the offer." in messages_of(response)
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.OPEN


def test_an_offer_is_hidden_from_the_applicant_until_released(client, intake, manager, field):
    run = run_now(intake, manager)
    services.confirm_slate(run, by=manager)
    offer = Offer.objects.get(application=field["ada"])
    client.force_login(field["ada"].owner)
    assert client.get(reverse("applications:offer", args=[offer.pk])).status_code == 404
    dashboard = client.get(reverse("dashboard")).content.decode()
    page = client.get(reverse("applications:step", args=[field["ada"].pk, "review"]))
    for html in [dashboard, page.content.decode()]:
        assert "Shortlisted" in html and "offered a place" not in html
    services.release_decisions(intake, by=manager)
    page = client.get(reverse("applications:step", args=[field["ada"].pk, "review"]))
    html = page.content.decode()
    assert "You have been offered a place." in html
    assert "Selection run 1" not in html and str(manager) not in html  # staff notes and names
    # The stipend is money as every page writes it, in the reader's language.
    offer.refresh_from_db()
    stipend = Money(offer.stipend, "CAD")
    page = client.get(reverse("applications:offer", args=[offer.pk]))
    assert f"<dd>{stipend}</dd>" in page.content.decode()
    with translation.override("fr"):
        expected = str(stipend)
    french = client.get(
        reverse("applications:offer", args=[offer.pk]), headers={"accept-language": "fr"}
    )
    assert f"<dd>{expected}</dd>" in french.content.decode() and "$CA" in expected


def test_two_runs_are_compared_side_by_side(client, intake, manager, field):
    first = run_now(intake, manager, min_score=50)
    second = run_now(intake, manager, min_score=85)  # only Ada is placeable
    client.force_login(manager)
    url = reverse("applications:compare_runs", args=[intake.pk])
    page = client.get(f"{url}?a={first.pk}&b={second.pk}")
    assert page.status_code == 200
    rows = page.context["rows"]
    # Those placed differently first, then by score.
    assert [(row["company"], row["differs"]) for row in rows] == [
        ("Bo", True),
        ("Ada", False),
        ("Cy", False),
        ("Di", False),
    ]
    refusal = "Choose two runs of this intake to compare."
    missing = client.get(f"{url}?a={first.pk}&b=999999", follow=True)
    assert refusal in messages_of(missing)
    # Runs of another intake are not this intake's to compare.
    other = factories.IntakeFactory(program=intake.program)
    elsewhere = reverse("applications:compare_runs", args=[other.pk])
    response = client.get(f"{elsewhere}?a={first.pk}&b={second.pk}", follow=True)
    assert refusal in messages_of(response)


@pytest.mark.parametrize("count", [3, 60])
def test_selection_pages_run_the_same_queries_whatever_their_length(
    client, intake, manager, hosts, count
):
    for n in range(count):
        shortlisted(intake, f"Firm{n:03d}", 50 + n % 40, hosts)
    first = run_now(intake, manager)
    second = run_now(intake, manager, rank_penalty=3)
    client.force_login(manager)
    counts = {
        "selection": count_queries(client, reverse("applications:selection", args=[intake.pk])),
        "run": count_queries(client, reverse("applications:selection_run", args=[first.pk])),
        "compare": count_queries(
            client,
            reverse("applications:compare_runs", args=[intake.pk]) + f"?a={first.pk}&b={second.pk}",
        ),
    }
    services.confirm_slate(second, by=manager)
    counts["offers"] = count_queries(client, reverse("applications:selection", args=[intake.pk]))
    counts["decisions"] = count_queries(client, reverse("applications:decisions", args=[intake.pk]))
    assert counts == {"selection": 12, "run": 10, "compare": 8, "offers": 11, "decisions": 6}


def preview_of(page, outcome):
    """The names under one outcome of the confirmation's preview, and its count."""
    import re

    html = page.content.decode()
    block = re.search(rf'id="preview-{outcome}">(.*?)</details>', html, re.S).group(1)
    count = re.search(r'decision-preview__count">(\d+)<', block).group(1)
    return int(count), re.findall(r"<li>(.*?)</li>", block)


def test_the_confirmation_page_previews_every_applications_email_and_the_reviews_close(
    client, intake, manager, field
):
    company = factories.CompanyFactory(name="Eve")
    factories.CompanyMemberFactory(company=company, user__email="owner@eve.example")
    eve = factories.ApplicationFactory(company=company, intake=intake, status=S.IN_REVIEW)
    review = factories.ReviewFactory(application=eve)
    run = run_now(intake, manager, min_score=50)
    client.force_login(manager)
    page = client.get(reverse("applications:selection_run", args=[run.pk]))
    assert preview_of(page, "offer") == (2, ["Ada · Alpha", "Bo · Beta"])
    assert preview_of(page, "waitlist") == (1, ["Cy"])
    assert preview_of(page, "not-selected") == (2, ["Di", "Eve"])
    assert 'id="preview-ineligible"' not in page.content.decode()

    client.post(reverse("applications:confirm_slate", args=[run.pk]))
    eve.refresh_from_db()
    assert eve.status == S.NOT_SELECTED
    # The reviewer's list shows Eve's review closed, no longer to do.
    client.force_login(review.reviewer)
    reviews = client.get(reverse("applications:reviews")).content.decode()
    assert 'Eve</a> <span class="muted">(Not selected)</span>' in reviews
    assert "To do" not in reviews and "Closed" in reviews
    # Until the release, Eve's owner sees the application in review, as before.
    client.force_login(company.members.get().user)
    mine = client.get(reverse("applications:step", args=[eve.pk, "review"])).content.decode()
    assert "In review" in mine and "Not selected" not in mine and "Shortlisted" not in mine


def test_an_undecided_application_is_named_and_stops_the_confirmation(
    client, intake, manager, field
):
    company = factories.CompanyFactory(name="Eve")
    factories.ApplicationFactory(company=company, intake=intake, status=S.SCREENING)
    run = run_now(intake, manager, min_score=50)
    client.force_login(manager)
    page = client.get(reverse("applications:selection_run", args=[run.pk])).content.decode()
    problem = "Eve waits for screening: decide its eligibility before confirming."
    assert problem in page
    response = client.post(reverse("applications:confirm_slate", args=[run.pk]), follow=True)
    assert problem in messages_of(response)
    assert not Offer.objects.exists()


def test_a_manager_reads_the_decline_reason_and_offers_the_freed_seat_by_hand(
    client, intake, manager, field, hosts, django_capture_on_commit_callbacks
):
    alpha, beta = hosts
    run = run_now(intake, manager, min_score=50)
    services.confirm_slate(run, by=manager)
    services.release_decisions(intake, by=manager)
    eve = shortlisted(intake, "Eve", 60, [beta])
    factories.set_status(eve, S.NOT_SELECTED)
    bo_offer = Offer.objects.get(application=field["bo"])
    services.decline_offer(bo_offer, by=field["bo"].owner, reason="We open <b>Lisbon</b> first.")
    client.force_login(manager)
    url = reverse("applications:selection", args=[intake.pk])
    page = client.get(url).content.decode()
    assert "Their reason: <q>We open &lt;b&gt;Lisbon&lt;/b&gt; first.</q>" in page
    assert f'<option value="{field["di"].pk}">Di (Not selected)</option>' in page
    assert f'<option value="{eve.pk}">Eve (Not selected)</option>' in page
    seat = reverse("applications:offer_seat", args=[intake.pk, bo_offer.pk])

    response = client.post(seat, {f"seat-{bo_offer.pk}-application": field["di"].pk}, follow=True)
    assert messages_of(response) == [
        "The seat was not offered: nothing changed.",
        "Di scores below the run's minimum of 50.00.",
    ]
    response = client.post(seat, {f"seat-{bo_offer.pk}-application": "9" * 30}, follow=True)
    assert messages_of(response) == ["Choose who the seat goes to."]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(seat, {f"seat-{bo_offer.pk}-application": eve.pk}, follow=True)
    assert messages_of(response) == ["Eve is offered the seat at Beta and has been told by email."]
    assert Offer.objects.get(application=eve).replaces == bo_offer
    assert [m.to for m in mail.outbox][-1] == ["owner@eve.example"]
    response = client.post(seat, {f"seat-{bo_offer.pk}-application": eve.pk}, follow=True)
    assert messages_of(response) == ["This seat is no longer free."]
    assert "No free seat." in response.content.decode()


# Held decisions: until the release the three decisions look the same to the applicant -------


CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')
EDITOR = re.compile(rb'name="editor" value="[^"]+"')


def _normalised(response):
    return EDITOR.sub(b"", CSRF.sub(b"", response.content))


def _what_the_applicant_gets(client, application, offer_pk):
    """Every page, button and URL of the application an owner can reach, with its answer."""
    pages = {
        "dashboard": reverse("dashboard"),
        "start": reverse("applications:start", args=[application.intake_id]),
        "offer": reverse("applications:offer", args=[offer_pk]),
    }
    for step in ["hosts", "documents", "review"]:
        pages[step] = reverse("applications:step", args=[application.pk, step])
    answers = {}
    for name, url in pages.items():
        response = client.get(url)
        answers[name] = (response.status_code, _normalised(response))
    actions = {
        "accept": reverse("applications:accept_offer", args=[offer_pk]),
        "decline": reverse("applications:decline_offer", args=[offer_pk]),
        "withdraw": reverse("applications:withdraw", args=[application.pk]),
    }
    for name, url in actions.items():
        response = client.post(url, {"reason": "Changed plans", "note": "Changed plans"})
        answers[name] = (response.status_code, _normalised(response))
    return answers


def _hold(application, status, *, run, manager, offer_pk):
    """Decide ``status`` for the application in a confirmed slate whose emails are held."""
    factories.set_status(application, S.SHORTLISTED)
    application.events.all().delete()
    Offer.objects.filter(application=application).delete()
    application.refresh_from_db()
    services.transition_application(
        application, to=status, by=manager, note="Selection run 1, confirmed."
    )
    if status == S.OFFERED:
        Offer.objects.create(
            pk=offer_pk, application=application, intake=application.intake, run=run,
            host=application.host_preferences.get().host, stipend=3000,
        )  # fmt: skip


def test_before_release_offered_waitlisted_and_not_selected_look_the_same(
    client, intake, manager, hosts
):
    application = shortlisted(intake, "Ada", 90, hosts[:1])
    run = SelectionRun.objects.create(intake=intake, number=1, started_by=manager)
    intake.slate_confirmed_at = run.created_at
    intake.save(update_fields=["slate_confirmed_at"])
    client.force_login(application.owner)
    answers = {}
    for status in [S.OFFERED, S.WAITLISTED, S.NOT_SELECTED]:
        _hold(application, status, run=run, manager=manager, offer_pk=4242)
        answers[status] = _what_the_applicant_gets(client, application, offer_pk=4242)
        application.refresh_from_db()
        assert application.status == status  # nothing was withdrawn, accepted or declined
    offered = answers[S.OFFERED]
    assert {name: code for name, (code, _html) in offered.items()} == {
        "dashboard": 200, "start": 200, "offer": 404, "hosts": 200, "documents": 200,
        "review": 200, "accept": 404, "decline": 404, "withdraw": 403,
    }  # fmt: skip
    assert b"Shortlisted" in offered["review"][1] and b"Withdraw" not in offered["review"][1]
    assert answers[S.WAITLISTED] == offered
    assert answers[S.NOT_SELECTED] == offered


def test_numbers_past_their_bounds_in_the_selection_forms_are_refused(
    client, intake, manager, field, hosts
):
    huge = str(10**25)
    client.force_login(manager)
    url = reverse("applications:selection", args=[intake.pk])
    market = hosts[0].market
    response = client.post(
        url, {"min_score": "50", "rank_penalty": "0", f"market_{market.pk}": huge}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"market_{market.pk}"] == [
        "Ensure this value is less than or equal to 10000."
    ]
    assert not SelectionRun.objects.exists()
    run = run_now(intake, manager, min_score=50)
    adjust = reverse("applications:adjust_slate", args=[run.pk])
    for data in ({"application": huge, "host": hosts[0].pk},
                 {"application": field["cy"].pk, "host": huge}):  # fmt: skip
        response = client.post(adjust, data, follow=True)
        assert response.status_code == 200
        assert messages_of(response) == ["Choose a host, or none to drop the applicant."]
    compare = reverse("applications:compare_runs", args=[intake.pk])
    response = client.get(compare, {"a": huge, "b": "9" * 5000}, follow=True)
    assert messages_of(response) == ["Choose two runs of this intake to compare."]


def test_compared_runs_show_their_caps_and_scores_by_name(client, intake, manager, field, hosts):
    market = hosts[0].market
    first = run_now(intake, manager, min_score=50, market_caps={str(market.pk): 1})
    second = run_now(intake, manager, min_score=50, sector_caps={"it": 2})
    client.force_login(manager)
    url = reverse("applications:compare_runs", args=[intake.pk])
    html = client.get(f"{url}?a={first.pk}&b={second.pk}").content.decode()
    caps = html.split('<th scope="row">Caps</th>', 1)[1].split("</tr>", 1)[0]
    assert caps == f"<td>{market.country.name} ≤ 1</td><td>Information technology ≤ 2</td>"
    scores = html.split('<th scope="row">Scores used</th>', 1)[1].split("</tr>", 1)[0]
    assert scores == "<td>Mean of the raw scores</td><td>Mean of the raw scores</td>"
    assert "{" not in html.split("<main", 1)[1] and "raw_mean" not in html


def test_a_decline_reason_with_line_breaks_the_box_allowed_is_kept(client, intake, manager, field):
    """20 lines, 1,999 characters as the browser counts them (a line break is one), 2,018 as
    it sends them (CR LF): the reason was refused as too long and the place declined without
    it. Read with one character a line break, it is kept; one really too long declines
    nothing."""
    from applications.models import Offer

    run = run_now(intake, manager, min_score=50)
    services.confirm_slate(run, by=manager)
    services.release_decisions(intake, by=manager)
    offer = Offer.objects.get(application=field["bo"])
    client.force_login(field["bo"].owner)
    url = reverse("applications:decline_offer", args=[offer.pk])
    too_long = "x" * 2001
    client.post(url, {"reason": too_long})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN
    reason = "\r\n".join(["We open Lisbon first, then come back." + "x" * 62] * 20)
    assert len(reason.replace("\r\n", "\n")) == 1999
    client.post(url, {"reason": reason})
    offer.refresh_from_db()
    assert (offer.status, offer.decline_reason) == (
        OfferStatus.DECLINED,
        reason.replace("\r\n", "\n"),
    )
