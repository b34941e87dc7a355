from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Screening")
    INELIGIBLE = "ineligible", _("Ineligible")
    IN_REVIEW = "in-review", _("In review")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined by the applicant")
    WAITLISTED = "waitlisted", _("Waitlisted")
    NOT_SELECTED = "not-selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = ApplicationStatus
# status -> the statuses it may move to. The one transition function reads this table, and
# so do permission checks and templates: a button, a view and a service cannot disagree.
#
# submitted: waiting for the screening job. screening: the job could not decide (the
# company has not stated a fact a rule needs); a manager screens by hand. A manager can
# override screening either way, with a reason, until the shortlist.
TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.SCREENING, S.IN_REVIEW, S.INELIGIBLE, S.WITHDRAWN},
    S.SCREENING: {S.IN_REVIEW, S.INELIGIBLE, S.WITHDRAWN},
    S.INELIGIBLE: {S.IN_REVIEW, S.WITHDRAWN},
    S.IN_REVIEW: {S.SHORTLISTED, S.INELIGIBLE, S.NOT_SELECTED, S.WITHDRAWN},
    S.SHORTLISTED: {S.IN_REVIEW, S.OFFERED, S.WAITLISTED, S.NOT_SELECTED, S.WITHDRAWN},
    S.WAITLISTED: {S.OFFERED, S.NOT_SELECTED, S.WITHDRAWN},
    S.OFFERED: {S.ACCEPTED, S.DECLINED, S.WAITLISTED, S.NOT_SELECTED},
    S.ACCEPTED: set(),
    S.DECLINED: set(),
    # A seat freed when nobody on the waitlist fits may be offered to a not-selected applicant.
    S.NOT_SELECTED: {S.OFFERED},
    S.WITHDRAWN: set(),
}

# Statuses in which the company has an application in play for the intake: every one but
# withdrawn. A company that was declined or not selected does not apply twice to one intake.
LIVE_STATUSES = [status for status in ApplicationStatus if status != S.WITHDRAWN]
# Statuses the applicant can still withdraw from ("until a decision").
WITHDRAWABLE = [status for status in ApplicationStatus if S.WITHDRAWN in TRANSITIONS[status]]
# Statuses reviewers work on, and those a host partner gives a host-fit opinion on.
REVIEWABLE = [S.IN_REVIEW, S.SHORTLISTED]
HOST_FIT_STATUSES = [S.SHORTLISTED, S.WAITLISTED]

# Decisions an applicant learns of only when the manager releases the decision emails.
HELD_DECISIONS = [S.OFFERED, S.WAITLISTED, S.NOT_SELECTED]

# What the applicant reads in the timeline for each status, in plain words.
APPLICANT_WORDS = {
    S.DRAFT: _("Draft started."),
    S.SUBMITTED: _("Application submitted."),
    S.SCREENING: _("The program is checking your eligibility."),
    S.INELIGIBLE: _("Your application does not meet the intake's rules."),
    S.IN_REVIEW: _("Your application meets the rules and is with the reviewers."),
    S.SHORTLISTED: _("Your application is on the shortlist."),
    S.OFFERED: _("You have been offered a place."),
    S.ACCEPTED: _("You accepted the offer."),
    S.DECLINED: _("You declined the offer."),
    S.WAITLISTED: _("Your application is on the waiting list."),
    S.NOT_SELECTED: _("Your application was not selected this time."),
    S.WITHDRAWN: _("Application withdrawn."),
}


class ScoreBasis(models.TextChoices):
    """The score a ranking or a selection run uses: an ApplicationScore column."""

    RAW_MEAN = "raw_mean", _("Mean of the raw scores")
    RAW_MEDIAN = "raw_median", _("Median of the raw scores")
    CALIBRATED_MEAN = "calibrated_mean", _("Mean of the calibrated scores")
    CALIBRATED_MEDIAN = "calibrated_median", _("Median of the calibrated scores")


class ScreeningOutcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    UNDECIDED = "undecided", _("Needs a manager")


class Recommendation(models.TextChoices):
    SUPPORT = "support", _("Support")
    UNSURE = "unsure", _("Unsure")
    OPPOSE = "oppose", _("Do not support")


class HostFit(models.TextChoices):
    GOOD = "good", _("Good fit")
    POSSIBLE = "possible", _("Possible")
    NOT_A_FIT = "not-a-fit", _("Not a fit")


class ReviewAttention(models.TextChoices):
    """What the review dashboard's "needs attention" filter finds (its counts are kept:
    FilterCount.ATTENTION)."""

    DISAGREEMENT = "disagreement", _("Reviewers disagree")
    UNSCORED = "unscored", _("No review in yet")
    NOT_A_FIT = "not-a-fit", _("A host says not a fit")


class Objective(models.TextChoices):
    FIRST_CUSTOMERS = "first-customers", _("First customers")
    PARTNERS = "partners", _("Distribution or delivery partners")
    INVESTORS = "investors", _("Investors")
    MARKET_VALIDATION = "market-validation", _("Market validation")
    SUPPLIERS = "suppliers", _("Suppliers")
    TALENT = "talent", _("Talent and hiring")
    OTHER = "other", _("Other")


class BudgetCategory(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    ACCOMMODATION = "accommodation", _("Accommodation")
    ADMINISTRATION = "administration", _("Administration")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    PITCH_DECK = "pitch-deck", _("Pitch deck")
    FINANCIALS = "financials", _("Financial statements")
    OTHER = "other", _("Other")


class RunStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("selection run", "Queued")
    RUNNING = "running", pgettext_lazy("selection run", "Running")
    DONE = "done", pgettext_lazy("selection run", "Done")
    FAILED = "failed", pgettext_lazy("selection run", "Failed")


class RunStage(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    READING = "reading", _("Reading the shortlist, desks and budget")
    SOLVING = "solving", _("Solving the integer program (HiGHS, proven optimal)")
    BASELINE = "baseline", _("Running the greedy baseline for comparison")
    SAVING = "saving", _("Saving the slate and the reasons")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


# A selection run in one of these holds the intake: a second one is refused until it ends.
ACTIVE_RUN_STATUSES = [RunStatus.QUEUED, RunStatus.RUNNING]

# A run is queued by a manager, picked up by a worker, and ends done or failed; a finished
# run never moves again (a retried task finds it finished and does nothing).
RUN_TRANSITIONS = {
    RunStatus.QUEUED: {RunStatus.RUNNING, RunStatus.FAILED},
    RunStatus.RUNNING: {RunStatus.DONE, RunStatus.FAILED},
    RunStatus.DONE: set(),
    RunStatus.FAILED: set(),
}


class NotOffered(models.TextChoices):
    """Why a shortlisted applicant is not in a run's slate (applications.selection)."""

    BELOW_MINIMUM = "below-minimum", _("Score below the minimum")
    NOT_A_FIT = "not-a-fit", _("Every host it chose said not a fit")
    SECTOR_CAP = "sector-cap", _("Cap for its sector reached")
    MARKET_CAP = "market-cap", _("Cap for its markets reached")
    HOSTS_FULL = "hosts-full", _("Its preferred hosts are full")
    BUDGET = "budget", _("Stipend budget exhausted")
    OUTRANKED = "outranked", _("Others made a better total")
    DROPPED = "dropped", _("Dropped by a manager")


# Not offered for one of these, an applicant is not placeable: not selected, not waitlisted.
UNPLACEABLE = [NotOffered.BELOW_MINIMUM, NotOffered.NOT_A_FIT]


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


# An offer is answered once, or expires; services.selecting.close_offer is the one way its
# status changes. Its audit row is the application's event, written with it (offered to
# accepted, declined or not selected).
OFFER_TRANSITIONS = {
    OfferStatus.OPEN: {OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED},
    OfferStatus.ACCEPTED: set(),
    OfferStatus.DECLINED: set(),
    OfferStatus.EXPIRED: set(),
}

# Offers that hold a desk and a stipend.
HOLDING_OFFER_STATUSES = [OfferStatus.OPEN, OfferStatus.ACCEPTED]
# Offers whose seat is free again: the manager may offer it to someone else.
FREED_OFFER_STATUSES = [OfferStatus.DECLINED, OfferStatus.EXPIRED]
# Who a freed seat may be offered to by hand (besides having ranked its host, never offered).
SEAT_CANDIDATE_STATUSES = [
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.NOT_SELECTED,
]
