import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from applications.enums import (
    APPLICANT_WORDS,
    FREED_OFFER_STATUSES,
    HELD_DECISIONS,
    REVIEWABLE,
    SEAT_CANDIDATE_STATUSES,
    ApplicationStatus,
    OfferStatus,
    RunStatus,
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
    HostFitTally,
    HostPreference,
    Offer,
    Review,
    ReviewerTally,
    SelectionRun,
    StatusCount,
)
from applications.rules import applicant_next_step, decisions_held, is_decision_released
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from programs.enums import SectorCode, StaffRole
from programs.models import DeskOffer, ForeignMarket, HostIncubator, Intake, ProgramStaff, Sector
from programs.queries import intakes_managed_by

# The role name of a company member, for the dashboard (portal.dashboard.register_roles).
MEMBER = "member"


def member_role(user_id):
    """MEMBER when the person of that id is a member of any company."""
    return CompanyMember.objects.filter(user=user_id).order_by().values_list(Value(MEMBER))


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


def open_invitations(company):
    return company.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


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


LIST_COLUMNS = [
    "pk",
    "status",
    "submitted_at",
    "company__name",
    "company__country",
    "company__sector__code",
    "budget_total",
]


def _grouped(rows):
    """{first value: [the rest, ...]} from (key, value...) tuples, in their order."""
    grouped = {}
    for key, *rest in rows:
        grouped.setdefault(key, []).append(rest[0] if len(rest) == 1 else tuple(rest))
    return grouped


def host_names(page):
    """{application id: [host name, ...]} in preference order, for one page of the manager's
    list (dicts of LIST_COLUMNS): one query."""
    return _grouped(
        HostPreference.objects.filter(application_id__in=[row["pk"] for row in page])
        .order_by("application_id", "rank")
        .values_list("application_id", "host__name")
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
        .filter(rank_score__isnull=False)
        .order_by("-rank_score", "pk")
    )


def reviewed_applications(intake):
    """An intake's applications past submission, for the review dashboard's filters: best
    score first, read in the order of the application_rank_order index (the score the intake
    ranks by is kept on the application, rank_score), equal scores in the order the
    applications were made. A tie broken by the company's name (another table) would have
    the database sort every application of the tie, thousands where reviewers agree."""
    return (
        Application.objects.filter(intake=intake.pk)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .annotate(
            raw_score=F(f"score_summary__raw_{intake.score_aggregate}"),
            calibrated_score=F(f"score_summary__calibrated_{intake.score_aggregate}"),
            spread=F("score_summary__spread"),
            reviews_in=F("score_summary__reviews_in"),
        )
        .order_by(F("rank_score").desc(nulls_last=True), "pk")
    )


DASHBOARD_COLUMNS = [
    "pk",
    "status",
    "company__name",
    "rank_score",
    "raw_score",
    "calibrated_score",
    "spread",
    "reviews_in",
    "screening__outcome",
    "screening__override_outcome",
]


def dashboard_side(page):
    """Reviews assigned ({application id: n}) and host-fit opinions ({application id:
    [(host name, opinion), ...]}) for a page of the review dashboard (dicts of
    DASHBOARD_COLUMNS): two queries, whatever the page holds."""
    ids = [row["pk"] for row in page]
    if not ids:
        return {}, {}
    assigned = dict(
        Review.objects.filter(application_id__in=ids)
        .values("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
        .order_by()
    )
    fits = _grouped(
        HostFitOpinion.objects.filter(application_id__in=ids)
        .order_by("application_id", "host__name")
        .values_list("application_id", "host__name", "opinion")
    )
    return assigned, fits


def reviewer_progress(intake):
    """Each reviewer of the intake: assigned, done, and the mean score they give, from the
    tallies the review services keep (ReviewerTally), whatever the number of reviews: two
    small queries, the tallies and the reviewers' names."""
    tallies = {tally.reviewer_id: tally for tally in ReviewerTally.objects.filter(intake=intake.pk)}
    names = (
        _staff(intake.pk, intake.program_id, StaffRole.REVIEWER)
        .order_by("email")
        .values_list("pk", "email", "full_name")
    )
    nobody = ReviewerTally()
    return [
        {"pk": pk, "email": email, "full_name": name, "assigned": tally.assigned,
         "done": tally.done, "mean_given": tally.mean_given}
        for pk, email, name in names
        for tally in [tallies.get(pk, nobody)]
    ]  # fmt: skip


def status_counts(intake):
    """{status: number of the intake's applications}, as the transitions keep them
    (StatusCount): a few rows, whatever the intake's size."""
    return dict(
        StatusCount.objects.filter(intake=intake.pk, count__gt=0).values_list("status", "count")
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


def by_current_reviewers():
    """A review whose reviewer reviews its intake now (for the program or that intake): a
    reviewer removed from a program keeps no access to what they were assigned before."""
    staff = ProgramStaff.objects.filter(
        Q(intake__isnull=True) | Q(intake=OuterRef("intake")),
        user=OuterRef("reviewer"),
        program=OuterRef("intake__program"),
        role=StaffRole.REVIEWER,
    )
    return Exists(staff)


ASSIGNMENT_COLUMNS = [
    "pk",
    "submitted_at",
    "score",
    "recommendation",
    "application__status",
    "application__company__name",
    "application__intake__title",
    "application__intake__reviews_due_at",
]


def assignment_rows(user):
    """The reviewer's list: to do first, then the reviews not given whose application was
    decided, then the given ones, oldest first; one query for a page, as dicts of
    ASSIGNMENT_COLUMNS, read in the order of the review_list_order index (``to_do`` is kept
    on the review)."""
    return (
        Review.objects.filter(by_current_reviewers(), reviewer=user)
        .order_by(F("to_do").desc(), F("submitted_at").asc(nulls_first=True), "pk")
        .values(*ASSIGNMENT_COLUMNS)
    )


def assignment_count(user):
    """How many reviews the reviewer's list holds, from the tallies of the intakes the
    person reviews now (ReviewerTally): a few rows, whatever the number of reviews."""
    return ReviewerTally.objects.filter(by_current_reviewers(), reviewer=user).aggregate(
        n=Coalesce(Sum("assigned"), 0)
    )["n"]


def host_fit_count(user):
    """How many pairs the person's host-fit queue holds, from the kept tallies of the
    person's hosts (HostFitTally): a few rows, whatever the number of applicants."""
    return _fit_tallies(user).aggregate(n=Coalesce(Sum("queued"), 0))["n"]


def _fit_tallies(user):
    return HostFitTally.objects.filter(host__partner_staff=user)


def other_reviews(review):
    """The other reviewers' reviews of the same application, with their scores."""
    return (
        Review.objects.filter(application=review.application_id, submitted_at__isnull=False)
        .exclude(pk=review.pk)
        .select_related("reviewer")
        .prefetch_related("scores__criterion")
    )


HOST_FIT_COLUMNS = [
    "application_id",
    "host_id",
    "host__name",
    "rank",
    "application__company__name",
    "application__company__country",
    "application__company__sector__code",
    "application__company__offering",
    "application__why_this_market",
    "application__proposed_start",
    "application__proposed_end",
    "application__intake__title",
    "opinion",
    "note",
]


def host_fit_queue(user):
    """The pairs of shortlisted or waitlisted applicants and the person's host incubators
    they ranked, with the opinion already given: one query for a page, as dicts of
    HOST_FIT_COLUMNS. The pairs waiting for an opinion first, then by opinion, host and
    rank, in the order of the host_fit_queue_order index over the state kept on each
    preference (in_fit_queue, opinion): the page is read from the index, whatever the
    number of applicants."""
    partner = HostIncubator.partner_staff.through.objects.filter(
        hostincubator=OuterRef("host"), user=user
    )
    return (
        HostPreference.objects.filter(Exists(partner), in_fit_queue=True)
        # The note given with the opinion, if any: a subquery the database runs for the
        # page's rows only (a join would be one more table for the planner to place).
        .annotate(
            note=Subquery(
                HostFitOpinion.objects.filter(
                    application=OuterRef("application"), host=OuterRef("host")
                ).values("note")
            )
        )
        .order_by("opinion", "host_id", "rank", "application_id")
        .values(*HOST_FIT_COLUMNS)
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
    return Review.objects.filter(by_current_reviewers(), reviewer=user).aggregate(
        total=Count("pk"),
        to_do=Count("pk", filter=open_reviews & Q(submitted_at__isnull=True)),
        done=Count("pk", filter=Q(submitted_at__isnull=False)),
        next_due=Min(
            "application__intake__reviews_due_at",
            filter=open_reviews & Q(submitted_at__isnull=True),
        ),
    )


def host_fit_waiting(user):
    """How many shortlisted applicant-host pairs of the person's hosts have no opinion yet,
    from the kept tallies of the person's hosts."""
    return _fit_tallies(user).aggregate(n=Coalesce(Sum("waiting"), 0))["n"]


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
    ``applicant_status`` (the status code the applicant sees), ``shown_status`` (its label)
    and ``timeline`` [(when, words)] from ``events`` (in order),
    or else from the application's prefetched events."""
    held = decisions_held(application.intake)
    events = list(application.events.all() if events is None else events)
    status = application.status
    if not is_decision_released(None, application):
        # The status it had before the decision: shortlisted, or in review for one never
        # shortlisted (confirming a slate decides those too).
        status = next(
            (e.from_status for e in events if e.to_status in HELD_DECISIONS and e.from_status),
            ApplicationStatus.SHORTLISTED,
        )
    application.applicant_status = status
    application.next_step = applicant_next_step(status)
    application.shown_status = ApplicationStatus(status).label
    application.timeline = [
        (
            event.at,
            APPLICANT_WORDS[event.to_status]
            if event.to_status
            else _("Message from the program: %(message)s") % {"message": event.applicant_note},
        )
        for event in events
        if not (held and event.to_status in HELD_DECISIONS)
        and (event.to_status or event.applicant_note)  # staff notes stay with staff
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


# An open offer whose deadline is this close is "expiring soon" on the manager's work queue.
OFFER_EXPIRY_WARNING = datetime.timedelta(days=2)

# What waits for a manager in an intake, in the order the dashboard lists it.
WORK_KINDS = (
    "to_screen", "conflicts", "overdue_reviews", "runs_to_confirm", "held_emails",
    "open_offers", "expiring_offers",
)  # fmt: skip


def _count_per_intake(rows, field="intake"):
    """The number of ``rows`` of the outer intake (OuterRef("pk")), 0 when none."""
    counted = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(total=Count("*"))
        .values("total")
    )
    return Coalesce(Subquery(counted), 0)


def work_queue(user, now=None):
    """What waits for a manager (the director: every intake) in each intake not archived
    that has any: dicts of the intake's pk, title and program name and a count per
    WORK_KINDS, the soonest to close first. One query, whatever the number of intakes."""
    now = now or timezone.now()
    open_offers = Offer.objects.filter(status=OfferStatus.OPEN, deadline__isnull=False)
    intakes = (
        intakes_managed_by(user)
        .filter(archived_at__isnull=True)
        .annotate(
            to_screen=_count_per_intake(
                Application.objects.filter(status=ApplicationStatus.SCREENING)
            ),
            conflicts=_count_per_intake(Conflict.objects.filter(resolved_at__isnull=True)),
            overdue_reviews=_count_per_intake(
                Review.objects.filter(
                    submitted_at__isnull=True,
                    application__status__in=REVIEWABLE,
                    intake__reviews_due_at__lt=now,
                )
            ),
            # A finished run while the intake has no confirmed slate waits for a decision.
            runs_to_confirm=_count_per_intake(
                SelectionRun.objects.filter(
                    status=RunStatus.DONE, intake__slate_confirmed_at__isnull=True
                )
            ),
            held_emails=_count_per_intake(
                OutgoingEmail.objects.filter(status=EmailStatus.HELD), field="intake_ref"
            ),
            open_offers=_count_per_intake(open_offers),
            expiring_offers=_count_per_intake(
                open_offers.filter(deadline__lte=now + OFFER_EXPIRY_WARNING)
            ),
        )
        .order_by("closes_at", "pk")
        .values("pk", "title", "program__name", *WORK_KINDS)
    )
    return [intake for intake in intakes if any(intake[kind] for kind in WORK_KINDS)]


def free_seats(intake):
    """Seats freed by a decline or an expiry that nobody has been offered again."""
    return (
        Offer.objects.filter(intake=intake, status__in=FREED_OFFER_STATUSES, filled_by__isnull=True)
        .select_related("application__company", "host")
        .order_by("answered_at", "pk")
    )


def seat_candidates(intake, host_ids):
    """Per host, the applications a freed seat there may go to by hand: shortlisted,
    waitlisted or not selected, never offered a place, and ranked that host; by name."""
    found = {host_id: [] for host_id in host_ids}
    for preference in (
        HostPreference.objects.filter(
            host__in=host_ids,
            application__intake=intake,
            application__status__in=SEAT_CANDIDATE_STATUSES,
            application__offer__isnull=True,
        )
        .select_related("application__company")
        .order_by("application__company__name", "application_id")
    ):
        found[preference.host_id].append(preference.application)
    return found


def drafts_cut_short(intake, before):
    """The intake's drafts that an earlier closing time leaves less time: all but those
    whose own extension ends after ``before``, the closing time until now."""
    return Application.objects.filter(intake=intake, status=ApplicationStatus.DRAFT).filter(
        Q(deadline_override__isnull=True) | Q(deadline_override__lt=before)
    )
