from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    MANAGER = "manager", _("Program manager")
    REVIEWER = "reviewer", _("Reviewer")


class SectorCode(models.TextChoices):
    """The sectors the seed names for sector-focused programs."""

    ENGINEERING = "engineering", _("Engineering")
    ARCHITECTURE = "architecture", _("Architecture")
    FINANCE = "finance", _("Finance")
    LEGAL = "legal", _("Legal")
    HEALTH = "health", _("Health")
    IT = "it", _("Information technology")
    DIGITAL_MEDIA = "digital-media", _("Digital media")
    ACCOUNTING = "accounting", _("Accounting")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class HostService(models.TextChoices):
    """What a host incubator offers the firms at its desks (the seed's bundled export support)."""

    DESK_SPACE = "desk-space", _("Desk space")
    MENTORSHIP = "mentorship", _("Mentorship")
    LEGAL_REGULATORY = "legal-regulatory", _("Legal and regulatory introductions")
    INVESTOR_INTRODUCTIONS = "investor-introductions", _("Investor introductions")
    CUSTOMER_INTRODUCTIONS = "customer-introductions", _("Customer and partner introductions")
    TRANSLATION = "translation", _("Translation")
    MARKET_RESEARCH = "market-research", _("Market research")
    EXPORT_FINANCING = "export-financing", _("Export financing advice")
    TRAINING = "training", _("Training and cultural immersion")


class PartnershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("Outbound: firms from here to hosts abroad")
    INBOUND = "inbound", _("Inbound: foreign firms to hosts here")


class Phase(models.TextChoices):
    """Where an intake stands; derived from its times and data, never stored."""

    DRAFT = "draft", _("Not published")
    UPCOMING = "upcoming", _("Upcoming")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed")
    SELECTING = "selecting", _("Selecting")
    RUNNING = "running", _("Placements running")
    REPORTING = "reporting", _("Reporting outcomes")
    ARCHIVED = "archived", _("Archived")


class IntakeChangeKind(models.TextChoices):
    TERMS = "terms", _("Terms")
    ELIGIBILITY = "eligibility", _("Eligibility rules")
    RUBRIC = "rubric", _("Scoring rubric")
    REVIEW = "review", _("Review settings")


class DefaultCriterion(models.TextChoices):
    """The criteria of the default rubric. A criterion of it keeps its code, and reads in
    the reader's language wherever it is shown; a criterion a manager typed reads as typed."""

    POTENTIAL_MARKET = "potential-market", _("Potential market")
    PROVEN_PRODUCT = "proven-product", _("Proven product")
    EXPORT_READINESS = "export-readiness", _("Export readiness")
    MANAGEMENT_CAPACITY = "management-capacity", _("Management capacity")
    HOST_MARKET_FIT = "host-market-fit", _("Host-market fit")


DEFAULT_CRITERION_DESCRIPTIONS = {
    DefaultCriterion.POTENTIAL_MARKET: _(
        "Size and reachability of the demand for the firm's offer in the target market."
    ),
    DefaultCriterion.PROVEN_PRODUCT: _(
        "Evidence that the product or service sells at home: paying customers, revenue."
    ),
    DefaultCriterion.EXPORT_READINESS: _(
        "Plans, resources and experience to serve customers abroad."
    ),
    DefaultCriterion.MANAGEMENT_CAPACITY: _(
        "A team that can run the business at home while someone is abroad."
    ),
    DefaultCriterion.HOST_MARKET_FIT: _(
        "How well the firm fits the host's network and the market's reality."
    ),
}

# The seed's basis for selection ("potential market and a proven product", grounded in
# host-market reality), as the default rubric of a new intake: (code, weight).
DEFAULT_CRITERIA = [
    (DefaultCriterion.POTENTIAL_MARKET, 3),
    (DefaultCriterion.PROVEN_PRODUCT, 3),
    (DefaultCriterion.EXPORT_READINESS, 2),
    (DefaultCriterion.MANAGEMENT_CAPACITY, 2),
    (DefaultCriterion.HOST_MARKET_FIT, 2),
]
# The same as (name, description, weight), each read in the active language.
DEFAULT_RUBRIC = [
    (code.label, DEFAULT_CRITERION_DESCRIPTIONS[code], weight) for code, weight in DEFAULT_CRITERIA
]
DEFAULT_RUBRIC_SCALE = 5


class ScoreAggregate(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")


class DeskInvoicing(models.TextChoices):
    """How the hosts of an intake invoice the desk-days its firms used (placements issue 17)."""

    MONTHLY = "monthly", _("One invoice per host per month")
    PER_PLACEMENT = "per-placement", _("One invoice per placement, when the stay ends")
