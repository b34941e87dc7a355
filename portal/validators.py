"""Validators every app shares."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every character Python reads as the end of a line (str.splitlines), CR and LF among them.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def validate_single_line(value):
    """Refuse a line break in a name or a title.

    Names go into email subjects and headers, where a line break is refused by the mail
    layer (and would end the header), and into one-line places on every page.
    """
    if isinstance(value, str) and any(char in LINE_BREAKS for char in value):
        raise ValidationError(
            _("Keep this on one line: remove the line breaks."), code="line_break"
        )


def validate_this_century(value):
    """Refuse a date typed far off (9999) or far back (0001): read in a time zone west of
    UTC (east of it, for the year 1) it cannot be stored, a server error instead of a
    message."""
    if value is None:
        return
    if value.year >= 2100:
        raise ValidationError(_("Enter a date before the year 2100."), code="far_off")
    if value.year < 1900:
        raise ValidationError(_("Enter a date in the year 1900 or later."), code="far_past")
