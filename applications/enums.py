from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # The review and selection issues add: screening, ineligible, in review, shortlisted,
    # offered, accepted, declined, waitlisted, not selected. They slot into TRANSITIONS.


# status -> the statuses it may move to. The one transition function reads this table, and
# so do permission checks and templates: a button, a view and a service cannot disagree.
TRANSITIONS = {
    ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.SUBMITTED: {ApplicationStatus.WITHDRAWN},
    ApplicationStatus.WITHDRAWN: set(),
}

# Statuses in which the company has an application in play for the intake.
LIVE_STATUSES = [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]
# Statuses the applicant can still withdraw from ("until a decision").
WITHDRAWABLE = [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]


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
