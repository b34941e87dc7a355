"""Reads for review: reviewers and managers of an intake, the review dashboard, reviewers'
assignments, conflicts, and the partners' host-fit queue (mirrors services.reviewing)."""

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)

from applications.enums import (
    ApplicationStatus,
    HostFit,
)
from applications.models import (
    Application,
    ApplicationScore,
    CompanyMember,
    Conflict,
    CriterionScore,
    HostFitOpinion,
    HostPreference,
    Review,
)
from applications.queries.applying import _grouped
from portal.paging import count_subquery
from programs.enums import StaffRole
from programs.models import HostIncubator, Intake, ProgramStaff

__all__ = [
    "with_review",
    "reviewers_of",
    "managers_of",
    "intakes_with_stale_scores",
    "ranked_in_review",
    "reviewed_applications",
    "DASHBOARD_COLUMNS",
    "dashboard_rows",
    "host_fits",
    "not_a_fit",
    "open_conflicts",
    "conflicts_of",
    "by_current_reviewers",
    "ASSIGNMENT_COLUMNS",
    "assignment_rows",
    "other_reviews",
    "HOST_FIT_COLUMNS",
    "host_fit_queue",
    "short_of_reviewers",
]


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


def dashboard_rows(applications):
    """The review dashboard's rows of these applications: dicts of DASHBOARD_COLUMNS and
    ``assigned``, the reviews assigned to each. ``assigned`` is a subquery in the row's
    select list (COUNT without GROUP BY: one row, 0 when none), so PostgreSQL counts it for
    the rows of the page only, after its ORDER BY and LIMIT, in the page's one query."""
    assigned = count_subquery(Review.objects.filter(application=OuterRef("pk")))
    return applications.values(*DASHBOARD_COLUMNS, assigned=assigned)


def host_fits(page):
    """Host-fit opinions ({application id: [(host name, opinion), ...]}) for a page of the
    review dashboard (dicts with "pk"): one query, whatever the page holds."""
    ids = [row["pk"] for row in page]
    if not ids:
        return {}
    return _grouped(
        HostFitOpinion.objects.filter(application_id__in=ids)
        .order_by("application_id", "host__name")
        .values_list("application_id", "host__name", "opinion")
    )


def not_a_fit():
    """The host-fit opinions saying the outer application (OuterRef("pk")) is not a fit for a
    host, for ``Exists``: the review dashboard's "needs attention" filter and the kept counts
    of what it finds (services.counting) ask the same question."""
    return HostFitOpinion.objects.filter(application=OuterRef("pk"), opinion=HostFit.NOT_A_FIT)


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
    ASSIGNMENT_COLUMNS and ``on_team`` (the reviewer is a member of the firm, whose review is
    not theirs: rules.is_on_reviewed_team), read in the order of the review_list_order index
    (``to_do`` is kept on the review)."""
    team = CompanyMember.objects.filter(company=OuterRef("application__company"), user=user)
    return (
        Review.objects.filter(by_current_reviewers(), reviewer=user)
        .order_by(F("to_do").desc(), F("submitted_at").asc(nulls_first=True), "pk")
        .values(*ASSIGNMENT_COLUMNS, on_team=Exists(team))
    )


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
    "rank",
    "application__company__name",
    "application__company__country",
    "application__company__sector_id",
    "application__company__offering",
    "application__why_this_market",
    "application__proposed_start",
    "application__proposed_end",
    "application__intake_id",
    "opinion",
    "note",
]


def host_fit_queue(user):
    """The pairs of shortlisted or waitlisted applicants and the person's host incubators
    they ranked, with the opinion already given: one query for a page, as dicts of
    HOST_FIT_COLUMNS. The pairs waiting for an opinion first, then by opinion, host and
    rank, in the order of the host_fit_queue_order index over the state kept on each
    preference (in_fit_queue, opinion): the page is read from the index, whatever the
    number of applicants. (The person's hosts as an EXISTS, not an IN list: given a list,
    SQLite reads the preferences by host and sorts them all.)

    The hosts' names, the sectors and the intakes' titles are named by the page from small
    lookups, not joined: PostgreSQL then places four tables instead of seven, and planning
    the seven took several times longer than running the query."""
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
