"""An applicant's journey in Chromium: from a new account to a submitted application, and a
submission that comes too late."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import formats, timezone, translation
from djmoney.money import Money
from playwright.sync_api import expect

from applications import services
from applications.enums import ApplicationStatus, BudgetCategory, DocumentKind, MemberRole
from applications.models import Application, Company
from portal.dates import moment_text
from programs import services as programs_services
from tests import factories
from tests.passwords import strong_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = strong_password()
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# The autosave status: "Saved at 15:07" (TIME_FORMAT, portal/formats).
SAVED = re.compile(r"^\s*Saved at \d{2}:\d{2}\s*$")
NOT_SAVED = "Not saved yet: some answers need fixing. Press Save to see where."


def as_server_shows(moment, zone, format_name="DATETIME_FORMAT"):
    """How the portal writes a moment in a zone (English): "Dec. 12, 2026, 5 p.m."."""
    with translation.override("en"):
        return formats.date_format(moment.astimezone(zone), format_name)


def as_date(day):
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


def log_in(page, email):
    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def log_out(page):
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    page.get_by_role("banner").get_by_role("link", name="Log in").wait_for()


def is_autosave(response):
    request = response.request
    return request.method == "POST" and request.headers.get("hx-request") == "true"


def autosave(page, action, status=SAVED):
    """Do something that makes the page save the draft (htmx), and wait for the answer.

    A save also gives the page the draft's new version; pressing a button before that
    arrives would send the old one.
    """
    # htmx binds its listeners when the page has loaded: a change made before that sends
    # nothing (seen once under a loaded machine, right after the page came in).
    page.wait_for_load_state()
    version = page.locator("#id_version")
    before = version.input_value()
    with page.expect_response(is_autosave):
        action()
    expect(page.locator("#save-status")).to_have_text(status)
    if status is SAVED:
        expect(version).not_to_have_value(before)


def answer(field, text):
    """Type an answer and leave the field, which saves it."""
    field.fill(text)
    field.blur()


def step_link(page, title):
    return page.get_by_role("navigation", name="Application steps").get_by_role(
        "link", name=title, exact=True
    )


def open_intake():
    """A published intake, open now, with two hosts in Brazil and an employees rule."""
    programs_services.ensure_sectors()
    brazil = programs_services.create_market(country="BR")
    intake = factories.IntakeFactory(
        program=factories.ProgramFactory(name="Soft Landing Program"),
        title="Brazil outbound intake",
        min_employees=5,
    )
    for name, city in [("Paulista Innovation Hub", "São Paulo"), ("Rio Finance Lab", "Rio")]:
        host = factories.HostIncubatorFactory(name=name, market=brazil, city=city)
        factories.DeskOfferFactory(intake=intake, host=host, desks=2)
    return intake


def test_a_new_user_applies_across_sessions_and_submits_before_the_deadline(page):
    intake = open_intake()
    email = "founder@northwind.example"

    # Sign up, verify the address, log in.
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name=f"Welcome, {email}").wait_for()

    # Register the company.
    page.get_by_role("link", name="Register a company").click()
    page.get_by_role("heading", name="Register a company", level=1).wait_for()
    assert page.url.endswith("/companies/new/")
    page.get_by_label("Legal name").fill("Northwind Engineering Inc.")
    page.get_by_role("combobox", name="Country", exact=True).select_option("CA")
    page.get_by_label("City", exact=True).fill("Waterloo")
    page.get_by_label("Sector", exact=True).select_option(label="Engineering")
    page.get_by_label("Year founded").fill("2012")
    page.get_by_label("Employees", exact=True).fill("12")
    page.get_by_label("Paying customers").fill("40")
    page.get_by_label("Evidence that it is proven").fill("40 utilities pay a yearly licence.")
    page.get_by_role("button", name="Register").click()

    page.get_by_role("heading", name="Northwind Engineering Inc.", level=1).wait_for()
    expect(page.get_by_role("status")).to_have_text(
        "Northwind Engineering Inc. is registered. You are its owner."
    )
    company = Company.objects.get()
    assert page.url.endswith(f"/companies/{company.pk}/")
    assert (company.country.code, company.sector.code, company.year_founded) == (
        "CA",
        "engineering",
        2012,
    )
    assert company.employees == 12

    # Invite a colleague.
    page.get_by_label("Colleague's email").fill("cto@northwind.example")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_have_text(
        "An invitation is on its way to cto@northwind.example."
    )
    expect(page.locator("h3:text-is('Invitations waiting') + ul > li")).to_contain_text(
        "cto@northwind.example (Staff)"
    )
    assert len(mail.outbox) == 2
    invitation = mail.outbox[1]
    assert invitation.to == ["cto@northwind.example"]
    assert invitation.subject == "Join Northwind Engineering Inc. on the soft-landing portal"
    assert re.search(r"https?://\S+/invitations/[A-Za-z0-9_-]{20,}/$", invitation.body, re.M)

    # The intake, its eligibility check, then the application.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Intakes").click()
    page.get_by_role("link", name="Brazil outbound intake").click()
    page.get_by_role("heading", name="Brazil outbound intake", level=1).wait_for()
    page.get_by_role("link", name="Check your eligibility").click()
    page.get_by_role("heading", name="Can your company apply?").wait_for()
    assert page.url.endswith(f"/intakes/{intake.pk}/eligibility/")
    checks = page.get_by_role("region", name="Northwind Engineering Inc.")
    assert checks.get_by_role("listitem").all_inner_texts() == [
        "Met — At least 5 employees. The company has 12 employees.",
        "Met — A proven product or service: paying customers and revenue. "
        "The company has shown paying customers and revenue.",
    ]
    expect(checks.locator(".alert")).to_have_text("Your company meets every rule of this intake.")

    page.get_by_role("link", name="Brazil outbound intake").click()
    page.get_by_role("link", name="Apply now").click()
    page.get_by_role("heading", name="Apply to Brazil outbound intake").wait_for()
    page.locator(".card", has_text="Northwind Engineering Inc.").get_by_role(
        "button", name="Start an application"
    ).click()

    page.get_by_role("heading", name="Host incubators", level=2).wait_for()
    application = Application.objects.get()
    assert page.url.endswith(f"/applications/{application.pk}/hosts/")
    expect(page.locator(".badge")).to_have_text("Draft")
    autosave(
        page,
        lambda: page.get_by_label("Choice 1").select_option(
            label="Paulista Innovation Hub (São Paulo, Brazil)"
        ),
    )
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Dates", level=2).wait_for()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    start = intake.placement_starts_on
    end = start + datetime.timedelta(days=30)
    autosave(
        page,
        lambda: page.get_by_label("Arrival at the host").fill(start.isoformat()),
        NOT_SAVED,
    )
    autosave(page, lambda: page.get_by_label("Departure").fill(end.isoformat()))
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Objectives", level=2).wait_for()
    autosave(page, lambda: page.get_by_label("First customers").check())
    page.get_by_role("button", name="Save and continue").click()

    # The business case: an answer typed, saved as it is typed, then a log-out.
    page.get_by_role("heading", name="Business case", level=2).wait_for()
    market = "Mid-size utilities in São Paulo: 120 of them buy grid software."
    potential_market = page.get_by_label("Potential market")
    autosave(page, lambda: potential_market.press_sequentially(market))
    assert Application.objects.get().potential_market == market
    # Leaving the field saves it once more; then the applicant logs out, mid-application.
    autosave(page, potential_market.blur)
    log_out(page)

    log_in(page, email)
    page.get_by_role("heading", name=f"Welcome, {email}").wait_for()
    applications = page.get_by_role("region", name="Your companies")
    applications.get_by_role("link", name="Brazil outbound intake").click()
    page.get_by_role("heading", name="Review and submit", level=2).wait_for()
    step_link(page, "Business case").click()
    page.get_by_role("heading", name="Business case", level=2).wait_for()
    expect(page.get_by_label("Potential market")).to_have_value(market)

    # Each answer is saved as its field is left; the button waits for that save.
    for label, text in [
        ("Proven product", "40 paying utilities at home."),
        ("Why this market", "Brazil is modernising its grid."),
        ("Export readiness", "An export plan and a sales lead in Brazil."),
        ("Who travels", "Our CEO."),
    ]:
        autosave(page, lambda label=label, text=text: answer(page.get_by_label(label), text))
    page.get_by_role("button", name="Save and continue").click()

    # The budget: one line; the second, left empty, is not a line.
    page.get_by_role("heading", name="Budget", level=2).wait_for()
    line = page.get_by_role("group", name="Line 1")
    amount = line.get_by_role("group", name="Amount")
    autosave(page, lambda: line.get_by_label("Category").select_option(label="Travel"))
    autosave(page, lambda: answer(line.get_by_label("Description"), "Flights"), NOT_SAVED)
    autosave(page, lambda: answer(amount.get_by_role("spinbutton"), "1500"))
    autosave(page, lambda: amount.get_by_role("combobox").select_option("CAD"))
    page.get_by_role("button", name="Save and continue").click()

    # The documents: a pitch deck.
    page.get_by_role("heading", name="Documents", level=2).wait_for()
    page.get_by_label("Kind of document").select_option(label="Pitch deck")
    page.get_by_label("File").set_input_files(
        {"name": "deck.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_have_text("The document is uploaded.")
    assert page.locator("main .item-list > li").all_inner_texts() == [
        f"Pitch deck: deck.pdf ({len(PDF)}\xa0bytes) Remove"
    ]
    page.get_by_role("link", name="Continue to the review").click()

    # Review and submit.
    page.get_by_role("heading", name="Review and submit", level=2).wait_for()
    expect(page.locator("main > .alert--success")).to_have_text(
        "Everything is there. Read it through, then submit."
    )
    main = page.get_by_role("main")
    expect(main.get_by_text(market)).to_be_visible()
    expect(main.get_by_text(f"{as_date(start)} – {as_date(end)}")).to_be_visible()
    page.get_by_role("button", name="Submit the application").click()

    expect(page.get_by_role("status")).to_have_text(
        "Your application is submitted. A confirmation email is on its way."
    )
    # With no broker the screening job runs at once: the profile meets every rule.
    expect(page.locator(".badge")).to_have_text("In review")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    assert application.potential_market == market
    expect(page.locator("main > .alert--success")).to_have_text(
        f"Submitted on {moment_text(application.submitted_at, intake.time_zone)}."
    )
    assert page.get_by_role("button", name="Submit the application").count() == 0
    assert len(mail.outbox) == 3
    confirmation = mail.outbox[2]
    assert confirmation.subject == "Application received: Brazil outbound intake"
    assert confirmation.to == [email]

    # The dashboard shows it, with its history.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_role("heading", name=f"Welcome, {email}").wait_for()
    card = page.locator(".card", has=page.get_by_role("link", name="Brazil outbound intake"))
    expect(card.locator("p").first).to_have_text("Northwind Engineering Inc. · In review")
    expect(card.get_by_text("Next:")).to_have_text(
        "Next: reviewers score the application; the shortlist follows."
    )
    events = list(application.events.all())
    assert card.locator(".timeline > li").all_inner_texts() == [
        f"{moment_text(event.at, intake.time_zone)} — {label}"
        for event, label in zip(
            events,
            [
                "Draft started.",
                "Application submitted.",
                "Your application meets the rules and is with the reviewers.",
            ],
            strict=True,
        )
    ]


def complete_draft(owner, intake):
    """A draft with every answer, as the services build it."""
    application = services.start_application(owner.company, intake, by=owner.user)
    host = intake.desk_offers.first().host
    application = services.set_host_preferences(
        application, by=owner.user, version=application.version, hosts=[host]
    )
    start = intake.placement_starts_on
    application = services.save_draft(
        application,
        by=owner.user,
        version=application.version,
        proposed_start=start,
        proposed_end=start + datetime.timedelta(days=60),
        objectives=["first-customers"],
        potential_market="Mid-size utilities in São Paulo.",
        proven_product="40 paying customers at home.",
        why_this_market="Grid modernisation.",
        export_readiness="Export plan and a sales lead.",
        travellers="Our CEO.",
    )
    application = services.set_budget(
        application,
        by=owner.user,
        version=application.version,
        lines=[(BudgetCategory.TRAVEL, "Flights", Money(1800, "CAD"))],
    )
    services.add_document(
        application,
        by=owner.user,
        kind=DocumentKind.PITCH_DECK,
        upload=SimpleUploadedFile("deck.pdf", PDF, content_type="application/pdf"),
    )
    return Application.objects.get(pk=application.pk)


def test_a_late_submission_is_refused_and_nothing_is_lost(page):
    programs_services.ensure_sectors()
    intake = factories.IntakeFactory(
        title="Brazil outbound intake",
        closes_at=timezone.now() + datetime.timedelta(hours=1),
    )
    factories.DeskOfferFactory(intake=intake)
    owner = factories.CompanyMemberFactory(
        company=factories.CompanyFactory(name="Northwind Engineering Inc."),
        user=factories.UserFactory(email="founder@northwind.example", password=PASSWORD),
        role=MemberRole.OWNER,
    )
    application = complete_draft(owner, intake)

    page.goto("/")
    log_in(page, "founder@northwind.example")
    page.wait_for_url("**/dashboard/")
    page.get_by_role("link", name="Brazil outbound intake").click()
    page.get_by_role("heading", name="Review and submit", level=2).wait_for()
    expect(page.locator("main > .alert--success")).to_have_text(
        "Everything is there. Read it through, then submit."
    )

    # The deadline passes while the page is open.
    intake.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    intake.save()
    page.get_by_role("button", name="Submit the application").click()

    expect(page.get_by_role("status")).to_have_text(
        f"The deadline passed at {moment_text(intake.closes_at, intake.time_zone)};"
        " the application stays a draft."
    )
    assert page.url.endswith(f"/applications/{application.pk}/review/")
    expect(page.locator(".badge")).to_have_text("Draft")
    main = page.get_by_role("main")
    for text in [
        "Mid-size utilities in São Paulo.",
        "40 paying customers at home.",
        "Grid modernisation.",
        "Export plan and a sales lead.",
        "Our CEO.",
    ]:
        expect(main.get_by_text(text, exact=True)).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.submitted_at is None
    assert [event.to_status for event in application.events.all()] == ["draft"]
    assert mail.outbox == []
