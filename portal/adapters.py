import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation
from django.utils.translation import get_language

from portal.links import absolute_url
from portal.queries import language_of_address
from portal.services import queue_email


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails go through the portal's outbox and Celery, like every other email."""

    def save_user(self, request, user, form, commit=True):
        # A new account keeps the language its person signed up in, for the emails to come.
        user.language = get_language() or ""
        return super().save_user(request, user, form, commit=commit)

    # allauth builds its links from the request's host; the portal's emails all use its
    # configured address (PORTAL_BASE_URL) instead, whatever host the request came through.
    def get_email_confirmation_url(self, request, emailconfirmation):
        return absolute_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key):
        return absolute_url(super().get_reset_password_from_key_url(key))

    def send_mail(self, template_prefix, email, context):
        # Every link allauth hands an email (signup_url, password_reset_url, activate_url ...)
        # starts with the configured address, not the host of the request that caused it.
        context = {
            key: absolute_url(value) if key.endswith("_url") and isinstance(value, str) else value
            for key, value in context.items()
        }
        # In the language the account chose (a reset asked from a browser in another
        # language, or none, was written in that one); the request's for an unknown address.
        language = language_of_address(email) or get_language()
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html_body = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html_body = content
        queue_email(
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            to=message.to,
            subject=message.subject,
            body=message.body,
            html_body=html_body,
            from_email=message.from_email,
        )
