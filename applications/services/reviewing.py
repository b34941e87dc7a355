"""Writes of the review stage: screening, assignment, conflicts, reviews, host fit, shortlist."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import queries, scoring
from applications.eligibility import check_company
from applications.enums import (
    HOST_FIT_STATUSES,
    REVIEWABLE,
    ApplicationStatus,
    HostFit,
    Recommendation,
    ScreeningOutcome,
)
from applications.models import (
    Application,
    ApplicationScore,
    Company,
    Conflict,
    CriterionScore,
    HostFitOpinion,
    HostPreference,
    Review,
    Screening,
)
from applications.services.applying import transition_application
from applications.services.counting import (
    attention_of,
    count_filters,
    count_fit_pairs,
    count_work,
    lock_work,
    recount_attention,
    recount_reviewers,
)
from portal.links import link_to
from portal.locks import lock_in_order
from portal.services import queue_email_to_people, queue_task, same_text
from programs.models import HostIncubator, Intake

__all__ = [
    "PUBLIC_MAIL_DOMAINS",
    "REVIEW_REMINDERS",
    "screen_application",
    "override_screening",
    "screen_waiting",
    "assign_reviewer",
    "assign_reviewers",
    "propose_replacement",
    "declare_conflict",
    "withdraw_reviews_of_former_reviewer",
    "save_review",
    "refresh_scores",
    "rank_applications",
    "refresh_stale_scores",
    "remind_reviewers",
    "give_host_fit",
    "shortlist",
    "shortlist_top",
    "unshortlist",
]

S = ApplicationStatus

# Addresses at these domains say nothing about where a person works.
PUBLIC_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.ca",
        "yahoo.co.in",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "web.de",
        "mail.com",
        "yandex.com",
        "zoho.com",
        "rediffmail.com",
        "qq.com",
        "163.com",
    ]
)
REVIEW_REMINDERS = (72, 24)  # hours before reviews are due


def _require(user, permission, obj):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


# Screening ------------------------------------------------------------------------------


@transaction.atomic
def screen_application(application, *, now=None):
    """Apply the intake's rules to a submitted application (the Celery job after submit).

    Eligible goes to review, a rule not met to ineligible, and a fact the company has not
    given to screening, where a manager decides. Run twice, the second run does nothing.
    """
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("intake", "company__sector")
        .filter(pk=application.pk, status=S.SUBMITTED)
        .first()
    )
    if locked is None:
        return None
    check = check_company(locked.intake, locked.company)
    # Plain data, so the reasons read in the language of whoever opens them later.
    results = [result.as_data() for result in check["results"]]
    if check["eligible"]:
        outcome, to = ScreeningOutcome.ELIGIBLE, S.IN_REVIEW
    elif any(result["met"] is False for result in results):
        outcome, to = ScreeningOutcome.INELIGIBLE, S.INELIGIBLE
    else:
        outcome, to = ScreeningOutcome.UNDECIDED, S.SCREENING
    Screening.objects.update_or_create(
        application=locked,
        defaults={"outcome": outcome, "results": results, "screened_at": now or timezone.now()},
    )
    reasons = "; ".join(r["requirement"] for r in results if r["met"] is not True)
    note = _("Screened automatically.") + (" " + reasons if reasons else "")
    return transition_application(locked, to=to, by=None, note=note)


@transaction.atomic
def override_screening(application, *, by, eligible, reason):
    """A manager's screening decision, either way, with a written reason."""
    _require(by, "applications.screen_application", application)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you override the screening.")})
    to = S.IN_REVIEW if eligible else S.INELIGIBLE
    changed = transition_application(application, to=to, by=by, note=reason.strip())
    now = timezone.now()
    override = {
        "override_outcome": ScreeningOutcome.ELIGIBLE if eligible else ScreeningOutcome.INELIGIBLE,
        "override_reason": reason.strip(),
        "overridden_by": by,
        "overridden_at": now,
    }
    # A manager may decide before the job ran: the row then records no automatic result.
    Screening.objects.update_or_create(
        application=changed,
        defaults=override,
        create_defaults=override | {"outcome": ScreeningOutcome.UNDECIDED, "screened_at": now},
    )
    return changed


def screen_waiting(older_than=datetime.timedelta(minutes=5)):
    """Beat sweep: queue screening for submissions whose job never ran (broker outage)."""
    from applications.tasks import screen_application as task

    cutoff = timezone.now() - older_than
    waiting = Application.objects.filter(status=S.SUBMITTED, submitted_at__lt=cutoff)
    for application_id in waiting.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            queue_task(task, application_id=application_id)


# Assignment and conflicts ---------------------------------------------------------------


def _domain(email):
    domain = email.rpartition("@")[2].lower()
    return None if domain in PUBLIC_MAIL_DOMAINS else domain


class _Pool:
    """What assignment needs to know about an intake, read in a fixed number of queries: its
    reviewers and their loads, declared conflicts, and each company's team (its members and
    their email domains)."""

    def __init__(self, intake):
        self.reviewers = list(queries.reviewers_of(intake).order_by("pk"))
        self.domains = {reviewer.pk: _domain(reviewer.email) for reviewer in self.reviewers}
        self.load = dict.fromkeys(self.domains, 0)
        self.assigned = {}
        for application_id, reviewer_id in Review.objects.filter(intake=intake).values_list(
            "application_id", "reviewer_id"
        ):
            self.assigned.setdefault(application_id, set()).add(reviewer_id)
            if reviewer_id in self.load:
                self.load[reviewer_id] += 1
        self.conflicts = set(
            Conflict.objects.filter(company__applications__intake=intake).values_list(
                "reviewer_id", "company_id"
            )
        )
        self.company_domains, self.teams = {}, {}
        for company_id, member_id, email in Application.objects.filter(intake=intake).values_list(
            "company_id", "company__members__user_id", "company__members__user__email"
        ):
            if member_id is not None:
                self.teams.setdefault(company_id, set()).add(member_id)
            if email and _domain(email):
                self.company_domains.setdefault(company_id, set()).add(_domain(email))

    def why_not(self, reviewer_id, application_id, company_id):
        """None if the reviewer may take the application, else the reason in plain words."""
        if reviewer_id not in self.domains:
            return _("This person is not a reviewer of the intake.")
        if reviewer_id in self.assigned.get(application_id, ()):
            return _("This reviewer is already assigned to the application.")
        # A member of the firm, whatever their address (public mail domains tell nothing).
        if reviewer_id in self.teams.get(company_id, ()):
            return _("This reviewer is on the company's team.")
        if (reviewer_id, company_id) in self.conflicts:
            return _("This reviewer has declared a conflict with the company.")
        if self.domains[reviewer_id] in self.company_domains.get(company_id, ()):
            return _("This reviewer shares an email domain with the company's team.")
        return None

    def candidates(self, application_id, company_id):
        """Reviewers who may take the application, least loaded first (then by id)."""
        return sorted(
            (r for r in self.domains if self.why_not(r, application_id, company_id) is None),
            key=lambda r: (self.load[r], r),
        )

    def take(self, reviewer_id, application_id):
        self.assigned.setdefault(application_id, set()).add(reviewer_id)
        self.load[reviewer_id] += 1


def _lock_application_of(review):
    """The review's application, locked (it stays, even if the review has gone)."""
    return Application.objects.select_for_update().get(pk=review.application_id)


def _lock_intake(intake):
    # One assignment or score refresh at a time per intake. FOR NO KEY UPDATE: the services
    # take turns, and an insert of a row that names the intake (a first status count, a work
    # row) still checks its key without waiting for them.
    return Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)


@transaction.atomic
def assign_reviewer(application, reviewer, *, by):
    """A manager assigns one reviewer by hand; the same checks as automatic assignment."""
    _require(by, "applications.assign_application", application)
    _lock_intake(application.intake)
    # Read the status under the application's lock, which every transition takes: an
    # application shortlisted or withdrawn a moment ago is not assigned.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in REVIEWABLE:
        raise ValidationError(_("Only applications in review can be assigned to reviewers."))
    problem = _Pool(application.intake).why_not(reviewer.pk, application.pk, application.company_id)
    if problem:
        raise ValidationError({"reviewer": problem})
    review = Review.objects.create(
        application=application, intake_id=application.intake_id, reviewer=reviewer, assigned_by=by
    )
    # The company's declared conflicts wait for a replacement until it has its reviewers.
    # Locked before the intake's work row, as a declaration locks its conflict.
    conflicts = lock_in_order(
        Conflict.objects.filter(
            company_id=application.company_id, intake=application.intake, resolved_at__isnull=True
        ),
        no_key=False,
    )
    recount_reviewers(application.intake_id, [reviewer.pk])
    if conflicts and application.reviews.count() >= application.intake.reviewers_per_application:
        Conflict.objects.filter(pk__in=conflicts).update(resolved_at=timezone.now())
        count_work(application.intake_id, conflicts=-len(conflicts))
    _tell_reviewers(application.intake, [review])
    return review


@transaction.atomic
def assign_reviewers(intake, *, by):
    """Give every application in review the intake's number of reviewers, balancing load.

    The most constrained applications (fewest possible reviewers) go first, and each takes
    the least loaded reviewers it may have; ties go to the lower id, so a run is repeatable.
    Returns (reviews created, applications still short of reviewers).
    """
    _require(by, "programs.change_intake", intake)
    intake = _lock_intake(intake)
    pool = _Pool(intake)
    wanted = intake.reviewers_per_application
    # Locked, in the order every service locks an intake's applications: one withdrawn a
    # moment ago is not given reviewers.
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(intake=intake, status=S.IN_REVIEW)
        .order_by("pk")
        .values_list("pk", "company_id")
    )
    applications.sort(key=lambda row: (len(pool.candidates(*row)), row[0]))
    created, short = [], []
    for application_id, company_id in applications:
        missing = wanted - len(pool.assigned.get(application_id, ()))
        if missing <= 0:
            continue
        chosen = pool.candidates(application_id, company_id)[:missing]
        for reviewer_id in chosen:
            pool.take(reviewer_id, application_id)
            created.append(
                Review(
                    application_id=application_id,
                    intake_id=intake.pk,
                    reviewer_id=reviewer_id,
                    assigned_by=by,
                )
            )
        if len(chosen) < missing:
            short.append(application_id)
    created = Review.objects.bulk_create(created)
    recount_reviewers(intake.pk, {review.reviewer_id for review in created})
    _tell_reviewers(intake, created)
    return created, short


def _tell_reviewers(intake, reviews):
    by_reviewer = {}
    for review in reviews:
        by_reviewer.setdefault(review.reviewer_id, []).append(review)
    if not by_reviewer:
        return
    people = {
        pk: (email, language)
        for pk, email, language in queries.reviewers_of(intake).values_list(
            "pk", "email", "language"
        )
    }
    for reviewer_id, batch in by_reviewer.items():
        context = {"intake": intake, "count": len(batch), "link": link_to("applications:reviews"),
                   "due": intake.reviews_due_at}  # fmt: skip
        queue_email_to_people(
            [people[reviewer_id]],
            # The first new review names the batch: the same batch is never announced twice.
            key=f"reviews-assigned:{reviewer_id}:{min(r.pk for r in batch)}",
            template="applications/email/assigned",
            context=context,
            intake_ref=intake.pk,
        )


def propose_replacement(application, *, pool=None):
    """The reviewer who would take this application next, or None."""
    pool = pool or _Pool(application.intake)
    wanted = application.intake.reviewers_per_application
    if len(pool.assigned.get(application.pk, ())) >= wanted:
        return None
    candidates = pool.candidates(application.pk, application.company_id)
    return candidates[0] if candidates else None


@transaction.atomic
def declare_conflict(review, *, by, reason):
    """A reviewer declares a conflict with the company: the assignment goes (with any scores),
    the reviewer is never assigned the company again in any intake, and a replacement is
    proposed. The row names the intake where the conflict was last declared."""
    if review.reviewer_id != by.pk:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say briefly what the conflict is.")})
    intake = _lock_intake(review.intake)
    # The assignment and the application's status as they are now, under their locks (the
    # application's first, as every transition takes them).
    application = _lock_application_of(review)
    review = Review.objects.select_for_update().filter(pk=review.pk).first()
    if review is None:
        raise ValidationError(_("This assignment has already been removed."))
    if application.status not in REVIEWABLE:
        raise ValidationError(
            _("The review of this application has closed; tell the program's managers.")
        )
    had_score = review.submitted_at is not None
    # One row per reviewer and company: declared again, it is open again, in this intake.
    # The firm, then the reviewer's conflict with it, are locked before any work row (one
    # declaration at a time for a firm, whatever the intakes), then the work rows of the
    # intakes it counts in, in their order.
    Company.objects.select_for_update(no_key=True).filter(pk=application.company_id).first()
    was = (
        Conflict.objects.select_for_update()
        .filter(reviewer=by, company_id=application.company_id)
        .values_list("intake_id", "resolved_at")
        .first()
    )
    moved_from = was[0] if was and was[1] is None and was[0] != intake.pk else None
    lock_work(intake.pk, *([moved_from] if moved_from else []))
    review.delete()
    recount_reviewers(intake.pk, [by.pk])
    if was is None or was[1] is not None or moved_from:
        count_work(intake.pk, conflicts=1)
    if moved_from:
        count_work(moved_from, conflicts=-1)
    conflict, _created = Conflict.objects.update_or_create(
        reviewer=by,
        company_id=application.company_id,
        defaults={"intake": intake, "reason": reason.strip(), "resolved_at": None},
    )
    conflict.replacement_id = propose_replacement(application)
    conflict.save(update_fields=["replacement"])
    managers = list(queries.managers_of(intake).values_list("email", "language"))
    if managers:
        context = {"conflict": conflict, "application": application, "intake": intake,
                   "link": link_to("applications:assignments", intake.pk)}  # fmt: skip
        queue_email_to_people(
            managers,
            key=f"conflict:{conflict.pk}:{application.pk}",
            template="applications/email/conflict",
            context=context,
            intake_ref=intake.pk,
        )
    if had_score:
        _refresh_later(intake)
    return conflict


def step_down_from_own_firm(company_id, user_id):
    """A reviewer who joined a firm's team no longer reviews its applications: each open
    assignment of theirs on it goes as a declared conflict does (with its scores; a
    replacement proposed, the managers told), each in its own transaction. The rules refuse
    them the review from the moment they join (rules.is_on_reviewed_team); this gives the
    application back to the managers, whose counts had kept it as still to review.
    Registered with applying.when_member_added (applications/apps.py)."""
    reviews = Review.objects.filter(
        reviewer_id=user_id,
        application__company_id=company_id,
        application__status__in=REVIEWABLE,
    ).select_related("reviewer", "intake")
    for review in reviews:
        try:
            declare_conflict(review, by=review.reviewer, reason=_("Joined the company's team."))
        except ValidationError:
            continue  # its review closed, or the assignment went, meanwhile


@transaction.atomic
def withdraw_reviews_of_former_reviewer(program, *, user):
    """The reviews ``user`` has not given yet, in the intakes of ``program`` they no longer
    review, are withdrawn: the assignments go, so the managers see those applications as
    unassigned and give them to someone else. Reviews already given stay in the scores; their
    author can no longer open them (rules.reviews_its_intake). Registered with
    programs.services.when_staff_removed (applications/apps.py), so it runs whenever someone
    loses a role in a program. Returns how many assignments were withdrawn."""
    # Every intake of the program locked first, in order, as an assignment takes its intake
    # before it reads the roles: one in progress finishes first (its review, even the
    # person's first in that intake, is then withdrawn here), or starts after and sees the
    # role gone.
    lock_in_order(Intake.objects.filter(program=program))
    open_reviews = Review.objects.filter(
        reviewer=user, intake__program=program, submitted_at__isnull=True
    ).exclude(queries.by_current_reviewers())
    intakes = sorted(set(open_reviews.values_list("intake", flat=True)))
    # The reviews' applications next, in the order every service locks them, before the
    # reviews and the work rows, as a transition takes them (a withdrawal at the same moment
    # holds its application and work row, then closes the application's reviews).
    lock_in_order(
        Application.objects.filter(pk__in=open_reviews.values("application_id")), no_key=False
    )
    _count, deleted = open_reviews.delete()
    for intake_id in intakes:
        recount_reviewers(intake_id, [user.pk])
    return deleted.get(Review._meta.label, 0)


# Reviews --------------------------------------------------------------------------------


@transaction.atomic
def save_review(review, *, by, values, comment, recommendation):
    """Record a review: a value (or None for "not applicable") for every criterion.

    ``values`` maps criterion id to value. The review counts as in from its first save;
    the reviewer may change it while the application is in review.
    """
    # The application locked before its review, as every transition locks them (a
    # withdrawal closes the application's reviews); not the intake, which other services
    # lock to take turns.
    _lock_application_of(review)
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("application__intake")
        .get(pk=review.pk)
    )
    # The reviewer, and a reviewer of the intake still (a removed reviewer scores nothing).
    _require(by, "applications.view_review", review)
    if review.application.status not in REVIEWABLE:
        raise ValidationError(_("This application is no longer in review; the review is closed."))
    # The rubric's criteria, locked and read after the lock: a manager replacing the rubric
    # at this moment either waits and then finds the scores (and refuses), or has replaced
    # it, and the scores name criteria the intake no longer has (refused below).
    rubric = review.application.intake.criteria.all()
    lock_in_order(rubric)
    criteria = list(rubric)
    errors = {}
    for criterion in criteria:
        if criterion.pk not in values:
            errors[f"criterion_{criterion.pk}"] = _("Give a score or choose not applicable.")
            continue
        value = values[criterion.pk]
        if value is not None and not 1 <= value <= criterion.scale_max:
            errors[f"criterion_{criterion.pk}"] = _("Scores go from 1 to %(top)s.") % {
                "top": criterion.scale_max
            }
    if set(values) - {criterion.pk for criterion in criteria}:
        raise ValidationError(_("A score names a criterion this intake does not have."))
    if recommendation not in Recommendation.values:
        errors["recommendation"] = _("Choose a recommendation.")
    if errors:
        raise ValidationError(errors)
    score = scoring.review_score(
        [(values[criterion.pk], criterion.weight, criterion.scale_max) for criterion in criteria]
    )
    if score is None:
        raise ValidationError(_("Score at least one criterion; not all can be not applicable."))
    CriterionScore.objects.filter(review=review).delete()
    CriterionScore.objects.bulk_create(
        CriterionScore(review=review, criterion=criterion, value=values[criterion.pk])
        for criterion in criteria
    )
    review.comment = comment.strip()
    review.recommendation = recommendation
    review.score = score
    review.submitted_at = review.submitted_at or timezone.now()
    review.to_do = False
    review.save(
        update_fields=["comment", "recommendation", "score", "submitted_at", "to_do", "updated_at"]
    )
    recount_reviewers(review.intake_id, [review.reviewer_id])
    _refresh_later(review.application.intake)
    return review


def _refresh_later(intake):
    from applications.tasks import refresh_scores as task

    queue_task(task, intake_id=intake.pk)


@transaction.atomic
def refresh_scores(intake):
    """Recompute every application's combined scores in the intake, in one pass."""
    intake = _lock_intake(intake)
    rows = list(
        Review.objects.filter(intake=intake, submitted_at__isnull=False).values_list(
            "application_id", "reviewer_id", "score"
        )
    )
    combined = scoring.combine_intake(rows)
    now = timezone.now()
    ApplicationScore.objects.filter(intake=intake).delete()
    ApplicationScore.objects.bulk_create(
        ApplicationScore(application_id=application_id, intake=intake, computed_at=now,
                         **vars(scores))
        for application_id, scores in combined.items()
    )  # fmt: skip
    rank_applications(intake)
    recount_attention(intake)
    return combined


def rank_applications(intake):
    """Copy the score the intake ranks by (scoring.score_field) to its applications, whose
    index orders the review dashboard: after the scores are computed, and when the intake's
    score settings change (registered with programs.services.when_scoring_changed)."""
    Application.objects.filter(intake=intake.pk).update(
        rank_score=Subquery(
            ApplicationScore.objects.filter(application=OuterRef("pk")).values(
                scoring.score_field(intake)
            )
        )
    )


def refresh_stale_scores():
    """Beat sweep: recompute intakes with a review newer than their scores."""
    for intake in queries.intakes_with_stale_scores():
        refresh_scores(intake)


def remind_reviewers(now=None):
    """Queue the 72- and 24-hour reminders to reviewers with reviews still to give."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(hours=max(REVIEW_REMINDERS))
    due = (
        Review.objects.filter(
            submitted_at__isnull=True,
            application__status__in=REVIEWABLE,
            application__intake__reviews_due_at__gt=now,
            application__intake__reviews_due_at__lte=horizon,
        )
        .values("reviewer_id", "reviewer__email", "reviewer__language", "application__intake_id")
        .annotate(due_at=F("application__intake__reviews_due_at"))
        .order_by()
        .distinct()
    )
    intakes = Intake.objects.in_bulk({row["application__intake_id"] for row in due})
    for row in due:
        left = row["due_at"] - now
        hours = min(h for h in REVIEW_REMINDERS if left <= datetime.timedelta(hours=h))
        intake = intakes[row["application__intake_id"]]
        context = {"intake": intake, "hours": hours, "link": link_to("applications:reviews")}
        with transaction.atomic():
            queue_email_to_people(
                [(row["reviewer__email"], row["reviewer__language"])],
                key=f"review-reminder:{intake.pk}:{row['reviewer_id']}:"
                f"{row['due_at'].isoformat()}:{hours}",
                template="applications/email/review_reminder",
                context=context,
                intake_ref=intake.pk,
            )


# Host fit -------------------------------------------------------------------------------


@transaction.atomic
def give_host_fit(application, host, *, by, opinion, note="", drawn=None):
    """A host partner's opinion of a shortlisted applicant who ranked the host. ``drawn``:
    the opinion and note (a dict) the person's page showed; when the opinion saved now is
    another (a colleague of the host saved since), the save is refused, naming it, rather
    than overwriting it unseen. None (a caller that showed nothing) saves as given."""
    # The person's partnership of the host, locked: a removal at this moment waits until the
    # opinion is kept, and an opinion given while a removal commits is refused (it would be
    # kept after the person stopped acting for the host).
    partnership = HostIncubator.partner_staff.through.objects.filter(hostincubator=host, user=by)
    if not lock_in_order(partnership):
        raise PermissionDenied
    # Read the status under a lock: a slate confirmed meanwhile changes what may be judged.
    application = Application.objects.select_for_update().get(pk=application.pk)
    lock_work(application.intake_id)  # as a change of status does, before the counts
    if application.status not in HOST_FIT_STATUSES:
        raise ValidationError(
            _("Host-fit opinions are for shortlisted or waitlisted applications.")
        )
    if not application.host_preferences.filter(host=host).exists():
        raise ValidationError(_("This applicant did not choose your incubator."))
    if opinion not in HostFit.values:
        raise ValidationError({"opinion": _("Choose good fit, possible or not a fit.")})
    note = note.strip()
    # The opinion saved now, read under a lock after the application's (which already makes
    # two saves on one application take turns): what the page showed is compared with it.
    fit = (
        HostFitOpinion.objects.select_for_update(of=("self",))
        .select_related("given_by")
        .filter(application=application, host=host)
        .first()
    )
    if fit is not None and drawn is not None:
        _refuse_over_a_colleagues_opinion(fit, drawn, opinion=opinion, note=note)
    before = attention_of([application.pk])[application.pk]
    created = fit is None
    if created:
        fit = HostFitOpinion.objects.create(
            application=application, host=host, opinion=opinion, note=note, given_by=by
        )
    else:
        fit.opinion, fit.note, fit.given_by = opinion, note, by
        fit.save(update_fields=["opinion", "note", "given_by", "updated_at"])
    # The queue reads the opinion from the preference (its index sorts the queue).
    HostPreference.objects.filter(application=application, host=host).update(opinion=opinion)
    if created:
        count_fit_pairs([], waiting_hosts=[host.pk], waiting=-1)
    # "A host says not a fit" on the review dashboard follows.
    after = attention_of([application.pk])[application.pk]
    count_filters(application.intake_id, application.status, before - after, -1)
    count_filters(application.intake_id, application.status, after - before, 1)
    return fit


def _refuse_over_a_colleagues_opinion(fit, drawn, *, opinion, note):
    """Refuse a save whose page showed another opinion or note than ``fit`` (saved since),
    unless the person typed what is saved now."""
    shown = drawn.get("opinion", "") == fit.opinion and same_text(drawn.get("note"), fit.note)
    typed_as_saved = opinion == fit.opinion and same_text(note, fit.note)
    if shown or typed_as_saved:
        return
    values = {"person": fit.given_by, "opinion": HostFit(fit.opinion).label, "note": fit.note}
    if fit.note:
        message = _(
            "%(person)s saved “%(opinion)s” since you opened this page: press Save again to "
            "replace it with yours. Their note: “%(note)s”"
        )
    else:
        message = _(
            "%(person)s saved “%(opinion)s” without a note since you opened this page: press "
            "Save again to replace it with yours."
        )
    raise ValidationError(message % values)


# Shortlist ------------------------------------------------------------------------------


@transaction.atomic
def shortlist(applications, *, by, note=""):
    """Shortlist applications in review; all of them or, if one cannot be, none."""
    locked = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("company", "intake__program")
        .filter(pk__in=[application.pk for application in applications])
        .order_by("pk")
    )
    problems = []
    checked = set()
    for application in locked:
        if application.intake_id not in checked:  # the permission depends on the intake only
            _require(by, "applications.shortlist_application", application)
            checked.add(application.intake_id)
        if application.status == S.INELIGIBLE:
            problems.append(
                _("%(company)s is ineligible; override the screening first, with a reason.")
                % {"company": application.company.name}
            )
        elif application.status != S.IN_REVIEW:
            problems.append(
                _("%(company)s is %(status)s, not in review.")
                % {"company": application.company.name,
                   "status": S(application.status).label.lower()}
            )  # fmt: skip
    if problems:
        raise ValidationError(problems)
    return [transition_application(a, to=S.SHORTLISTED, by=by, note=note) for a in locked]


def shortlist_top(intake, *, by, count=None, threshold=None):
    """Shortlist the best-scored applications in review: the top ``count`` or every one at
    or above ``threshold`` (by the intake's chosen score)."""
    if count is None and threshold is None:
        raise ValidationError(_("Give a number of applications or a minimum score."))
    ranked = queries.ranked_in_review(intake)
    if threshold is not None:
        ranked = ranked.filter(rank_score__gte=threshold)
    if count is not None:
        ranked = ranked[:count]
    chosen = list(ranked)
    if not chosen:
        raise ValidationError(_("No scored application in review matches."))
    return shortlist(chosen, by=by, note=_("Shortlisted from the review dashboard."))


@transaction.atomic
def unshortlist(application, *, by, note=""):
    _require(by, "applications.shortlist_application", application)
    return transition_application(application, to=S.IN_REVIEW, by=by, note=note)
