import zoneinfo

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import MoneyField
from djmoney.models.validators import MinMoneyValidator
from djmoney.money import Money
from rules.contrib.models import RulesModel

from portal.validators import validate_single_line
from programs import rules as perms
from programs.enums import (
    DEFAULT_CRITERION_DESCRIPTIONS,
    DEFAULT_RUBRIC_SCALE,
    DefaultCriterion,
    DeskInvoicing,
    Direction,
    HostService,
    IntakeChangeKind,
    PartnershipStatus,
    ScoreAggregate,
    SectorCode,
    StaffRole,
)
from programs.phases import phase_of

MONEY_DIGITS = {"max_digits": 14, "decimal_places": 2}


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class MarketGroup(models.Model):
    """A grouping of markets the program reports on together, e.g. the seed's BIC/MINT."""

    name = models.CharField(
        _("name"), max_length=120, unique=True, validators=[validate_single_line]
    )
    slug = models.SlugField(_("short name"), unique=True)
    description = models.TextField(_("description"), blank=True)
    countries = models.JSONField(
        _("countries"),
        default=list,
        help_text=_("ISO 3166 codes of the member countries, including ones not yet a market."),
    )

    class Meta:
        verbose_name = _("market group")
        verbose_name_plural = _("market groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ForeignMarket(RulesModel):
    """A country the program sends SMEs to (or receives them from), with its briefing."""

    country = CountryField(_("country"), unique=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use the three-letter ISO code, e.g. BRL."))],
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, validators=[validate_single_line]
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    groups = models.ManyToManyField(
        MarketGroup, blank=True, related_name="markets", verbose_name=_("groups")
    )
    summary = models.TextField(_("summary"), blank=True)
    regulation = models.TextField(_("regulation and licensing"), blank=True)
    tax_and_residency = models.TextField(_("tax and residency"), blank=True)
    intellectual_property = models.TextField(_("intellectual property"), blank=True)
    language_and_culture = models.TextField(_("language, politics and culture"), blank=True)
    contacts = models.TextField(_("useful contacts"), blank=True)
    briefing_updated_at = models.DateTimeField(_("briefing updated"), null=True, blank=True)

    class Meta:
        verbose_name = _("foreign market")
        verbose_name_plural = _("foreign markets")
        ordering = ["country"]
        rules_permissions = {
            "view": rules.always_allow,
            "add": perms.can_set_up_catalogue,
            "change": perms.can_change_market,
            "delete": perms.is_superuser,
        }

    def __str__(self):
        return str(self.country.name)


class ServiceImportFigure(models.Model):
    """A published service-import figure for a market group, stored exactly as published.

    The seed's Table 2 (growth and aggregate import value) and Table 3 (value of an
    incremental one-percent share) are facts to show, never to recompute.
    """

    group = models.ForeignKey(MarketGroup, on_delete=models.CASCADE, related_name="import_figures")
    category = models.CharField(_("services category"), max_length=120)
    period = models.CharField(_("period"), max_length=20)
    growth_percent = models.DecimalField(
        _("percentage of growth"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    aggregate_import_value_usd = models.DecimalField(
        _("aggregate import value (US$)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    incremental_share_value_usd = models.DecimalField(
        _("value of an incremental one-percent share of imports (US$)"),
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
    )
    growth_source = models.CharField(_("source of growth and value"), max_length=200)
    share_source = models.CharField(_("source of the one-percent share value"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("service-import figure")
        verbose_name_plural = _("service-import figures")
        ordering = ["group", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "category", "period"], name="import_figure_unique"
            )
        ]

    def __str__(self):
        return f"{self.group}: {self.category} ({self.period})"


class Sector(models.Model):
    """A sector a host serves, an intake focuses on or a company works in.

    A table rather than a list in a field so that "hosts serving finance" is an
    indexed join on every database; labels come from SectorCode, so they translate.
    """

    code = models.CharField(_("sector"), max_length=30, unique=True, choices=SectorCode.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position"]

    def __str__(self):
        # One lookup: get_code_display() would translate every sector's label each call.
        return str(SectorCode(self.code).label) if self.code in SectorCode else self.code


class HostIncubator(RulesModel):
    """A partner business incubator that hosts SMEs at its desks."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    market = models.ForeignKey(
        ForeignMarket, on_delete=models.PROTECT, related_name="hosts", verbose_name=_("market")
    )
    city = models.CharField(_("city"), max_length=120, validators=[validate_single_line])
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="hosts", verbose_name=_("sectors served")
    )
    services = models.JSONField(
        _("services offered"),
        default=list,
        blank=True,
        help_text=_("Codes from the list of host services."),
    )
    desk_capacity = models.PositiveSmallIntegerField(
        _("desk capacity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Desks the host can give program firms at the same time."),
    )
    desk_cost_per_day = MoneyField(
        _("desk cost per day"),
        **MONEY_DIGITS,
        default=Money(0, settings.PORTAL_CURRENCY),
        default_currency=settings.PORTAL_CURRENCY,
        validators=[MinMoneyValidator(0)],
        help_text=_("What the program pays the host for one desk and its services, per day."),
    )
    partnership = models.CharField(
        _("partnership"),
        max_length=10,
        choices=PartnershipStatus.choices,
        default=PartnershipStatus.ACTIVE,
    )
    partner_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="partner_hosts",
        verbose_name=_("partner staff"),
    )

    class Meta:
        verbose_name = _("host incubator")
        verbose_name_plural = _("host incubators")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(desk_capacity__gte=1), name="host_has_a_desk"),
        ]
        rules_permissions = {
            "view": rules.always_allow,
            "add": perms.can_set_up_catalogue,
            "change": perms.can_change_host,
            "delete": perms.is_superuser,
            "act_for": perms.can_act_for_host,
        }

    def __str__(self):
        return f"{self.name} ({self.city})"

    @property
    def service_labels(self):
        labels = dict(HostService.choices)
        return [labels[code] for code in self.services if code in labels]

    @property
    def listed_publicly(self):
        """In the public directory, with a page of its own: an active partnership."""
        return self.partnership == PartnershipStatus.ACTIVE


class HostPartnerChange(models.Model):
    """A change of who acts for a host in the portal: its partner staff before and after."""

    host = models.ForeignKey(
        HostIncubator, on_delete=models.CASCADE, related_name="partner_changes"
    )
    # Empty when the portal's own set-up made the change (the demo seed), not a person.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    # Email addresses as they were at the time, sorted.
    before = models.JSONField(_("partner staff before"), default=list)
    after = models.JSONField(_("partner staff after"), default=list)

    class Meta:
        verbose_name = _("partner staff change")
        verbose_name_plural = _("partner staff changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.host}: {self.changed_at:%Y-%m-%d %H:%M}"

    @property
    def added(self):
        return [email for email in self.after if email not in self.before]

    @property
    def removed(self):
        return [email for email in self.before if email not in self.after]


class Program(RulesModel):
    """A program (e.g. the Soft Landing Program) that runs intakes."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(_("short name"), unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]
        rules_permissions = {
            "view": perms.can_see_program,
            "add": perms.is_superuser,
            "change": perms.can_manage_program,
            "delete": perms.is_superuser,
            "manage": perms.can_manage_program,
        }

    def __str__(self):
        return self.name


class Intake(RulesModel):
    """One call for applications of a program, with its terms, rules and rubric.

    Its phase is derived from its times and data (programs.phases), never stored.
    """

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="intakes", verbose_name=_("program")
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    summary = models.TextField(_("summary"), blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.OUTBOUND
    )
    markets = models.ManyToManyField(
        ForeignMarket,
        blank=True,
        related_name="intakes",
        verbose_name=_("market focus"),
        help_text=_("Leave empty for no market focus."),
    )
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        related_name="focus_intakes",
        verbose_name=_("sector focus"),
        help_text=_("Leave empty for no sector focus."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone]
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    placement_starts_on = models.DateField(_("earliest start of a stay"))
    placement_ends_on = models.DateField(_("latest end of a stay"))
    max_stay_days = models.PositiveSmallIntegerField(
        _("maximum stay (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # How often the host's partner checks in with a firm in residence (beat reminds them
    # when one is due and tells the managers when it is overdue).
    check_in_every_days = models.PositiveSmallIntegerField(
        _("check-in every (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("How often the host checks in with a firm in residence: 7 is weekly."),
    )
    max_host_preferences = models.PositiveSmallIntegerField(
        _("host preferences per application"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    stipend_cap = MoneyField(
        _("stipend cap per firm"),
        **MONEY_DIGITS,
        default=Money(4000, settings.PORTAL_CURRENCY),
        default_currency=settings.PORTAL_CURRENCY,
        validators=[MinMoneyValidator(0)],
    )
    stipend_budget = MoneyField(
        _("stipend budget pool"),
        **MONEY_DIGITS,
        default=Money(0, settings.PORTAL_CURRENCY),
        default_currency=settings.PORTAL_CURRENCY,
        validators=[MinMoneyValidator(0)],
    )
    # The hosts' desk-days are invoiced at each host's desk cost per day (placements).
    desk_invoicing = models.CharField(
        _("host desk invoices"),
        max_length=20,
        choices=DeskInvoicing.choices,
        default=DeskInvoicing.MONTHLY,
    )
    # Eligibility rules, evaluated by programs.eligibility.
    min_years_operating = models.PositiveSmallIntegerField(
        _("minimum years operating"), null=True, blank=True, validators=[MaxValueValidator(200)]
    )
    min_employees = models.PositiveIntegerField(
        _("minimum employees"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    min_annual_revenue = MoneyField(
        _("minimum annual revenue"),
        **MONEY_DIGITS,
        null=True,
        blank=True,
        default=None,
        default_currency=settings.PORTAL_CURRENCY,
        validators=[MinMoneyValidator(0)],
    )
    proven_product_required = models.BooleanField(_("proven product required"), default=True)
    allowed_home_countries = CountryField(
        _("allowed home countries"),
        multiple=True,
        blank=True,
        help_text=_("Leave empty to accept firms from any country."),
    )
    allowed_sectors = models.ManyToManyField(
        Sector,
        blank=True,
        related_name="eligible_intakes",
        verbose_name=_("allowed sectors"),
        help_text=_("Leave empty to accept every sector."),
    )
    hosts = models.ManyToManyField(
        HostIncubator, through="DeskOffer", related_name="intakes", verbose_name=_("hosts")
    )
    # Review settings (applications.scoring reads them).
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    reviews_due_at = models.DateTimeField(_("reviews due"), null=True, blank=True)
    blind_until_reviewed = models.BooleanField(
        _("reviewers see others' scores only after giving their own"), default=True
    )
    score_aggregate = models.CharField(
        _("combine reviewers' scores by"),
        max_length=10,
        choices=ScoreAggregate.choices,
        default=ScoreAggregate.MEAN,
    )
    calibrate_scores = models.BooleanField(
        _("calibrate reviewers"),
        default=False,
        help_text=_(
            "Standardise each reviewer's scores against their own scores in this intake, "
            "so a harsh and a lenient reviewer count alike."
        ),
    )
    disagreement_points = models.PositiveSmallIntegerField(
        _("flag disagreement at or above (points out of 100)"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    offer_response_days = models.PositiveSmallIntegerField(
        _("days an applicant has to answer an offer"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Set by the selection workflow; they move the derived phase on.
    selection_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    slate_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Until then, applicants see their application as shortlisted (the emails are held).
    decisions_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="intake_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(placement_ends_on__gt=F("placement_starts_on")),
                name="intake_window_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(max_stay_days__gte=1), name="intake_stay_positive"),
        ]
        indexes = [models.Index(fields=["published_at", "closes_at"])]
        rules_permissions = {
            "view": perms.can_see_intake,
            "add": perms.can_manage_program,
            "change": perms.can_manage_intake,
            "delete": perms.is_superuser,
        }

    def __str__(self):
        return self.title

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def phase(self):
        return phase_of(self)

    @property
    def is_published(self):
        return self.published_at is not None


class DeskOffer(models.Model):
    """How many desks a host offers the firms of one intake."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="desk_offers")
    host = models.ForeignKey(
        HostIncubator,
        on_delete=models.PROTECT,
        related_name="desk_offers",
        verbose_name=_("host incubator"),
    )
    desks = models.PositiveSmallIntegerField(_("desks"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("desk offer")
        verbose_name_plural = _("desk offers")
        constraints = [
            models.UniqueConstraint(fields=["intake", "host"], name="desk_offer_one_per_host"),
            models.CheckConstraint(condition=Q(desks__gte=1), name="desk_offer_at_least_one"),
        ]

    def __str__(self):
        return f"{self.host}: {self.desks}"


class RubricCriterion(models.Model):
    """One criterion reviewers score for an intake, with its weight and scale."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=120, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    scale_max = models.PositiveSmallIntegerField(
        _("scale (top score)"),
        default=DEFAULT_RUBRIC_SCALE,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
    )
    position = models.PositiveSmallIntegerField(default=0)
    # A criterion of the default rubric: its name and description (kept in English) are
    # shown in the reader's language. Empty for a criterion a manager typed.
    code = models.CharField(
        _("default criterion"), max_length=30, choices=DefaultCriterion.choices, blank=True
    )

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(scale_max__gte=2), name="criterion_scale_at_least_2"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The name in the reader's language for a criterion of the default rubric, as typed
        for one a manager typed."""
        if self.code in DefaultCriterion:
            return str(DefaultCriterion(self.code).label)
        return self.name

    @property
    def display_description(self):
        if self.code in DefaultCriterion:
            return str(DEFAULT_CRITERION_DESCRIPTIONS[DefaultCriterion(self.code)])
        return self.description


class IntakeChange(models.Model):
    """A recorded change to an intake's eligibility rules or rubric after it opened."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("what changed"), max_length=20, choices=IntakeChangeKind.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("reason"))
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("intake change")
        verbose_name_plural = _("intake changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.intake}: {self.get_kind_display()} ({self.changed_at:%Y-%m-%d})"


class ProgramStaff(models.Model):
    """A person's role in a program: manager or reviewer, for all its intakes or just one."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="staff")
    intake = models.ForeignKey(
        Intake,
        on_delete=models.CASCADE,
        related_name="staff",
        null=True,
        blank=True,
        verbose_name=_("intake"),
        help_text=_("Leave empty for every intake of the program."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("program staff")
        verbose_name_plural = _("program staff")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user", "role"],
                condition=Q(intake__isnull=True),
                name="program_staff_unique_role",
            ),
            models.UniqueConstraint(
                fields=["intake", "user", "role"],
                condition=Q(intake__isnull=False),
                name="intake_staff_unique_role",
            ),
        ]

    def __str__(self):
        scope = self.intake or self.program
        return f"{self.user} - {self.get_role_display()} - {scope}"


class ExchangeRate(models.Model):
    """What one unit of a currency is worth in the program's currency, from a given day.

    Amounts entered in another currency are converted at the rate in force that day, and
    the rate used is stored beside the converted amount, so a later rate changes nothing.
    """

    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use the three-letter ISO code, e.g. BRL."))],
    )
    rate = models.DecimalField(
        _("value of one unit in the program's currency"),
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(0)],
    )
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="one_rate_a_day"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="rate_positive"),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.rate} ({self.valid_from})"
