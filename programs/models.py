import rules
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from rules.contrib.models import RulesModel

from programs import rules as perms
from programs.enums import StaffRole


class ForeignMarket(RulesModel):
    """A country the program sends SMEs to (or receives them from)."""

    country = CountryField(_("country"), unique=True)

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
