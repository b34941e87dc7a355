from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils import timezone
from django_countries import countries

from applications import scoring
from applications.enums import (
    APPLICANT_WORDS,
    HELD_DECISIONS,
    HOST_FIT_STATUSES,
    REVIEWABLE,
    ApplicationStatus,
)
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationScore,
    Company,
    CompanyMember,
    Conflict,
    CriterionScore,
    HostFitOpinion,
    HostPreference,
    Offer,
    Review,
    SelectionRun,
)
from portal.models import OutgoingEmail
from programs.enums import SectorCode, StaffRole
from programs.models import DeskOffer, ForeignMarket, HostIncubator, Intake, ProgramStaff, Sector
from programs.queries import intakes_managed_by


def companies_of(user):
    """Companies a person belongs to, each annotated with the person's role (``my_role``)."""
    return (
        Company.objects.filter(members__user=user)
        .annotate(my_role=F("members__role"))
        .order_by("name")
    )


def member_recipients(company_ids):
    """Each company's members as (email address, language), by address: {company id:
    [(address, language), ...]}, in one query whatever the number of companies (for emails to
    many applicants at once, each in its reader's language)."""
    recipients = {}
    for company_id, email, language in (
        CompanyMember.objects.filter(company_id__in=company_ids)
        .order_by("company_id", "user__email")
        .values_list("company_id", "user__email", "user__language")
    ):
        recipients.setdefault(company_id, []).append((email, language))
    return recipients


def companies_visible_to(user):
    companies = Company.objects.prefetch_related(
        Prefetch("members", queryset=CompanyMember.objects.select_related("user"))
    )
    if user.is_superuser:
        return companies
    return companies.filter(members__user=user)


def open_invitations(company):
    return company.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def applications_visible_to(user):
    """Applications of the person's companies, and of the intakes the person manages."""
    applications = Application.objects.select_related("company", "intake__program")
    if user.is_superuser:
        return applications
    managed = intakes_managed_by(user)
    return applications.filter(
        Q(company__members__user=user) | Q(intake__in=managed) | Q(reviews__reviewer=user)
    ).distinct()


def with_everything(applications):
    """What the application's pages show, loaded in a fixed number of queries."""
    return applications.select_related("intake__program", "company__sector").prefetch_related(
        Prefetch(
            "host_preferences",
            queryset=HostPreference.objects.select_related("host__market").order_by("rank"),
        ),
        Prefetch(
            "intake__desk_offers",
            queryset=DeskOffer.objects.select_related("host__market").order_by("host__name"),
        ),
        "budget_lines",
        "documents",
        Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
        Prefetch("company__members", queryset=CompanyMember.objects.select_related("user")),
    )


def with_review(applications):
    """What the manager's application page adds once submitted: screening, reviews with their
    scores, host-fit opinions."""
    return applications.select_related("screening").prefetch_related(
        Prefetch(
            "reviews",
            queryset=Review.objects.select_related("reviewer").prefetch_related(
                Prefetch(
                    "scores",
                    queryset=CriterionScore.objects.order_by("criterion__position", "criterion_id"),
                )
            ),
        ),
        Prefetch(
            "host_fit_opinions", queryset=HostFitOpinion.objects.select_related("host", "given_by")
        ),
    )


def applications_of(user):
    """The person's companies' applications, newest first."""
    return (
        Application.objects.filter(company__members__user=user)
        .select_related("company", "intake", "offer__host")
        .order_by("-created_at")
    )


def applicant_dashboard(user):
    """The person's companies' applications, newest first, as for_the_applicant() shows
    them: two queries, whatever their number."""
    applications = applications_of(user).prefetch_related(
        Prefetch("events", queryset=ApplicationEvent.objects.order_by("at", "pk"))
    )
    return [
        for_the_applicant(application, list(application.events.all()))
        for application in applications
    ]


def intake_applications(intake):
    """An intake's applications, for the manager's filters; pages add what they show."""
    return Application.objects.filter(intake=intake).order_by("company__name", "pk")


def for_export(applications):
    """The CSV export's columns, in a fixed number of queries."""
    return applications.select_related("company__sector").prefetch_related(
        Prefetch(
            "host_preferences",
            queryset=HostPreference.objects.select_related("host").order_by("rank"),
        )
    )


def filter_choices(intake_id):
    """The manager's market and host filters for an intake, from one query: the markets of
    the intake's hosts as (country code, name), by code (applicants can rank no other), and
    the hosts as (id, name), by name."""
    hosts = list(
        HostIncubator.objects.filter(desk_offers__intake=intake_id)
        .order_by("name")
        .values_list("pk", "name", "market__country")
    )
    codes = sorted({code for _pk, _name, code in hosts})
    return (
        tuple((code, countries.name(code)) for code in codes),
        tuple((pk, name) for pk, name, _code in hosts),
    )


def list_rows(applications):
    """What a row of the manager's list shows: the company and its sector, and the hosts
    in the applicant's order of preference (one more query for a page)."""
    return applications.select_related("company__sector").prefetch_related(
        Prefetch(
            "host_preferences",
            queryset=HostPreference.objects.select_related("host").order_by("rank"),
        )
    )


# Review ---------------------------------------------------------------------------------


def _staff_of(intake, role):
    return _staff(intake.pk, intake.program_id, role)


def _staff(intake_id, program_id, role):
    # pk IN (the program's staff), not EXISTS for every user: a few rows, not a scan.
    staff = ProgramStaff.objects.filter(
        Q(intake__isnull=True) | Q(intake=intake_id), program=program_id, role=role
    )
    return get_user_model().objects.filter(pk__in=staff.values("user"), is_active=True)


def reviewers_of(intake):
    """The people who review this intake: reviewers of its program, or of this intake."""
    return _staff_of(intake, StaffRole.REVIEWER)


def managers_of(intake):
    return _staff_of(intake, StaffRole.MANAGER)


def intakes_with_stale_scores():
    """Intakes with a review saved after their scores were last computed."""
    latest_review = (
        Review.objects.filter(intake=OuterRef("pk"), submitted_at__isnull=False)
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    computed = (
        ApplicationScore.objects.filter(intake=OuterRef("pk"))
        .order_by("-computed_at")
        .values("computed_at")[:1]
    )
    return (
        Intake.objects.annotate(latest=Subquery(latest_review), computed=Subquery(computed))
        .filter(latest__isnull=False)
        .filter(Q(computed__isnull=True) | Q(latest__gt=F("computed")))
    )


def ranked_in_review(intake):
    """Scored applications in review, best first by the intake's chosen score."""
    return (
        Application.objects.filter(intake=intake, status=ApplicationStatus.IN_REVIEW)
        .annotate(rank_score=F(f"score_summary__{scoring.score_field(intake)}"))
        .filter(rank_score__isnull=False)
        .order_by("-rank_score", "pk")
    )


def reviewed_applications(intake):
    """An intake's applications past submission, for the review dashboard's filters."""
    return (
        Application.objects.filter(intake=intake.pk)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .annotate(
            rank_score=F(f"score_summary__{scoring.score_field(intake)}"),
            raw_score=F(f"score_summary__raw_{intake.score_aggregate}"),
            calibrated_score=F(f"score_summary__calibrated_{intake.score_aggregate}"),
            spread=F("score_summary__spread"),
            reviews_in=F("score_summary__reviews_in"),
        )
        .order_by(F("rank_score").desc(nulls_last=True), "company__name", "pk")
    )


def dashboard_rows(applications):
    """What a row of the review dashboard shows: the company, the screening, the reviews
    assigned (only their ids, to count them) and the hosts' opinions by host name; two
    more queries for a page, whatever it holds."""
    return applications.select_related("company", "screening").prefetch_related(
        Prefetch("reviews", queryset=Review.objects.only("pk", "application_id")),
        Prefetch(
            "host_fit_opinions",
            queryset=HostFitOpinion.objects.select_related("host").order_by("host__name"),
        ),
    )


def reviewer_progress(intake):
    """Each reviewer of the intake: assigned, done, and the mean score they give.

    Two small queries: the intake's reviews grouped by reviewer, read from the covering
    index on (intake, reviewer, submitted, score) in index order, and the reviewers' names.
    One query joining reviewers to their reviews groups by name and email too, and sorts:
    slower than the two on SQLite."""
    progress = (
        Review.objects.filter(intake=intake.pk)
        .values("reviewer_id")
        .annotate(
            # COUNT(*) and COUNT(submitted_at) (the reviews in), not COUNT(id) and a FILTER:
            # fewer columns for the database to sort while grouping, a tenth less time.
            assigned=Count("*"),
            done=Count("submitted_at"),
            mean_given=Avg("score"),
        )
        .order_by()
    )
    counts = {row.pop("reviewer_id"): row for row in progress}
    names = (
        _staff(intake.pk, intake.program_id, StaffRole.REVIEWER)
        .order_by("email")
        .values_list("pk", "email", "full_name")
    )
    nobody = {"assigned": 0, "done": 0, "mean_given": None}
    return [
        {"pk": pk, "email": email, "full_name": name, **nobody, **counts.get(pk, {})}
        for pk, email, name in names
    ]


def status_counts(intake):
    return dict(
        Application.objects.filter(intake=intake.pk)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
        .order_by()
    )


def open_conflicts(intake):
    return (
        Conflict.objects.filter(intake=intake, resolved_at__isnull=True)
        .select_related("reviewer", "company", "replacement")
        .annotate(
            application_id=Subquery(
                Application.objects.filter(intake=intake, company=OuterRef("company"))
                .exclude(status=ApplicationStatus.WITHDRAWN)
                .values("pk")[:1]
            )
        )
    )


def conflicts_of(user):
    return Conflict.objects.filter(reviewer=user).select_related("company")


def reviews_of(user):
    """A reviewer's assignments, with what the pages about them show."""
    return Review.objects.filter(reviewer=user).select_related(
        "application__company__sector", "application__intake__program"
    )


def assignment_rows(user):
    """The reviewer's list: to do first (soonest due), then done, with the application's
    company and intake, and whether the application is still open for review."""
    return (
        Review.objects.filter(reviewer=user)
        .select_related("application__company", "application__intake")
        .annotate(
            is_open=ExpressionWrapper(
                Q(application__status__in=REVIEWABLE), output_field=BooleanField()
            )
        )
        .order_by(
            F("submitted_at").asc(nulls_first=True),
            F("application__intake__reviews_due_at").asc(nulls_last=True),
            "application__company__name",
            "pk",
        )
    )


def other_reviews(review):
    """The other reviewers' reviews of the same application, with their scores."""
    return (
        Review.objects.filter(application=review.application_id, submitted_at__isnull=False)
        .exclude(pk=review.pk)
        .select_related("reviewer")
        .prefetch_related("scores__criterion")
    )


def host_fit_queue(user):
    """Shortlisted applicants who ranked one of the person's host incubators, with the
    opinion already given (``opinion``, ``note``): one query for a page."""
    # From the shortlisted applications (a short IN list) to their preferences, each host
    # checked with EXISTS: joined from the person's hosts instead, the query reads every
    # preference ever given to those hosts, four times slower at 2,000 applications.
    partner = HostIncubator.partner_staff.through.objects.filter(
        hostincubator=OuterRef("host"), user=user
    )
    opinion = HostFitOpinion.objects.filter(
        application=OuterRef("application"), host=OuterRef("host")
    )
    return (
        HostPreference.objects.filter(
            Exists(partner),
            application__in=Application.objects.filter(status__in=HOST_FIT_STATUSES),
        )
        .select_related("host", "application__company__sector", "application__intake")
        # Only what the queue shows: the database sorts these rows before the page's LIMIT.
        .only(
            "application_id",
            "host_id",
            "rank",
            "host__name",
            "application__intake__title",
            "application__proposed_start",
            "application__proposed_end",
            "application__why_this_market",
            "application__company__name",
            "application__company__country",
            "application__company__offering",
            "application__company__sector__code",
        )  # fmt: skip
        .annotate(
            opinion=Subquery(opinion.values("opinion")[:1]),
            note=Subquery(opinion.values("note")[:1]),
        )
        .order_by(
            F("opinion").asc(nulls_first=True),
            "host__name",
            "rank",
            "application__company__name",
            "pk",
        )  # fmt: skip
    )


def host_fit_target(user, application_id, host_id):
    """The (application, host) pair a partner may give an opinion on, or None."""
    return (
        HostPreference.objects.filter(
            host__partner_staff=user,
            application_id=application_id,
            host_id=host_id,
            application__status__in=HOST_FIT_STATUSES,
        )
        .select_related("application__company", "host")
        .first()
    )


def short_of_reviewers(intake):
    """Applications in review with fewer reviewers than the intake asks for."""
    return (
        Application.objects.filter(intake=intake, status=ApplicationStatus.IN_REVIEW)
        .annotate(assigned=Count("reviews"))
        .filter(assigned__lt=intake.reviewers_per_application)
        .select_related("company")
        .order_by("assigned", "company__name", "pk")
    )


def review_counts(user):
    """The reviewer's dashboard numbers, in one query."""
    open_reviews = Q(application__status__in=REVIEWABLE)
    return Review.objects.filter(reviewer=user).aggregate(
        total=Count("pk"),
        to_do=Count("pk", filter=open_reviews & Q(submitted_at__isnull=True)),
        done=Count("pk", filter=Q(submitted_at__isnull=False)),
        next_due=Min(
            "application__intake__reviews_due_at",
            filter=open_reviews & Q(submitted_at__isnull=True),
        ),
    )


def host_fit_waiting(user):
    """How many shortlisted applicant-host pairs of the person's hosts have no opinion yet."""
    return (
        HostPreference.objects.filter(
            host__partner_staff=user, application__status__in=HOST_FIT_STATUSES
        )
        .exclude(
            Exists(
                HostFitOpinion.objects.filter(
                    application=OuterRef("application"), host=OuterRef("host")
                )
            )
        )
        .count()
    )


# Selection ----------------------------------------------------------------------------------


def runs_of(intake):
    """An intake's selection runs, newest first, with how many each offered and waitlisted."""
    return (
        SelectionRun.objects.filter(intake=intake)
        .select_related("started_by")
        .annotate(
            offered=Count("entries", filter=Q(entries__host__isnull=False)),
            waitlisted=Count("entries", filter=Q(entries__waitlist_position__isnull=False)),
        )
        .order_by("-number")
    )


def runs_managed_by(user):
    """Selection runs of the intakes the person manages (someone else's is a 404)."""
    return SelectionRun.objects.filter(intake__in=intakes_managed_by(user)).select_related(
        "intake__program"
    )


def slate_of(run):
    """A run's entries, best merit first, with what the slate page shows."""
    return run.entries.select_related("application__company", "host", "proposed_host").order_by(
        "position"
    )


def desk_use(run, entries):
    """(host, desks, offered in the slate) for each host of the run, by name."""
    used = {}
    for entry in entries:
        if entry.host_id is not None:
            used[entry.host_id] = used.get(entry.host_id, 0) + 1
    hosts = HostIncubator.objects.filter(pk__in=[int(pk) for pk in run.desks]).order_by("name")
    return [(host, run.desks[str(host.pk)], used.get(host.pk, 0)) for host in hosts]


def offers_of(intake):
    """An intake's offers in the order they were made, with who they replaced."""
    return (
        Offer.objects.filter(intake=intake)
        .select_related("application__company", "host", "replaces__application__company")
        .order_by("made_at", "pk")
    )


def decisions_batch(intake):
    """The outbox batch holding an intake's decision emails until a manager releases it."""
    return f"decisions:{intake.pk}"


def decision_emails(intake):
    """The intake's decision emails in the outbox, held or released, in the order written."""
    return OutgoingEmail.objects.filter(batch=decisions_batch(intake)).order_by("pk")


def offers_visible_to(user):
    """Offers of the person's companies, and of the intakes they manage."""
    return Offer.objects.filter(
        Q(application__company__members__user=user) | Q(intake__in=intakes_managed_by(user))
    ).distinct()


def selection_choices(intake):
    """(markets of the intake's hosts, (code, label) of the shortlist's sectors) for caps."""
    markets = ForeignMarket.objects.filter(hosts__desk_offers__intake=intake).distinct()
    codes = Application.objects.filter(intake=intake, status=ApplicationStatus.SHORTLISTED).values(
        "company__sector__code"
    )
    sectors = Sector.objects.filter(code__in=codes).order_by("position")
    return list(markets.order_by("pk")), [(s.code, s.get_code_display()) for s in sectors]


def compare_runs(first, second):
    """Every application either run considered, with its host (or reason) in each, best merit
    first, the ones placed differently marked."""
    rows = {}
    for side, run in enumerate([first, second]):
        for entry in slate_of(run):
            row = rows.setdefault(
                entry.application_id,
                {"company": entry.application.company.name, "merit": entry.merit,
                 "application_id": entry.application_id, "entries": [None, None]},
            )  # fmt: skip
            row["entries"][side] = entry
    for row in rows.values():
        hosts = {e.host_id if e else "absent" for e in row["entries"]}
        row["differs"] = len(hosts) > 1
    return sorted(rows.values(), key=lambda row: (not row["differs"], -row["merit"]))


def for_the_applicant(application, events=None):
    """What the applicant may read of an application: its status and history in plain words,
    never staff notes or names; a decision waits until its email is released. Sets
    ``shown_status`` (a label) and ``timeline`` [(when, words)] from ``events`` (in order),
    or else from the application's prefetched events."""
    intake = application.intake
    held = intake.slate_confirmed_at is not None and intake.decisions_released_at is None
    status = application.status
    if held and status in HELD_DECISIONS:
        status = ApplicationStatus.SHORTLISTED
    application.shown_status = ApplicationStatus(status).label
    application.timeline = [
        (event.at, APPLICANT_WORDS[event.to_status] if event.to_status else event.note)
        for event in (application.events.all() if events is None else events)
        if not (held and event.to_status in HELD_DECISIONS)
    ]
    return application


def offer_of(application):
    return Offer.objects.filter(application=application).select_related("host").first()


def cap_labels(run):
    """A run's caps as (market or sector name, at most), markets first."""
    markets = ForeignMarket.objects.filter(pk__in=[int(pk) for pk in run.market_caps])
    sectors = dict(SectorCode.choices)
    return [(str(m), run.market_caps[str(m.pk)]) for m in markets] + [
        (sectors.get(code, code), cap) for code, cap in run.sector_caps.items()
    ]
