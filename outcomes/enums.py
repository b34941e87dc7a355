from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    END_OF_STAY = "end-of-stay", _("End of stay")
    MONTHS_3 = "3-months", _("3 months after")
    MONTHS_6 = "6-months", _("6 months after")
    MONTHS_12 = "12-months", _("12 months after")


# The reports after the end-of-stay one, with the months after departure each falls due at
# unless the intake's ReportTerms says otherwise (issue 18: 3, 6 and 12).
FOLLOW_UPS = [
    (ReportKind.MONTHS_3, "months_3"),
    (ReportKind.MONTHS_6, "months_6"),
    (ReportKind.MONTHS_12, "months_12"),
]


class ReportStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("outcome report", "Due")
    SUBMITTED = "submitted", pgettext_lazy("outcome report", "Submitted")
    CHANGES_REQUESTED = "changes-requested", _("Changes requested")
    VERIFIED = "verified", pgettext_lazy("outcome report", "Verified")
    REJECTED = "rejected", pgettext_lazy("outcome report", "Rejected")


S = ReportStatus
# status -> the statuses it may move to; services.change_report_status reads it, and so do
# the pages. A verified report the firm edits goes back to submitted: verification reopens
# and the history keeps both. A rejected report is final.
REPORT_TRANSITIONS = {
    S.DUE: {S.SUBMITTED},
    S.SUBMITTED: {S.VERIFIED, S.CHANGES_REQUESTED, S.REJECTED},
    S.CHANGES_REQUESTED: {S.SUBMITTED},
    S.VERIFIED: {S.SUBMITTED},
    S.REJECTED: set(),
}
# The firm may change what a report says in these statuses.
EDITABLE = [S.DUE, S.SUBMITTED, S.CHANGES_REQUESTED, S.VERIFIED]
# Reports counted as handed in, for completeness.
HANDED_IN = [S.SUBMITTED, S.CHANGES_REQUESTED, S.VERIFIED, S.REJECTED]


class OpportunityKind(models.TextChoices):
    SALES_CONTRACT = "sales-contract", _("Sales contract")
    DISTRIBUTION = "distribution", _("Distribution or channel agreement")
    PARTNERSHIP = "partnership", _("Partnership or joint venture")
    LICENSING = "licensing", _("Licensing")
    INVESTMENT = "investment", _("Investment into the firm")
    OFFICE = "office", _("Office or subsidiary opened")
    OTHER = "other", pgettext_lazy("opportunity kind", "Other")


class Stage(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    NEGOTIATION = "negotiation", _("In negotiation")
    WON = "won", pgettext_lazy("deal", "Won")
    LOST = "lost", pgettext_lazy("deal", "Lost")


CLOSED_STAGES = [Stage.WON, Stage.LOST]
OPEN_STAGES = [Stage.IDENTIFIED, Stage.NEGOTIATION]


class Attribution(models.TextChoices):
    DECISIVE = "decisive", _("Decisive: it would not have happened without the stay")
    CONTRIBUTED = "contributed", _("The stay contributed")
    UNRELATED = "unrelated", _("Unrelated to the stay")


class Source(models.TextChoices):
    TYPED = "typed", _("Entered by the firm")
    INTRODUCTION = "introduction", _("An introduction the host logged")


class EntryType(models.TextChoices):
    FIRST_SALE = "first-sale", _("First sale")
    FIRST_CUSTOMER = "first-customer", _("First customer")
    REGISTRATION = "registration", _("Registration or office")


class Basis(models.TextChoices):
    """Which values the figures read."""

    VERIFIED = "verified", _("Verified values")
    REPORTED = "reported", _("Reported values")


class Dimension(models.TextChoices):
    """What the figures are broken down by."""

    INTAKE = "intake", _("Intake")
    MARKET = "market", _("Market")
    SECTOR = "sector", _("Sector")
    HOST = "host", _("Host incubator")
    YEAR = "year", _("Year the stay ended")


USEFULNESS_SCALE = [
    (1, _("1 – not useful")),
    (2, _("2")),
    (3, _("3")),
    (4, _("4")),
    (5, _("5 – essential")),
]


class DocumentKind(models.TextChoices):
    PROGRAM_REPORT = "program-report", _("Program report (PDF)")
    DOSSIER = "dossier", _("Auditor's dossier (zip)")


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("document", "Queued")
    BUILDING = "building", pgettext_lazy("document", "Being built")
    READY = "ready", pgettext_lazy("document", "Ready")
    FAILED = "failed", pgettext_lazy("document", "Failed")


D = DocumentStatus
# A document is queued, built by a worker, and ends ready or failed; asking again (a rebuild
# after new verifications, or after a failure) queues it again. A retried task finds it ready
# and does nothing; services.change_document_status reads this table.
DOCUMENT_TRANSITIONS = {
    D.QUEUED: {D.BUILDING, D.FAILED},
    D.BUILDING: {D.READY, D.FAILED},
    D.READY: {D.QUEUED},
    D.FAILED: {D.QUEUED},
}
# A document in one of these is under way: asking again changes nothing.
DOCUMENT_UNDER_WAY = [D.QUEUED, D.BUILDING]


class DocumentStage(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    READING = "reading", _("Reading the records")
    FIGURES = "figures", _("Computing the figures")
    APPLICATION = "application", _("Writing the application")
    REVIEWS = "reviews", _("Writing the reviews and the decision")
    PLACEMENT = "placement", _("Writing the placement's history and logs")
    MONEY = "money", _("Writing the stipend and the claims, adding the receipts")
    REPORTS = "reports", _("Writing the outcome reports")
    RENDERING = "rendering", _("Drawing the PDF")
    SAVING = "saving", _("Saving the file")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class PublicationAction(models.TextChoices):
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")
