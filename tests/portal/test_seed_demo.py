import datetime
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from djmoney.money import Money

from applications.enums import NotOffered, OfferStatus, RunStatus
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationScore,
    Company,
    Conflict,
    CriterionScore,
    HostFitOpinion,
    Offer,
    Review,
    SelectionRun,
)
from applications.queries import decisions_batch
from placements.models import LogEntry, Placement
from placements.queries import waiting_offers
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from programs.enums import Phase, StaffRole
from programs.models import ForeignMarket, HostIncubator, Intake, Program

ROOT = Path(__file__).resolve().parents[2]


def seed(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def printed_credentials(output):
    # Program people are at the demo domain, each applicant company at its own under it.
    return re.findall(r"(\S+@(?:[a-z]+\.)?demo\.softlanding\.example)\s+(\S+)$", output, re.M)


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG=true"):
        call_command("seed_demo")
    assert get_user_model().objects.count() == 0


@pytest.mark.django_db
def test_seed_demo_fills_every_area_built_so_far(settings):
    seed(settings)
    # The seed's five markets, and home for the inbound exchange.
    assert sorted(m.country.code for m in ForeignMarket.objects.all()) == [
        "AE",
        "BR",
        "CA",
        "DE",
        "IN",
        "SA",
    ]
    assert HostIncubator.objects.count() == 10
    assert set(HostIncubator.objects.values_list("market__country", flat=True)) == {
        "AE",
        "BR",
        "CA",
        "DE",
        "IN",
        "SA",
    }
    program = Program.objects.get(slug="soft-landing")
    assert program.staff.filter(role=StaffRole.MANAGER).count() == 1
    assert program.staff.filter(role=StaffRole.REVIEWER).count() == 3
    assert HostIncubator.objects.filter(partner_staff__isnull=False).distinct().count() == 2
    assert Company.objects.count() == 10
    # The winter round's applications are in the selection test below, the summer round's
    # in the placements test.
    statuses = sorted(
        Application.objects.exclude(intake__title__startswith="Winter")
        .exclude(intake__title__startswith="Summer")
        .values_list("intake__direction", "status")
    )
    assert statuses == [
        ("inbound", "draft"),
        ("inbound", "in-review"),
        ("outbound", "draft"),
        ("outbound", "in-review"),
        ("outbound", "in-review"),
        ("outbound", "ineligible"),
        ("outbound", "shortlisted"),
        ("outbound", "shortlisted"),
        ("outbound", "shortlisted"),
    ]
    intakes = {
        i.direction: i
        for i in Intake.objects.exclude(title__startswith="Autumn")
        .exclude(title__startswith="Winter")
        .exclude(title__startswith="Summer")
    }
    assert intakes["outbound"].phase == Phase.OPEN
    assert intakes["inbound"].phase == Phase.OPEN
    assert Intake.objects.get(title__startswith="Autumn").phase == Phase.UPCOMING
    assert intakes["outbound"].stipend_cap == Money(4000, "CAD")
    assert intakes["outbound"].max_stay_days == 90
    assert intakes["outbound"].criteria.count() == 5
    assert {o.host.market.country.code for o in intakes["inbound"].desk_offers.all()} == {"CA"}
    assert "CA" not in {o.host.market.country.code for o in intakes["outbound"].desk_offers.all()}


@pytest.mark.django_db
def test_seed_demo_takes_the_outbound_intake_through_review(settings):
    seed(settings)
    outbound = Intake.objects.get(title__startswith="Spring")
    assert outbound.calibrate_scores is True
    assert outbound.reviews_due_at is not None
    # Every submission is screened: one too small, one decided by the manager.
    assert not Application.objects.filter(status__in=["submitted", "screening"]).exists()
    tidewater = Application.objects.get(company__name__startswith="Tidewater", intake=outbound)
    assert (tidewater.status, tidewater.screening.outcome) == ("ineligible", "ineligible")
    boreal = Application.objects.get(company__name__startswith="Boreal", intake=outbound)
    assert (boreal.status, boreal.screening.outcome) == ("in-review", "undecided")
    assert boreal.screening.override_outcome == "eligible"
    assert boreal.screening.overridden_by.email == "manager@demo.softlanding.example"

    def reviewers(company):
        return sorted(
            Review.objects.filter(application__company__name__startswith=company).values_list(
                "reviewer__full_name", flat=True
            )
        )

    # Two reviewers each; the volunteer from Prairie Ledger shares its email domain, so he
    # is kept away from it; Sofia Almeida declared a conflict and Lucas Martin replaced her.
    assert reviewers("Prairie Ledger") == ["Raj Patel", "Sofia Almeida"]
    assert reviewers("Cedar") == ["Lucas Martin", "Raj Patel"]
    assert reviewers("Bandra FinServ") == ["Raj Patel", "Sofia Almeida"]
    conflict = Conflict.objects.get()
    assert (conflict.reviewer.full_name, conflict.company.name) == (
        "Sofia Almeida",
        "Cedar & Stone Architects Inc.",
    )
    assert conflict.replacement.full_name == "Lucas Martin"
    assert conflict.resolved_at is not None

    reviews = Review.objects.filter(application__intake=outbound)
    assert reviews.count() == 10
    assert reviews.filter(submitted_at__isnull=True).count() == 1
    assert not reviews.filter(submitted_at__isnull=False, comment="").exists()
    assert set(reviews.values_list("recommendation", flat=True)) == {
        "",
        "support",
        "unsure",
        "oppose",
    }
    # The inbound exchange's reviews are assigned and still to do.
    inbound_reviews = Review.objects.filter(application__intake__direction="inbound")
    assert inbound_reviews.filter(submitted_at=None).count() == inbound_reviews.count() == 2
    not_applicable = CriterionScore.objects.get(value=None)
    assert not_applicable.review.application == boreal
    assert not_applicable.criterion.name == "Host-market fit"
    # The harsh and the lenient reviewer disagree on Prairie Ledger by 40 points.
    assert sorted(
        Review.objects.filter(application__company__name__startswith="Prairie").values_list(
            "reviewer__full_name", "score"
        )
    ) == [("Raj Patel", Decimal("45.00")), ("Sofia Almeida", Decimal("85.00"))]

    ranked = ApplicationScore.objects.filter(intake=outbound).order_by("-calibrated_mean")
    assert [(s.application.company.name, s.reviews_in) for s in ranked] == [
        ("Harbourline Software Inc.", 2),
        ("Northwind Engineering Inc.", 2),
        ("Cedar & Stone Architects Inc.", 2),
        ("Prairie Ledger Accounting LLP", 2),
        ("Boreal Health Records Inc.", 1),
    ]
    assert ranked.get(application__company__name__startswith="Prairie").spread == Decimal("40.00")
    assert sorted(
        Application.objects.filter(status="shortlisted").values_list("company__name", flat=True)
    ) == [
        "Cedar & Stone Architects Inc.",
        "Harbourline Software Inc.",
        "Northwind Engineering Inc.",
    ]
    assert sorted(
        HostFitOpinion.objects.filter(application__intake=outbound).values_list(
            "application__company__name", "host__name", "opinion", "given_by__full_name"
        )
    ) == [
        ("Cedar & Stone Architects Inc.", "Bandra Business Incubator", "not-a-fit", "Priya Nair"),
        ("Harbourline Software Inc.", "Spree Scale-up Campus", "good", "Anna Becker"),
    ]


@pytest.mark.django_db
def test_seed_demo_takes_the_winter_round_through_selection(
    settings, django_capture_on_commit_callbacks
):
    # The command's work after commit too, as in a real run: the decision emails go out.
    with django_capture_on_commit_callbacks(execute=True):
        seed(settings)
    winter = Intake.objects.get(title__startswith="Winter")
    assert winter.closes_at < winter.selection_started_at
    assert winter.phase == Phase.RUNNING
    # It closed after its last submission, so none shows as late.
    assert not Application.objects.filter(intake=winter, submitted_at__gt=winter.closes_at).exists()
    assert sorted(
        Application.objects.filter(intake=winter).values_list("company__name", "status")
    ) == [
        ("Harbourline Software Inc.", "declined"),
        ("Maple Pixel Studios Ltd.", "offered"),
        ("Rideau Payments Inc.", "accepted"),
        ("Tidewater Robotics Ltd.", "not-selected"),
    ]

    # One run, finished and proven optimal, its slate confirmed by the manager.
    run = SelectionRun.objects.get(intake=winter)
    assert (run.intake, run.number, run.status, run.gap) == (winter, 1, RunStatus.DONE, 0)
    assert run.objective >= run.greedy_objective
    assert run.confirmed_by.email == "manager@demo.softlanding.example"
    assert winter.slate_confirmed_at == run.confirmed_at
    slate = [
        (e.application.company.name, e.host and e.host.name, e.reason, e.waitlist_position)
        for e in run.entries.select_related("application__company", "host").order_by("position")
    ]
    assert slate == [
        ("Rideau Payments Inc.", "Spree Scale-up Campus", "", None),
        ("Harbourline Software Inc.", "Koramangala Venture Studio", "", None),
        ("Maple Pixel Studios Ltd.", None, NotOffered.HOSTS_FULL, 1),
        ("Tidewater Robotics Ltd.", None, NotOffered.NOT_A_FIT, None),
    ]
    # Calibration ranks Harbourline above Maple Pixel, which the lenient reviewer marked.
    scores = dict(
        ApplicationScore.objects.filter(intake=winter).values_list(
            "application__company__name", "raw_mean"
        )
    )
    assert scores["Maple Pixel Studios Ltd."] > scores["Harbourline Software Inc."]
    # Spree's partner judged the winter shortlist too.
    assert sorted(
        HostFitOpinion.objects.filter(application__intake=winter).values_list(
            "application__company__name", "opinion", "given_by__full_name"
        )
    ) == [
        ("Rideau Payments Inc.", "good", "Anna Becker"),
        ("Tidewater Robotics Ltd.", "not-a-fit", "Anna Becker"),
    ]

    # The four decision emails were held until released, then sent.
    assert winter.decisions_released_at is not None
    assert sorted(
        OutgoingEmail.objects.filter(batch=decisions_batch(winter)).values_list("to", "status")
    ) == [
        (["owner@harbourline.demo.softlanding.example"], EmailStatus.SENT),
        (["owner@maplepixel.demo.softlanding.example"], EmailStatus.SENT),
        (["owner@rideau.demo.softlanding.example"], EmailStatus.SENT),
        (["owner@tidewater.demo.softlanding.example"], EmailStatus.SENT),
    ]

    # Rideau's owner accepted Berlin; Harbourline's declined Bengaluru, and the seat went to
    # Maple Pixel, first on the waitlist, whose offer waits for an answer.
    offers = {
        o.application.company.name: o
        for o in Offer.objects.filter(intake=winter).select_related(
            "application__company", "host", "answered_by"
        )
    }
    assert sorted((name, o.host.name, o.status) for name, o in offers.items()) == [
        ("Harbourline Software Inc.", "Koramangala Venture Studio", OfferStatus.DECLINED),
        ("Maple Pixel Studios Ltd.", "Koramangala Venture Studio", OfferStatus.OPEN),
        ("Rideau Payments Inc.", "Spree Scale-up Campus", OfferStatus.ACCEPTED),
    ]
    assert offers["Rideau Payments Inc."].answered_by.full_name == "Sophie Lavoie"
    declined = offers["Harbourline Software Inc."]
    assert declined.answered_by.full_name == "Olivia MacLeod"
    assert declined.decline_reason.startswith("Our lead engineer cannot travel")
    replacement = offers["Maple Pixel Studios Ltd."]
    assert replacement.replaces == declined
    assert replacement.deadline is not None and replacement.deadline > replacement.made_at
    assert list(
        ApplicationEvent.objects.filter(application=replacement.application)
        .filter(from_status__in=["shortlisted", "waitlisted"])
        .values_list("from_status", "to_status")
    ) == [("shortlisted", "waitlisted"), ("waitlisted", "offered")]
    # The answers' own emails went out straight away: the acceptance and the new offer.
    accepted = offers["Rideau Payments Inc."].application_id
    assert sorted(
        OutgoingEmail.objects.filter(
            key__in=[f"offer:{replacement.pk}:en", f"decision:{accepted}:accepted:en"]
        ).values_list("to", "status")
    ) == [
        (["owner@maplepixel.demo.softlanding.example"], EmailStatus.SENT),
        (["owner@rideau.demo.softlanding.example"], EmailStatus.SENT),
    ]


@pytest.mark.django_db
def test_every_demo_user_gets_a_random_password_printed_once(settings):
    output = seed(settings)
    credentials = printed_credentials(output)
    User = get_user_model()
    assert len(credentials) == User.objects.count() == 19
    for email, password in credentials:
        user = User.objects.get(email=email)
        assert user.check_password(password)
        assert len(password) >= 16
        # Not guessable: the portal's own password rules (common passwords, similarity to
        # the address, all digits) take each of them.
        validate_password(password, user)
    assert len({password for _, password in credentials}) == len(credentials)

    again = seed(settings)
    assert printed_credentials(again) == []
    assert "already loaded" in again


def test_no_fixed_password_in_the_code():
    sources = "\n".join(p.read_text() for p in ROOT.glob("*/demo.py"))
    assert "set_password(" not in sources
    assert 'password="' not in sources


@pytest.mark.django_db
def test_seed_demo_shows_every_state_of_a_stay(settings):
    seed(settings)

    summer = Intake.objects.get(title__startswith="Summer")
    assert summer.phase == Phase.RUNNING
    assert sorted(
        Placement.objects.values_list("company__name", "host__name", "intake__title", "status")
    ) == [
        ("Boreal Health Records Inc.", "Spree Scale-up Campus", summer.title, "cancelled"),
        ("Cedar & Stone Architects Inc.", "Spree Scale-up Campus", summer.title, "in-residence"),
        ("Harbourline Software Inc.", "Bandra Business Incubator", summer.title, "cut-short"),
        ("Northwind Engineering Inc.", "Spree Scale-up Campus", summer.title, "completed"),
        ("Prairie Ledger Accounting LLP", "Bandra Business Incubator", summer.title, "completed"),
        (
            "Rideau Payments Inc.",
            "Spree Scale-up Campus",
            "Winter 2027 outbound: Berlin and Bengaluru",
            "scheduled",
        ),
    ]
    assert list(waiting_offers().values_list("application__company__name", "intake")) == [
        ("Maple Pixel Studios Ltd.", summer.pk)
    ]
    # Its applications, written with the states they reached, are counted on the managers'
    # lists (which listed none of them).
    from applications.models import StatusCount

    assert dict(StatusCount.objects.filter(intake=summer).values_list("status", "count")) == {
        "accepted": 6
    }
    # The completed stays carry full logs: every kind of entry.
    for name in ["Northwind", "Prairie Ledger"]:
        kinds = sorted(
            LogEntry.objects.filter(placement__company__name__startswith=name).values_list(
                "kind", flat=True
            )
        )
        assert kinds == [
            "arrival",
            "check-in",
            "check-in",
            "check-in",
            "departure",
            "introduction",
            "introduction",
            "mentor",
            "service",
            "service",
            "service",
        ]
    # The firm answered its first check-in on each stay that reached it.
    answered = LogEntry.objects.filter(kind="check-in", answered_by__isnull=False)
    assert sorted(answered.values_list("placement__company__name", "needs")) == [
        (name, "An introduction to a distributor.")
        for name in sorted(
            ["Cedar & Stone Architects Inc.", "Harbourline Software Inc.",
             "Northwind Engineering Inc.", "Prairie Ledger Accounting LLP"]
        )
    ]  # fmt: skip
    cut = Placement.objects.get(status="cut-short")
    assert (cut.departed_on, cut.desk_until) == (
        cut.starts_on + datetime.timedelta(days=30),
        cut.starts_on + datetime.timedelta(days=30),
    )
    assert cut.events.last().note == "A family emergency called the founder home."
    assert Placement.objects.get(status="cancelled").cancel_reason == "visa-refused"


@pytest.mark.django_db
def test_seed_demo_shows_outcome_reports_at_every_stage_and_figures_like_the_seeds(settings):
    from outcomes import figures
    from outcomes.models import Opportunity, OutcomeReport, ProgramCost

    seed(settings)
    today = datetime.date.today()
    statuses = {
        (report.placement.company.name.split()[0].lower(), report.kind): (
            report.status,
            "overdue" if report.due_on < today else "",
        )
        for report in OutcomeReport.objects.select_related("placement__company")
    }
    assert {key: value for key, value in statuses.items() if key[1] != "6-months"} == {
        ("northwind", "end-of-stay"): ("verified", "overdue"),
        ("northwind", "3-months"): ("submitted", ""),
        ("northwind", "12-months"): ("due", ""),
        ("prairie", "end-of-stay"): ("changes-requested", "overdue"),
        ("prairie", "3-months"): ("due", ""),
        ("prairie", "12-months"): ("due", ""),
        ("harbourline", "end-of-stay"): ("due", "overdue"),
        ("harbourline", "3-months"): ("due", ""),
        ("harbourline", "12-months"): ("due", ""),
    }
    flagged = OutcomeReport.objects.get(overdue_flagged_on__isnull=False)
    assert flagged.kind == "end-of-stay"
    assert flagged.placement.company.name.startswith("Harbourline")
    assert sorted(Opportunity.objects.values_list("stage", flat=True)) == [
        "identified",
        "identified",
        "identified",
        "lost",
        "negotiation",
        "won",
        "won",
    ]
    assert sorted(set(Opportunity.objects.values_list("value_currency", flat=True))) == [
        "AED",
        "BRL",
        "CAD",
        "EUR",
        "INR",
    ]
    assert ProgramCost.objects.count() == 2
    found = figures.headline(figures.Scope(Intake.objects.all()))
    assert (found.companies, found.markets, found.opportunities, found.deals_won) == (4, 1, 5, 1)
    assert found.roi > 30


def test_a_random_password_too_close_to_the_address_is_drawn_again(monkeypatch):
    """The similarity rule compares counts of characters: a random draw can fail it (one run
    of the suite met one). The demo draws again rather than print a password the portal's
    own rules refuse."""
    from portal import demo

    draws = iter(["anaanaanaexample1", "q7Xv-2LmPz9cTgW4"])
    monkeypatch.setattr(demo.secrets, "token_urlsafe", lambda _n: next(draws))
    email = "anaanaana@example.example"
    assert demo.random_password(email=email, full_name="Ana") == "q7Xv-2LmPz9cTgW4"
