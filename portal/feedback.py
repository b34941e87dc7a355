"""What a view tells the person after a write was refused."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def refused(request, error):
    """One error message per reason a ValidationError gives."""
    for message in error.messages:
        messages.error(request, message)


def attempt(request, write, done, *args, **kwargs):
    """Run a service's write; tell the person it was done (``done``) or each reason it was
    refused. True if it was done."""
    try:
        write(*args, **kwargs)
    except ValidationError as error:
        refused(request, error)
        return False
    messages.success(request, done)
    return True
