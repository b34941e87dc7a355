"""The rules a proposed stay must keep, shared by the dates form and submission."""

from django.utils import formats
from django.utils.translation import gettext as _


def date_problems(intake, start, end):
    problems = []
    if end <= start:
        problems.append(_("The stay must end after it starts."))
    if start < intake.placement_starts_on or end > intake.placement_ends_on:
        problems.append(
            _("The stay must fall between %(start)s and %(end)s.")
            % {
                "start": formats.date_format(intake.placement_starts_on),
                "end": formats.date_format(intake.placement_ends_on),
            }
        )
    if (end - start).days + 1 > intake.max_stay_days:
        problems.append(
            _("A stay can last at most %(days)s days.") % {"days": intake.max_stay_days}
        )
    return problems
