from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    MANAGER = "manager", _("Program manager")
    REVIEWER = "reviewer", _("Reviewer")
