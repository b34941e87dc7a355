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


# The seed's basis for selection ("potential market and a proven product", grounded in
# host-market reality), as the default rubric of a new intake: (name, description, weight).
DEFAULT_RUBRIC = [
    (
        _("Potential market"),
        _("Size and reachability of the demand for the firm's offer in the target market."),
        3,
    ),
    (
        _("Proven product"),
        _("Evidence that the product or service sells at home: paying customers, revenue."),
        3,
    ),
    (
        _("Export readiness"),
        _("Plans, resources and experience to serve customers abroad."),
        2,
    ),
    (
        _("Management capacity"),
        _("A team that can run the business at home while someone is abroad."),
        2,
    ),
    (
        _("Host-market fit"),
        _("How well the firm fits the host's network and the market's reality."),
        2,
    ),
]
DEFAULT_RUBRIC_SCALE = 5


class ScoreAggregate(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")


class DeskInvoicing(models.TextChoices):
    """How the hosts of an intake invoice the desk-days its firms used (placements issue 17)."""

    MONTHLY = "monthly", _("One invoice per host per month")
    PER_PLACEMENT = "per-placement", _("One invoice per placement, when the stay ends")
