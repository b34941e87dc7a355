"""What a view tells the person after a write was refused."""

from django.contrib import messages


def refused(request, error):
    """One error message per reason a ValidationError gives."""
    for message in error.messages:
        messages.error(request, message)
