from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlacementStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("placement", "Scheduled")
    IN_RESIDENCE = "in-residence", _("In residence")
    COMPLETED = "completed", pgettext_lazy("placement", "Completed")
    CUT_SHORT = "cut-short", _("Cut short")
    CANCELLED = "cancelled", pgettext_lazy("placement", "Cancelled")


P = PlacementStatus
# status -> the statuses it may move to. services.change_placement_status reads it, and so
# do the pages: a button, a view and a service cannot disagree. A placement is created
# scheduled (the host confirmed desk and dates, or the manager scheduled them).
PLACEMENT_TRANSITIONS = {
    P.SCHEDULED: {P.IN_RESIDENCE, P.CANCELLED},
    P.IN_RESIDENCE: {P.COMPLETED, P.CUT_SHORT},
    P.COMPLETED: set(),
    P.CUT_SHORT: set(),
    P.CANCELLED: set(),
}
# Moving to these needs a reason.
NEEDS_REASON = {P.CUT_SHORT, P.CANCELLED}
# Placements that hold desk days (a cancelled one holds none; a finished one up to its
# departure, see Placement.desk_until).
HOLDING_DESKS = [P.SCHEDULED, P.IN_RESIDENCE, P.COMPLETED, P.CUT_SHORT]
# Placements the host partner still logs on.
OPEN_STATUSES = [P.SCHEDULED, P.IN_RESIDENCE]
GONE_STATUSES = [P.COMPLETED, P.CUT_SHORT, P.CANCELLED]


class CancelReason(models.TextChoices):
    """Why a stay never began."""

    NO_SHOW = "no-show", _("No-show")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    VISA_REFUSED = "visa-refused", _("Visa refused")


class EntryKind(models.TextChoices):
    """What a host partner logs about a placement."""

    ARRIVAL = "arrival", _("Arrival")
    CHECK_IN = "check-in", _("Check-in")
    INTRODUCTION = "introduction", _("Introduction")
    SERVICE = "service", _("Service delivered")
    MENTOR = "mentor", _("Mentor assigned")
    CONCERN = "concern", _("Concern")
    DEPARTURE = "departure", _("Departure")


# Entries a partner adds with the log form; arrival and departure come with their status
# change (services.log_arrival, services.log_departure).
LOGGABLE_KINDS = [
    EntryKind.CHECK_IN,
    EntryKind.INTRODUCTION,
    EntryKind.SERVICE,
    EntryKind.MENTOR,
    EntryKind.CONCERN,
]


class IntroductionKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    DISTRIBUTOR = "distributor", _("Distributor or channel partner")
    INVESTOR = "investor", _("Investor")
    GOVERNMENT = "government", _("Government or regulator")
    SUPPLIER = "supplier", _("Supplier")
    SERVICE_PROVIDER = "service-provider", _("Service provider")


class ServiceType(models.TextChoices):
    """The seed's export-readiness bundle around the stay."""

    LEGAL = "legal", _("Legal and regulatory counsel")
    EXPORT_FINANCING = "export-financing", _("Export financing")
    MARKET_INTELLIGENCE = "market-intelligence", _("Market intelligence")
    TRAINING = "training", _("Training")
    IMMERSION = "immersion", _("Language and cultural immersion")


class Attention(models.TextChoices):
    """The manager's "needs attention" filter."""

    WAITING = "waiting", _("Waiting for the host")
    CHECK_IN_OVERDUE = "check-in-overdue", _("Check-in overdue")
    CONCERN = "concern", _("Concern logged")
    ENDING = "ending", _("Ending this week")


class ChangeKind(models.TextChoices):
    """What the partner or the firm asks the manager to change about a stay."""

    MOVE_DATES = "move-dates", _("Move the dates")
    CUT_SHORT = "cut-short", _("Cut the stay short")


class StayNote(models.TextChoices):
    """The notes the portal itself writes in a stay's history and a change request's: a
    PlacementEvent or a ChangeRequestEvent keeps the code and its values (the days as ISO
    dates, the reason a person typed), and the history writes the sentence in the reader's
    language (the events' ``note_text``)."""

    DATES_MOVED = "dates-moved", _("Dates moved from %(before)s to %(after)s: %(note)s")
    # The same sentence, its reason the portal's own.
    ARRIVED_EARLY = "arrived-early", _("the firm arrived before the planned start.")
    STAY_ENDED = "stay-ended", _("Closed: the stay has ended.")
    STAY_CANCELLED = "stay-cancelled", _("Closed: the stay was cancelled.")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("change request", "Pending")
    APPROVED = "approved", pgettext_lazy("change request", "Approved")
    REFUSED = "refused", pgettext_lazy("change request", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("change request", "Withdrawn")
    # Nobody answered before the stay ended or was cancelled: nothing was changed.
    CLOSED = "closed", pgettext_lazy("change request", "Closed")


C = ChangeStatus
# A change request is decided once: the manager approves or refuses it, the person who
# asked withdraws it, or the stay ends or is cancelled while it waits (closed, unanswered).
# services.change_request_status reads this table.
CHANGE_TRANSITIONS = {
    C.PENDING: {C.APPROVED, C.REFUSED, C.WITHDRAWN, C.CLOSED},
    C.APPROVED: set(),
    C.REFUSED: set(),
    C.WITHDRAWN: set(),
    C.CLOSED: set(),
}
# Placements a change may still be asked for: what it asks is checked against its status.
CHANGE_ALLOWED = {
    ChangeKind.MOVE_DATES: [P.SCHEDULED, P.IN_RESIDENCE],
    ChangeKind.CUT_SHORT: [P.IN_RESIDENCE],
}


# --- Host desk invoices (issue 17, item 5) ---------------------------------------------------


class DeskInvoiceStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("invoice", "Draft")
    SENT = "sent", pgettext_lazy("invoice", "Sent to the host")
    CONFIRMED = "confirmed", pgettext_lazy("invoice", "Confirmed by the host")
    PAID = "paid", pgettext_lazy("invoice", "Paid")


D = DeskInvoiceStatus
# status -> the statuses it may move to: desk_invoices.change_desk_invoice_status reads it,
# and so do the pages' buttons. A draft is regenerated from the stays until it is sent.
DESK_INVOICE_TRANSITIONS = {
    D.DRAFT: {D.SENT},
    D.SENT: {D.CONFIRMED},
    D.CONFIRMED: {D.PAID},
    D.PAID: set(),
}


class DeskInvoiceNote(models.TextChoices):
    """The notes the portal itself writes in a desk invoice's history: a DeskInvoiceEvent
    keeps the code and its values (desk-days, a sum as its amount and currency, a day in
    ISO 8601, the payment's reference as typed), and the history writes the sentence in the
    reader's language (DeskInvoiceEvent.note_text)."""

    REDRAWN = (
        "redrawn",
        _(
            "Redrawn from the stays as they are now when sent: %(before_days)s desk-days "
            "(%(before_total)s) became %(days)s (%(total)s)."
        ),
    )
    PAID = "paid", _("Paid on %(date)s, reference %(reference)s")


# --- Stipends and expense claims (issue 17) ----------------------------------------------


class AwardStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("award", "Proposed")
    AWARDED = "awarded", pgettext_lazy("award", "Awarded")
    REDUCED = "reduced", pgettext_lazy("award", "Reduced")
    CLOSED = "closed", pgettext_lazy("award", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("award", "Cancelled")


A = AwardStatus
# status -> the statuses it may move to (stipends.change_award_status reads it). An award is
# reduced when its stay is cut short, cancelled when the stay never happens. A cancelled award
# (no money ever paid or approved on it) may be proposed again: the way to put right an
# amount mistyped, since a placement has one award.
AWARD_TRANSITIONS = {
    A.PROPOSED: {A.AWARDED, A.CANCELLED},
    A.AWARDED: {A.REDUCED, A.CLOSED, A.CANCELLED},
    A.REDUCED: {A.REDUCED, A.CLOSED, A.CANCELLED},
    A.CLOSED: set(),
    A.CANCELLED: {A.PROPOSED},
}
AWARD_NEEDS_REASON = {A.REDUCED, A.CANCELLED}
# Awards that count against the intake's pool (a cancelled one holds nothing).
COMMITTED_AWARDS = [A.PROPOSED, A.AWARDED, A.REDUCED, A.CLOSED]
# Awards the firm may still claim against.
CLAIMABLE_AWARDS = [A.AWARDED, A.REDUCED]


class TrancheCondition(models.TextChoices):
    """What a tranche waits for before it falls due. Another app satisfies a condition through
    stipends.satisfy_condition (outcome reports verify the end-of-stay report)."""

    AWARDED = "awarded", _("When the award is made")
    ARRIVAL = "arrival", _("When the arrival is logged")
    DEPARTURE = "departure", _("When the departure is logged")
    REPORT_VERIFIED = "report-verified", _("When the end-of-stay report is verified")


class TrancheStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("tranche", "Waiting")
    DUE = "due", pgettext_lazy("tranche", "Due")
    APPROVED = "approved", pgettext_lazy("payment", "Approved")
    PAID = "paid", pgettext_lazy("payment", "Paid")
    FAILED = "failed", pgettext_lazy("payment", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("tranche", "Cancelled")


T = TrancheStatus
TRANCHE_TRANSITIONS = {
    T.WAITING: {T.DUE, T.CANCELLED},
    T.DUE: {T.APPROVED, T.CANCELLED},
    T.APPROVED: {T.PAID, T.FAILED, T.CANCELLED},
    # A failed payment is approved again once the details are fixed.
    T.FAILED: {T.APPROVED, T.CANCELLED},
    T.PAID: set(),
    T.CANCELLED: set(),
}
TRANCHE_NEEDS_REASON = {T.FAILED, T.CANCELLED}
# Tranches a reduction may cut: those no payment of is with finance or the bank (a failed
# payment is approved again, at its new amount). An approved one is never changed under
# finance: it is paid or marked failed first.
CUTTABLE_TRANCHES = [T.WAITING, T.DUE, T.FAILED]
# Tranches a manager cancels by hand: a failed payment the program will not make again. The
# others are cancelled with their award, or cut by a reduction.
CANCELLABLE_TRANCHES = [T.FAILED]


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("claim", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("claim", "Submitted")
    CHANGES_REQUESTED = "changes-requested", _("Changes requested")
    APPROVED = "approved", pgettext_lazy("claim", "Approved")
    REJECTED = "rejected", pgettext_lazy("claim", "Rejected")
    PAID = "paid", pgettext_lazy("claim", "Paid")


C = ClaimStatus
# A draft, or a claim sent back, that the firm leaves is rejected by a manager (or with its
# award's cancellation), so it does not keep the award from closing for ever.
CLAIM_TRANSITIONS = {
    C.DRAFT: {C.SUBMITTED, C.REJECTED},
    C.SUBMITTED: {C.APPROVED, C.CHANGES_REQUESTED, C.REJECTED},
    C.CHANGES_REQUESTED: {C.SUBMITTED, C.REJECTED},
    C.APPROVED: {C.PAID},
    C.REJECTED: set(),
    C.PAID: set(),
}
CLAIM_NEEDS_REASON = {C.CHANGES_REQUESTED, C.REJECTED}
# Claims the firm may still edit.
EDITABLE_CLAIMS = [C.DRAFT, C.CHANGES_REQUESTED]
# Claims whose approved amounts count against the award.
APPROVED_CLAIMS = [C.APPROVED, C.PAID]
# Claims not yet decided: rejected when their award is cancelled.
OPEN_CLAIMS = [C.DRAFT, C.SUBMITTED, C.CHANGES_REQUESTED]


class MoneyNote(models.TextChoices):
    """The notes the portal itself writes in the money history: a MoneyEvent keeps the code
    and its values (a claim's number, the reason a person typed), and the history writes the
    sentence in the reader's language (placements.money_history)."""

    PROPOSED_AGAIN = "proposed-again", _("Proposed again.")
    CLAIM_APPROVED = "claim-approved", _("Claim %(number)s approved.")
    CLAIM_DRAWN_DOWN = (
        "claim-drawn-down",
        _("Claim %(number)s approved: the tranches pay what is left of the award."),
    )
    NOTHING_APPROVED = "nothing-approved", _("No expense on this claim was approved.")
    STAY_CANCELLED = (
        "stay-cancelled",
        _("The stay was cancelled (%(reason)s): the award keeps what was paid or approved."),
    )
    CLOSED_AT_PAID = "closed-at-paid", _("Closed at what it paid.")
    REPORT_VERIFIED = "report-verified", _("Report verified")


class ExpenseCategory(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    ACCOMMODATION = "accommodation", _("Accommodation")
    ADMINISTRATION = "administration", _("Administration")
    OTHER = "other", pgettext_lazy("expense", "Other")


class TrancheName(models.TextChoices):
    """The names the portal gives tranches itself (its default schedule's). A schedule's term
    and a tranche keep the code, written in the reader's language when read (a French firm
    reads "Avance" whoever made its award); a name a manager typed reads as typed."""

    ADVANCE = "advance", _("Advance")
    BALANCE = "balance", _("Balance")
