from django import template

from portal.dates import moment_text

register = template.Library()


@register.filter
def in_zone(value, zone=None):
    """A date-time with its zone: ``{{ offer.deadline|in_zone:intake.time_zone }}``, or
    ``{{ event.at|in_zone }}`` for the portal's own zone. See portal/dates.py."""
    return moment_text(value, zone or None)
