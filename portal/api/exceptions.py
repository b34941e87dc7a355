"""Every API error has one shape: ``{"code", "message", "fields"}``.

``code`` is a stable word (``invalid``, ``not_authenticated``, ``authentication_failed``,
``permission_denied``, ``not_found``, ``throttled`` ...), ``message`` a sentence in the
request's language, ``fields`` the messages per input field (empty when none). The services'
ValidationError (the pages' own checks) becomes a 400 of this shape."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


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
    response = exception_handler(exc, context)
    if response is None:
        return None
    set_rollback()
    response.data = _shape(exc)
    return response
