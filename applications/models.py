import rules
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from rules.contrib.models import RulesModel

from applications import rules as perms
from applications.enums import MemberRole


class Company(RulesModel):
    """An applicant SME. Its profile grows with the application issue."""

    name = models.CharField(_("legal name"), max_length=200)
    country = CountryField(_("country"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        rules_permissions = {
            "view": perms.can_see_company,
            "add": rules.is_authenticated,
            "change": perms.can_edit_company,
            "delete": perms.can_act_as_owner,
            "manage_team": perms.can_manage_team,
            "act_as_owner": perms.can_act_as_owner,
        }

    def __str__(self):
        return self.name


class CompanyMember(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="company_member_unique")
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} - {self.company}"
