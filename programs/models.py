import zoneinfo

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from rules.contrib.models import RulesModel

from programs import rules as perms
from programs.enums import StaffRole


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class MarketGroup(models.Model):
    """A grouping of markets the program reports on together, e.g. the seed's BIC/MINT."""

    name = models.CharField(_("name"), max_length=120, unique=True)
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
    languages = models.CharField(_("languages"), max_length=200, blank=True)
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
            "change": perms.can_set_up_catalogue,
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


class HostIncubator(RulesModel):
    """A partner business incubator abroad that hosts SMEs at its desks."""

    name = models.CharField(_("name"), max_length=200)
    market = models.ForeignKey(
        ForeignMarket, on_delete=models.PROTECT, related_name="hosts", verbose_name=_("market")
    )
    city = models.CharField(_("city"), max_length=120)
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
        rules_permissions = {
            "view": rules.always_allow,
            "add": perms.can_set_up_catalogue,
            "change": perms.can_set_up_catalogue,
            "delete": perms.is_superuser,
            "act_for": perms.can_act_for_host,
        }

    def __str__(self):
        return f"{self.name} ({self.city})"


class Program(RulesModel):
    """A program (e.g. the Soft Landing Program) that runs intakes."""

    name = models.CharField(_("name"), max_length=200)
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


class ProgramStaff(models.Model):
    """A person's role in one program: manager or reviewer."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("program staff")
        verbose_name_plural = _("program staff")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user", "role"], name="program_staff_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} - {self.program}"
