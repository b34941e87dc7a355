"""The review stage in Chromium: a reviewer declares a conflict and scores, a host partner
gives host-fit opinions, a manager calibrates the ranking and shortlists."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from djmoney.money import Money
from playwright.sync_api import expect

from applications import services
from applications.enums import ApplicationStatus, HostFit, Recommendation
from applications.models import Application, Conflict, HostFitOpinion, Review
from programs import services as programs_services
from programs.enums import StaffRole
from tests import factories
from tests.passwords import strong_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = strong_password()
IN_REVIEW = ApplicationStatus.IN_REVIEW
SHORTLISTED = ApplicationStatus.SHORTLISTED


def log_in(page, email):
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def closed_intake(program, title="Winter outbound intake"):
    """An intake whose applications are in review, with the default rubric: Potential market
    and Proven product weigh 3, Export readiness, Management capacity and Host-market fit 2,
    each scored 1 to 5."""
    closes = timezone.now() - datetime.timedelta(days=5)
    return programs_services.create_intake(
        program,
        by=None,
        title=title,
        time_zone="America/Toronto",
        opens_at=closes - datetime.timedelta(days=30),
        closes_at=closes,
        placement_starts_on=closes.date() + datetime.timedelta(days=30),
        placement_ends_on=closes.date() + datetime.timedelta(days=150),
        stipend_budget=Money(40000, "CAD"),
    )


def application(intake, company, status=IN_REVIEW):
    return factories.ApplicationFactory(
        intake=intake, company=factories.CompanyFactory(name=company), status=status
    )


def staff(program, email, role, **fields):
    person = factories.UserFactory(email=email, password=PASSWORD, **fields)
    factories.ProgramStaffFactory(program=program, user=person, role=role)
    return person


def cells(row):
    return [text.strip() for text in row.locator("td").all_inner_texts()]


def test_reviewer_declares_a_conflict_then_scores_the_other_application(page):
    program = factories.ProgramFactory(name="Soft Landing Program")
    intake = closed_intake(program)
    reviewer = staff(program, "rita@reviewers.example", StaffRole.REVIEWER)
    conflicted = factories.ReviewFactory(
        application=application(intake, "Northwind Engineering Inc."), reviewer=reviewer
    )
    scored = factories.ReviewFactory(
        application=application(intake, "Maple Analytics Ltd."), reviewer=reviewer
    )

    log_in(page, "rita@reviewers.example")
    work = page.get_by_role("region", name="Applications to review")
    expect(work.get_by_role("paragraph").first).to_have_text("2 reviews to give · 0 given")
    work.get_by_role("link", name="Open your reviews").click()

    page.get_by_role("heading", name="Your reviews", level=1).wait_for()
    assignments = page.locator("#assignments tbody tr")
    # To do first, in the order assigned (the list is read in the order of its index).
    assert [cells(row)[:2] + cells(row)[3:] for row in assignments.all()] == [
        ["Northwind Engineering Inc.", "Winter outbound intake", "To do", "—"],
        ["Maple Analytics Ltd.", "Winter outbound intake", "To do", "—"],
    ]
    conflicts = page.locator("#conflicts li")
    assert conflicts.all_inner_texts() == ["None."]

    # Northwind: the reviewer used to consult for it.
    page.get_by_role("link", name="Northwind Engineering Inc.").click()
    page.get_by_role("heading", name="Northwind Engineering Inc.", level=1).wait_for()
    assert page.url.endswith(f"/reviews/{conflicted.pk}/")
    page.get_by_text("Declare a conflict of interest").click()
    page.get_by_label("What is the conflict?").fill("I consulted for Northwind until last year.")
    page.get_by_role("button", name="Declare the conflict").click()

    page.get_by_role("heading", name="Your reviews", level=1).wait_for()
    expect(page.get_by_role("status")).to_have_text(
        "Conflict recorded. The application is no longer yours to review; the program "
        "will give it to another reviewer."
    )
    assert [cells(row)[0] for row in assignments.all()] == ["Maple Analytics Ltd."]
    assert conflicts.count() == 1
    expect(conflicts.first).to_contain_text(
        "Northwind Engineering Inc.: I consulted for Northwind until last year."
    )
    assert not Review.objects.filter(pk=conflicted.pk).exists()
    assert Conflict.objects.get().reason == "I consulted for Northwind until last year."

    # Maple: every criterion, Potential market not applicable.
    page.get_by_role("link", name="Maple Analytics Ltd.").click()
    page.get_by_role("heading", name="Maple Analytics Ltd.", level=1).wait_for()
    assert page.url.endswith(f"/reviews/{scored.pk}/")
    form = page.locator("#score")
    for criterion, value in [
        ("Potential market", "Not applicable"),
        ("Proven product", "5"),
        ("Export readiness", "4"),
        ("Management capacity", "3"),
        ("Host-market fit", "2"),
    ]:
        form.get_by_role("combobox", name=criterion, exact=True).select_option(label=value)
    form.get_by_label("Recommendation").select_option(label="Support")
    form.get_by_label("Comment").fill("Paying utilities at home; a thin plan for Brazil.")
    form.get_by_role("button", name="Submit my review").click()

    expect(page.get_by_role("status")).to_have_text(
        "Your review is saved. You can change it while the application is in review."
    )
    # Potential market (weight 3) is left out, not counted as zero:
    # (5/5 × 3 + 4/5 × 2 + 3/5 × 2 + 2/5 × 2) / 9 × 100 = 6.6 / 9 × 100 = 73.33.
    expect(form.get_by_text("Your score:")).to_have_text("Your score: 73.33 out of 100.")
    potential_market = form.get_by_role("combobox", name="Potential market", exact=True)
    assert potential_market.input_value() == "na"
    assert form.get_by_label("Recommendation").input_value() == Recommendation.SUPPORT
    expect(form.get_by_role("button", name="Update my review")).to_be_visible()
    scored.refresh_from_db()
    assert (scored.score, scored.recommendation) == (Decimal("73.33"), Recommendation.SUPPORT)
    assert scored.comment == "Paying utilities at home; a thin plan for Brazil."

    page.get_by_role("main").get_by_role("link", name="Your reviews").click()
    page.get_by_role("heading", name="Your reviews", level=1).wait_for()
    assert [cells(row)[:1] + cells(row)[3:] for row in assignments.all()] == [
        ["Maple Analytics Ltd.", "Submitted Support", "73.3"],
    ]


def test_host_partner_gives_host_fit_opinions(page):
    program = factories.ProgramFactory(name="Soft Landing Program")
    intake = closed_intake(program)
    brazil = factories.ForeignMarketFactory(country="BR")
    paulista = factories.HostIncubatorFactory(
        name="Paulista Innovation Hub", market=brazil, city="São Paulo"
    )
    rio = factories.HostIncubatorFactory(name="Rio Finance Lab", market=brazil, city="Rio")
    partner = factories.UserFactory(email="paula@paulista.example", password=PASSWORD)
    paulista.partner_staff.add(partner)
    northwind = application(intake, "Northwind Engineering Inc.", status=SHORTLISTED)
    maple = application(intake, "Maple Analytics Ltd.", status=SHORTLISTED)
    waiting = application(intake, "Still Reviewed Corp.")
    factories.HostPreferenceFactory(application=northwind, host=paulista, rank=1)
    factories.HostPreferenceFactory(application=maple, host=rio, rank=1)
    factories.HostPreferenceFactory(application=maple, host=paulista, rank=2)
    # Not shortlisted: not the partner's to judge yet.
    factories.HostPreferenceFactory(application=waiting, host=paulista, rank=1)

    log_in(page, "paula@paulista.example")
    host_fit = page.get_by_role("region", name="Host fit")
    expect(host_fit.get_by_role("paragraph").first).to_have_text(
        "2 shortlisted firms wait for your host-fit opinion."
    )
    host_fit.get_by_role("link", name="Give host-fit opinions").click()

    page.get_by_role("heading", name="Host fit", level=1).wait_for()
    queue = page.locator("#host-fit-queue > li")
    assert queue.get_by_role("heading", level=2).all_inner_texts() == [
        "Northwind Engineering Inc. CA · —",
        "Maple Analytics Ltd. CA · —",
    ]

    def firm(name):
        return queue.filter(has=page.get_by_role("heading", name=name))

    expect(firm("Northwind").locator("p.muted")).to_contain_text(
        "Winter outbound intake · Paulista Innovation Hub, choice 1"
    )
    expect(firm("Maple").locator("p.muted")).to_contain_text(
        "Winter outbound intake · Paulista Innovation Hub, choice 2"
    )

    firm("Northwind").get_by_label("Opinion").select_option(label="Good fit")
    firm("Northwind").get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Opinion on Northwind Engineering Inc. saved.")

    firm("Maple").get_by_label("Opinion").select_option(label="Not a fit")
    firm("Maple").get_by_label("Note").fill("Our fintech network does not serve analytics firms.")
    firm("Maple").get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Opinion on Maple Analytics Ltd. saved.")

    for name, opinion, note in [
        ("Northwind", HostFit.GOOD, ""),
        ("Maple", HostFit.NOT_A_FIT, "Our fintech network does not serve analytics firms."),
    ]:
        row = firm(name)
        assert row.get_by_label("Opinion").input_value() == opinion
        assert row.get_by_label("Note").input_value() == note
        expect(row.locator(".badge")).to_have_text("Given")
    assert sorted(
        HostFitOpinion.objects.values_list("application__company__name", "host__name", "opinion")
    ) == [
        ("Maple Analytics Ltd.", "Paulista Innovation Hub", HostFit.NOT_A_FIT),
        ("Northwind Engineering Inc.", "Paulista Innovation Hub", HostFit.GOOD),
    ]

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(host_fit.get_by_role("paragraph").first).to_have_text(
        "0 shortlisted firms wait for your host-fit opinion."
    )


# Each company's review, as values for the default rubric's five criteria. The harsh
# reviewer gives 60, 40 and 20 (mean 40); the lenient one 100, 80 and 30 (mean 70).
HARSH = {
    "Aurora Robotics": [3, 3, 3, 3, 3],  # 60.00
    "Boreal Foods": [2, 2, 2, 2, 2],  # 40.00
    "Evergreen Textiles": [1, 1, 1, 1, 1],  # 20.00
}
LENIENT = {
    "Cascade Software": [5, 5, 5, 5, 5],  # 100.00
    "Delta Logistics": [4, 4, 4, 4, 4],  # 80.00
    "Fjord Medical": [2, 2, 1, 1, 1],  # (6 + 6 + 2 + 2 + 2) / 60 × 100 = 30.00
}


def scored_intake(program, manager):
    """Six applications in review, each scored by one of two reviewers, scores refreshed."""
    intake = closed_intake(program)
    criteria = list(intake.criteria.all())
    for email, full_name, companies in [
        ("hugo@reviewers.example", "Hugo Harsh", HARSH),
        ("lena@reviewers.example", "Lena Lenient", LENIENT),
    ]:
        reviewer = staff(program, email, StaffRole.REVIEWER, full_name=full_name)
        for company, values in companies.items():
            review = services.assign_reviewer(application(intake, company), reviewer, by=manager)
            services.save_review(
                review,
                by=reviewer,
                values={
                    criterion.pk: value for criterion, value in zip(criteria, values, strict=True)
                },
                comment="",
                recommendation=Recommendation.SUPPORT,
            )
    services.refresh_scores(intake)
    return intake


def test_manager_calibrates_the_ranking_and_shortlists(page):
    program = factories.ProgramFactory(name="Soft Landing Program")
    manager = staff(program, "claire@program.example", StaffRole.MANAGER)
    intake = scored_intake(program, manager)

    log_in(page, "claire@program.example")
    page.get_by_role("link", name="Soft Landing Program").click()
    page.get_by_role("link", name="Winter outbound intake").click()
    page.get_by_role("heading", name="Winter outbound intake", level=1).wait_for()
    page.get_by_role("link", name="Review", exact=True).click()

    page.get_by_role("heading", name="Review dashboard", level=1).wait_for()
    assert page.url.endswith(f"/manage/intakes/{intake.pk}/review/")
    table = page.locator("#review-table tbody tr")
    # Company, status, reviews, score, raw, calibrated: raw scores rank Cascade first.
    columns = [1, 2, 4, 5, 6, 7]
    assert [[cells(row)[i] for i in columns] for row in table.all()] == [
        ["Cascade Software", "In review", "1/1", "100.0", "100.0", "83.7"],
        ["Delta Logistics", "In review", "1/1", "80.0", "80.0", "64.6"],
        ["Aurora Robotics", "In review", "1/1", "60.0", "60.0", "89.5"],
        ["Boreal Foods", "In review", "1/1", "40.0", "40.0", "55.0"],
        ["Fjord Medical", "In review", "1/1", "30.0", "30.0", "16.8"],
        ["Evergreen Textiles", "In review", "1/1", "20.0", "20.0", "20.5"],
    ]
    # Each reviewer's progress and mean score are on the reviewers' page, linked from here.
    page.get_by_role("link", name="reviewers and assignments", exact=True).click()
    progress = page.locator("#reviewer-progress tbody tr")
    progress.first.wait_for()
    assert [cells(row) for row in progress.all()] == [
        ["Hugo Harsh", "3", "3", "40.0"],
        ["Lena Lenient", "3", "3", "70.0"],
    ]
    page.go_back()
    page.get_by_role("heading", name="Review dashboard", level=1).wait_for()
    score_mode = page.locator("#score-mode")
    expect(score_mode.locator(".muted")).to_contain_text("Scores are raw.")

    # Calibrated, Aurora (the harsh reviewer's best) passes Cascade (the lenient one's
    # best, but by less over the lenient reviewer's mean).
    score_mode.get_by_label("Calibrate reviewers").check()
    score_mode.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_have_text("The ranking now uses the scores you chose.")
    expect(score_mode.locator(".muted")).to_contain_text("Scores are calibrated")
    assert [[cells(row)[i] for i in columns] for row in table.all()] == [
        ["Aurora Robotics", "In review", "1/1", "89.5", "60.0", "89.5"],
        ["Cascade Software", "In review", "1/1", "83.7", "100.0", "83.7"],
        ["Delta Logistics", "In review", "1/1", "64.6", "80.0", "64.6"],
        ["Boreal Foods", "In review", "1/1", "55.0", "40.0", "55.0"],
        ["Evergreen Textiles", "In review", "1/1", "20.5", "20.0", "20.5"],
        ["Fjord Medical", "In review", "1/1", "16.8", "30.0", "16.8"],
    ]

    # Delta by hand, then the best two of those still in review: Aurora and Cascade.
    page.get_by_role("checkbox", name="Select Delta Logistics").check()
    page.get_by_role("button", name="Shortlist the ticked applications").click()
    expect(page.get_by_role("status")).to_have_text("1 application shortlisted.")
    assert cells(table.nth(2))[1:3] == ["Delta Logistics", "Shortlisted"]
    assert page.get_by_role("checkbox", name="Select Delta Logistics").count() == 0

    best = page.locator("section", has=page.get_by_role("heading", name="Shortlist the best"))
    best.get_by_label("How many (top N)").fill("2")
    best.get_by_role("button", name="Shortlist").click()
    expect(page.get_by_role("status")).to_have_text("2 applications shortlisted.")
    assert [cells(row)[1:3] for row in table.all()] == [
        ["Aurora Robotics", "Shortlisted"],
        ["Cascade Software", "Shortlisted"],
        ["Delta Logistics", "Shortlisted"],
        ["Boreal Foods", "In review"],
        ["Evergreen Textiles", "In review"],
        ["Fjord Medical", "In review"],
    ]
    assert dict(Application.objects.values_list("company__name", "status")) == {
        "Aurora Robotics": SHORTLISTED,
        "Cascade Software": SHORTLISTED,
        "Delta Logistics": SHORTLISTED,
        "Boreal Foods": IN_REVIEW,
        "Evergreen Textiles": IN_REVIEW,
        "Fjord Medical": IN_REVIEW,
    }
