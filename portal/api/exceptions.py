"""Every API error has one shape: ``{"code", "message", "fields"}``.

``code`` is a stable word (``invalid``, ``not_authenticated``, ``authentication_failed``,
``permission_denied``, ``not_found``, ``throttled`` ...), ``message`` a sentence in the
request's language, ``fields`` the messages per input field (empty when none). The services'
ValidationError (the pages' own checks) becomes a 400 of this shape. What Django refuses while
the view reads the request (a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 ``too_large``; any
other SuspiciousOperation: 400 ``bad_request``) has the same shape, not Django's HTML page, and
is logged to ``django.security.*`` as Django would."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


class TooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"
    default_detail = gettext_lazy("The request is too large.")


class BadRequest(exceptions.APIException):
    status_code = 400
    default_code = "bad_request"
    default_detail = gettext_lazy("The request cannot be read.")


def _suspicious(exc, context):
    # Django's own handler would log it so (django.core.handlers.exception); keep that.
    request = context.get("request")
    logging.getLogger(f"django.security.{type(exc).__name__}").error(
        str(exc),
        exc_info=exc,
        extra={
            "status_code": 413 if isinstance(exc, RequestDataTooBig) else 400,
            "request": getattr(request, "_request", request),
        },
    )
    return TooLarge() if isinstance(exc, RequestDataTooBig) else BadRequest()


def _messages(value):
    if isinstance(value, dict):
        return [text for item in value.values() for text in _messages(item)]
    if isinstance(value, list):
        return [text for item in value for text in _messages(item)]
    return [str(value)]


def _shape(exc):
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        fields = {}
        general = []
        if isinstance(detail, dict):
            for name, value in detail.items():
                if name == NON_FIELD:
                    general += _messages(value)
                else:
                    fields[name] = _messages(value)
        else:
            general = _messages(detail)
        message = " ".join(general) or _("Check the fields marked.")
        return {"code": "invalid", "message": message, "fields": fields}
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return {"code": code, "message": " ".join(_messages(detail)), "fields": {}}


def handle(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError(detail=get_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        exc = _suspicious(exc, context)
    response = exception_handler(exc, context)
    if response is None:
        return None
    set_rollback()
    response.data = _shape(exc)
    return response
