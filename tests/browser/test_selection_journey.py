"""Selection in Chromium: a manager runs selection and watches it finish, reads the reasons,
adjusts the slate, confirms it and releases the decision emails; applicants then answer their
offers, and a declined seat goes to the waitlist."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from djmoney.money import Money
from playwright.sync_api import expect

from applications import services, tasks
from applications.enums import ApplicationStatus, OfferStatus
from applications.models import Application, Offer, SelectionRun
from portal.dates import moment_text
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from programs.enums import StaffRole
from tests import factories
from tests.applications.conftest import shortlisted
from tests.passwords import strong_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = strong_password()
S = ApplicationStatus
INTAKE = "Spring outbound intake"


def log_in(page, email):
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def log_out(page):
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    page.get_by_role("banner").get_by_role("link", name="Log in").wait_for()


def cells(row):
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def closed_intake():
    """Applications closed two days ago; Alpha and Beta offer one desk each, the pool pays
    three stipends of 3,000 and each offer is open for 10 days."""
    closed = timezone.now() - datetime.timedelta(days=2)
    intake = factories.IntakeFactory(
        program=factories.ProgramFactory(name="Soft Landing Program"),
        title=INTAKE,
        opens_at=closed - datetime.timedelta(days=30),
        closes_at=closed,
        stipend_budget=Money(10000, "CAD"),
        offer_response_days=10,
    )
    manager = factories.UserFactory(email="boss@program.example", password=PASSWORD)
    factories.ProgramStaffFactory(program=intake.program, user=manager, role=StaffRole.MANAGER)
    hosts = [
        factories.DeskOfferFactory(intake=intake, host__name=name, desks=1).host
        for name in ["Alpha", "Beta"]
    ]
    return intake, manager, hosts


def applicant(intake, name, score, hosts):
    """A shortlisted application (stipend 3,000) whose owner, owner@<name>.example, can log in."""
    application = shortlisted(intake, name, score, hosts)
    application.owner.set_password(PASSWORD)
    application.owner.save(update_fields=["password"])
    return application


def rows(page, section, first=0):
    """A slate section's rows as company, score, host, stipend and reason (the dates and the
    adjust form left out); ``first`` skips the waitlist's place column."""
    return [
        cells(row)[first : first + 3] + cells(row)[first + 4 : first + 6]
        for row in page.locator(f"{section} tbody tr").all()
    ]


def as_server_shows(moment, zone):
    """How the portal writes a moment in a zone (English): "12 December 2026, 17:00 EST"."""
    with translation.override("en"):
        return moment_text(moment, zone.key)


def test_a_manager_selects_and_a_declined_seat_goes_to_the_waitlist(page, monkeypatch):
    intake, manager, (alpha, beta) = closed_intake()
    ada = applicant(intake, "Ada", 90, [alpha])
    bo = applicant(intake, "Bo", 80, [beta, alpha])
    cy = applicant(intake, "Cy", 70, [alpha])
    applicant(intake, "Di", 40, [beta])
    applicant(intake, "Ed", 75, [beta])
    # No worker: the run's task waits in the queue until the test plays the worker.
    queued = []
    monkeypatch.setattr(tasks.run_selection, "delay", lambda **kwargs: queued.append(kwargs))

    log_in(page, "boss@program.example")
    page.get_by_role("link", name="Soft Landing Program").click()
    page.get_by_role("link", name=INTAKE).click()
    page.get_by_role("heading", name=INTAKE, level=1).wait_for()
    page.get_by_role("link", name="Selection", exact=True).click()

    page.get_by_role("heading", name="Selection", level=1).wait_for()
    assert page.url.endswith(f"/manage/intakes/{intake.pk}/selection/")
    expect(page.locator("#runs")).to_contain_text("No run yet.")
    page.get_by_label("Minimum score").fill("50")
    page.get_by_label("Points off per step down").fill("0")

    # Queued, the run waits for a worker while the page polls its progress. The polls are
    # held in the browser while the test plays the worker: on SQLite the live server shares
    # the test's in-memory connection, and the two must not use it at once.
    held = []
    page.route("**/progress/", lambda route: held.append(route))
    with page.expect_request("**/progress/"):
        page.get_by_role("button", name="Run selection").click()
    page.get_by_role("heading", name="Selection run 1", level=1).wait_for()
    run = SelectionRun.objects.get()
    assert page.url.endswith(f"/manage/selection-runs/{run.pk}/")
    assert queued == [{"run_id": run.pk}]
    progress = page.locator("#run-progress")
    bar = progress.get_by_role("progressbar", name="Selection run progress")
    expect(bar).to_have_attribute("value", "0")
    expect(progress).to_contain_text("0% · Waiting for a worker")
    assert held, "the page polls its progress"

    tasks.run_selection(**queued.pop())  # the worker
    with page.expect_response("**/progress/") as poll:
        while held:
            held.pop().continue_()
    page.unroute("**/progress/")
    # The run is over: the poll asks htmx to reload the page, which shows the result.
    assert (poll.value.status, poll.value.headers["hx-refresh"]) == (204, "true")
    expect(page.locator("#result")).to_contain_text("proven optimal")
    expect(page.locator("#run-progress")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Done")
    assert page.url.endswith(f"/manage/selection-runs/{run.pk}/")

    expect(page.locator("#slate h2")).to_have_text("Slate: 2 offers")
    assert rows(page, "#slate") == [
        ["Ada", "90.00", "Alpha", "3,000.00", ""],
        ["Bo", "80.00", "Beta", "3,000.00", ""],
    ]
    assert [cells(row)[0] for row in page.locator("#waitlist tbody tr").all()] == ["1", "2"]
    assert rows(page, "#waitlist", first=1) == [
        ["Ed", "75.00", "—", "3,000.00", "Its preferred hosts are full"],
        ["Cy", "70.00", "—", "3,000.00", "Its preferred hosts are full"],
    ]
    assert rows(page, "#not-placeable") == [
        ["Di", "40.00", "—", "3,000.00", "Score below the minimum"],
    ]
    checks = page.locator("#checks")
    expect(checks).to_contain_text("The slate meets every constraint.")
    confirm = page.get_by_role("button", name="Confirm the slate")
    expect(confirm).to_be_enabled()

    # Cy onto Alpha as well: two offers for Alpha's one desk, named, and no confirming.
    page.get_by_label("Host for Cy").select_option(label="Alpha")
    page.locator(f"#entry-{cy.pk}").get_by_role("button", name="Set").click()
    expect(page.get_by_role("status")).to_have_text(
        "Slate changed; the checks below are up to date."
    )
    assert rows(page, "#slate") == [
        ["Ada", "90.00", "Alpha", "3,000.00", ""],
        ["Bo", "80.00", "Beta", "3,000.00", ""],
        ["Cy", "70.00", "Alpha moved", "3,000.00", ""],
    ]
    assert checks.get_by_role("listitem").all_inner_texts() == ["Alpha has 2 offers for 1 desks."]
    expect(confirm).to_be_disabled()

    # Taken off again, Cy is back on the waitlist and the slate can be confirmed.
    page.get_by_label("Host for Cy").select_option(label="No place")
    page.locator(f"#entry-{cy.pk}").get_by_role("button", name="Set").click()
    expect(page.get_by_role("status")).to_have_text(
        "Slate changed; the checks below are up to date."
    )
    expect(checks).to_contain_text("The slate meets every constraint.")
    assert checks.get_by_role("listitem").count() == 0
    assert rows(page, "#waitlist", first=1) == [
        ["Ed", "75.00", "—", "3,000.00", "Its preferred hosts are full"],
        ["Cy", "70.00", "—", "3,000.00", "Its preferred hosts are full"],
    ]
    confirm.click()

    # The held emails, previewed: none is sent yet.
    page.get_by_role("heading", name="Decision emails", level=1).wait_for()
    assert page.url.endswith(f"/manage/intakes/{intake.pk}/selection/decisions/")
    expect(page.get_by_role("status")).to_have_text(
        "Slate confirmed. Read the decision emails, then release them: offers open then."
    )
    expect(page.get_by_role("main")).to_contain_text(
        "5 emails are held. Releasing sends each once and opens the offers: each offered "
        "company then has 10 days to answer."
    )
    previews = page.locator("article.panel")
    assert previews.get_by_role("heading", level=2).all_inner_texts() == [
        f"A place for you: {INTAKE}",
        f"A place for you: {INTAKE}",
        f"On the waiting list: {INTAKE}",
        f"On the waiting list: {INTAKE}",
        f"The decision on your application: {INTAKE}",
    ]
    assert [text.strip() for text in previews.locator("p.muted").all_inner_texts()] == [
        f"To: owner@{name}.example · Held for release" for name in ["ada", "bo", "ed", "cy", "di"]
    ]
    expect(previews.first.locator("pre")).to_contain_text(
        f"Ada is offered a place in “{INTAKE}” at Alpha."
    )
    expect(previews.first.locator("pre")).to_contain_text("You have 10 days to answer")
    assert mail.outbox == []
    assert dict(Application.objects.values_list("company__name", "status")) == {
        "Ada": S.OFFERED,
        "Bo": S.OFFERED,
        "Cy": S.WAITLISTED,
        "Di": S.NOT_SELECTED,
        "Ed": S.WAITLISTED,
    }

    # Released from this tab; a stale second tab releasing again sends nothing.
    stale = page.context.new_page()
    stale.goto(page.url)
    before = timezone.now()
    page.get_by_role("button", name="Release the decision emails").click()
    expect(page.get_by_role("status")).to_have_text("5 decision emails released; offers are open.")
    after = timezone.now()
    expect(page.get_by_role("main")).to_contain_text("Every decision email is released.")
    assert previews.locator(".badge").all_inner_texts() == ["Sent"] * 5
    stale.get_by_role("button", name="Release the decision emails").click()
    expect(stale.get_by_role("status")).to_have_text(
        "Nothing was waiting: every decision email is released."
    )
    stale.close()
    assert sorted((message.to[0], message.subject) for message in mail.outbox) == [
        ("owner@ada.example", f"A place for you: {INTAKE}"),
        ("owner@bo.example", f"A place for you: {INTAKE}"),
        ("owner@cy.example", f"On the waiting list: {INTAKE}"),
        ("owner@di.example", f"The decision on your application: {INTAKE}"),
        ("owner@ed.example", f"On the waiting list: {INTAKE}"),
    ]
    assert sorted(OutgoingEmail.objects.values_list("to", "status", "attempts")) == [
        ([f"owner@{name}.example"], EmailStatus.SENT, 1) for name in ["ada", "bo", "cy", "di", "ed"]
    ]
    deadlines = set(Offer.objects.values_list("deadline", flat=True))
    assert len(deadlines) == 1
    deadline = deadlines.pop()
    assert before + datetime.timedelta(days=10) <= deadline <= after + datetime.timedelta(days=10)
    log_out(page)

    # Bo's owner accepts the place at Beta.
    bo_offer = Offer.objects.get(application=bo)
    log_in(page, "owner@bo.example")
    page.get_by_role("link", name="See the offer").click()
    page.get_by_role("heading", name=f"A place in “{INTAKE}”", level=1).wait_for()
    assert page.url.endswith(f"/offers/{bo_offer.pk}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Bo is offered a place at Beta")
    expect(main).to_contain_text(as_server_shows(deadline, intake.zone))
    page.get_by_role("button", name="Accept the place").click()
    expect(page.get_by_role("status")).to_have_text(
        "You accepted the place. The host will now confirm your desk and dates; "
        "your placement will then show on your dashboard."
    )
    expect(main.locator(".badge")).to_have_text("Accepted")
    expect(page.get_by_role("button", name="Accept the place")).to_have_count(0)
    assert len(mail.outbox) == 6
    assert (mail.outbox[5].to, mail.outbox[5].subject) == (
        ["owner@bo.example"],
        f"Place confirmed: {INTAKE}",
    )
    log_out(page)

    # Ada's owner declines the place at Alpha: Ed, first on the waitlist, did not choose
    # Alpha, so the seat goes to Cy.
    ada_offer = Offer.objects.get(application=ada)
    log_in(page, "owner@ada.example")
    page.get_by_role("link", name="See the offer").click()
    page.get_by_role("heading", name=f"A place in “{INTAKE}”", level=1).wait_for()
    assert page.url.endswith(f"/offers/{ada_offer.pk}/")
    page.get_by_label("Why are you declining?").fill("We open our Lisbon office first.")
    page.get_by_role("button", name="Decline the place").click()
    expect(page.get_by_role("status")).to_have_text(
        "You declined the place. Thank you for telling us."
    )
    expect(page.get_by_role("main").locator(".badge")).to_have_text("Declined")
    cy_offer = Offer.objects.get(application=cy)
    assert (cy_offer.host, cy_offer.replaces, cy_offer.status) == (alpha, ada_offer, "open")
    assert len(mail.outbox) == 7
    new_offer = mail.outbox[6]
    assert (new_offer.to, new_offer.subject) == (["owner@cy.example"], f"A place for you: {INTAKE}")
    assert f"Cy is offered a place in “{INTAKE}” at Alpha." in new_offer.body
    assert f"Answer by: {as_server_shows(cy_offer.deadline, intake.zone)}" in new_offer.body
    log_out(page)

    # Cy's owner finds the offer on the dashboard.
    log_in(page, "owner@cy.example")
    expect(page.get_by_role("main")).to_contain_text("answer the offer of a place at Alpha by")
    page.get_by_role("link", name="See the offer").click()
    page.get_by_role("heading", name=f"A place in “{INTAKE}”", level=1).wait_for()
    assert page.url.endswith(f"/offers/{cy_offer.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Cy is offered a place at Alpha")
    expect(page.get_by_role("button", name="Accept the place")).to_be_visible()

    assert sorted(
        Offer.objects.values_list("application__company__name", "host__name", "status")
    ) == [
        ("Ada", "Alpha", OfferStatus.DECLINED),
        ("Bo", "Beta", OfferStatus.ACCEPTED),
        ("Cy", "Alpha", OfferStatus.OPEN),
    ]
    assert dict(Application.objects.values_list("company__name", "status")) == {
        "Ada": S.DECLINED,
        "Bo": S.ACCEPTED,
        "Cy": S.OFFERED,
        "Di": S.NOT_SELECTED,
        "Ed": S.WAITLISTED,
    }
    assert OutgoingEmail.objects.filter(status=EmailStatus.SENT).count() == len(mail.outbox) == 7


def test_accepting_after_the_deadline_is_refused_and_changes_nothing(page):
    intake, manager, (alpha, beta) = closed_intake()
    ada = applicant(intake, "Ada", 90, [alpha])
    run = services.start_run(intake, by=manager, min_score=50)  # the task ran inline
    services.confirm_slate(run, by=manager)
    services.release_decisions(intake, by=manager)
    offer = Offer.objects.get(application=ada)
    sent = len(mail.outbox)

    log_in(page, "owner@ada.example")
    page.get_by_role("link", name="See the offer").click()
    page.get_by_role("heading", name=f"A place in “{INTAKE}”", level=1).wait_for()
    # The page was opened in time; the deadline passes before the click.
    Offer.objects.filter(pk=offer.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    offer.refresh_from_db()
    page.get_by_role("button", name="Accept the place").click()

    expect(page.get_by_role("status")).to_have_text(
        f"This offer expired on {as_server_shows(offer.deadline, intake.zone)}."
    )
    assert page.url.endswith(f"/offers/{offer.pk}/")
    offer.refresh_from_db()
    ada.refresh_from_db()
    assert (offer.status, offer.answered_at, ada.status) == (OfferStatus.OPEN, None, S.OFFERED)
    assert len(mail.outbox) == sent
    # Shown again, the offer says its time has passed and offers no buttons.
    expect(page.get_by_role("main")).to_contain_text("The time to answer this offer has passed")
    expect(page.get_by_role("button", name="Accept the place")).to_have_count(0)


def test_confirming_decides_an_application_never_shortlisted_and_it_hears_back(page):
    intake, manager, (alpha, beta) = closed_intake()
    applicant(intake, "Ada", 90, [alpha])
    applicant(intake, "Cy", 70, [alpha])
    company = factories.CompanyFactory(name="Eve")
    owner = factories.CompanyMemberFactory(company=company, user__email="owner@eve.example").user
    owner.set_password(PASSWORD)
    owner.save(update_fields=["password"])
    eve = factories.ApplicationFactory(
        company=company, intake=intake, status=S.IN_REVIEW, submitted_at=timezone.now()
    )
    review = factories.ReviewFactory(application=eve)
    run = services.start_run(intake, by=manager, min_score=50)  # the task ran inline

    log_in(page, "boss@program.example")
    page.goto(reverse("applications:selection_run", args=[run.pk]))
    preview = page.locator("#decision-preview")
    preview.get_by_role("heading", name="Who gets which email").wait_for()
    assert [text.strip() for text in preview.locator("summary").all_inner_texts()] == [
        "Offer of a place: 1",
        "Waiting list: 1",
        "Not selected: 1",
    ]
    preview.get_by_text("Not selected: 1").click()
    expect(preview.locator("#preview-not-selected li")).to_have_text(["Eve"])
    preview.get_by_text("Offer of a place: 1").click()
    expect(preview.locator("#preview-offer li")).to_have_text(["Ada · Alpha"])
    page.get_by_role("button", name="Confirm the slate").click()

    page.get_by_role("heading", name="Decision emails", level=1).wait_for()
    expect(page.get_by_role("main")).to_contain_text("3 emails are held.")
    assert mail.outbox == []
    page.get_by_role("button", name="Release the decision emails").click()
    expect(page.get_by_role("status")).to_have_text("3 decision emails released; offers are open.")
    eve.refresh_from_db()
    assert eve.status == S.NOT_SELECTED
    assert eve.events.get().to_status == S.NOT_SELECTED
    told = {message.to[0]: message for message in mail.outbox}
    assert sorted(told) == ["owner@ada.example", "owner@cy.example", "owner@eve.example"]
    assert told["owner@eve.example"].subject == f"The decision on your application: {INTAKE}"
    assert f"Eve was not selected for “{INTAKE}” this time." in told["owner@eve.example"].body
    assert OutgoingEmail.objects.get(to=["owner@eve.example"]).status == EmailStatus.SENT
    log_out(page)

    # Eve's owner reads the decision; the reviewer no longer has it to do.
    log_in(page, owner.email)
    expect(page.get_by_role("main")).to_contain_text("Not selected")
    log_out(page)
    review.reviewer.set_password(PASSWORD)
    review.reviewer.save(update_fields=["password"])
    log_in(page, review.reviewer.email)
    page.goto(reverse("applications:reviews"))
    expect(page.locator("#assignments")).to_contain_text("Closed")
    expect(page.locator("#assignments")).not_to_contain_text("To do")
