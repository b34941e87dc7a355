"""What a view tells the person after a write was refused."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def refused(request, error):
    """One error message per reason a ValidationError gives."""
    for message in error.messages:
        messages.error(request, message)


def form_refused(request, form, fields=None):
    """One error message per reason the bound ``form`` refused (of ``fields`` only, when
    given: a view that needs a few of them), for a page that redirects rather than drawing
    the form again. True if there was one."""
    found = [
        error
        for name, errors in form.errors.items()
        if fields is None or name in fields or any(name.startswith(f"{f}_") for f in fields)
        for error in errors
    ]
    for error in found:
        messages.error(request, error)
    return bool(found)


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


def written(form, write):
    """``write(form.cleaned_data)`` when the bound form is valid; the reasons a write is
    refused for become the form's errors, to draw next to it with what was typed. True if
    it was written."""
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return False
    return True
