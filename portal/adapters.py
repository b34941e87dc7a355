import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.utils import translation
from django.utils.translation import get_language

from portal.links import absolute_url
from portal.queries import language_of_address
from portal.services import queue_email, remember_language


def holds_address(user, email):
    """Whether ``email`` is this account's for real: its own address (``user.email``, which it
    signed up and logs in with) or one it confirmed. An address added to an account and never
    confirmed is only a claim, which anyone can make for anyone's address: it opens no
    password reset and keeps nobody from signing up (portal.forms)."""
    return (
        user.email.lower() == email.lower()
        or EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )


class AccountAdapter(DefaultAccountAdapter):
    """allauth's emails go through the portal's outbox and Celery, like every other email."""

    def save_user(self, request, user, form, commit=True):
        # A new account keeps the language its person signed up in, for the emails to come.
        user.language = get_language() or ""
        return super().save_user(request, user, form, commit=commit)

    def login(self, request, user):
        super().login(request, user)
        # An account with no language yet takes the one its person reads the portal in, so
        # that the emails to come are in it too (the account page changes it).
        if not user.language:
            remember_language(user, get_language() or "")

    def confirm_email(self, request, email_address):
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            # The address is proven this account's: other accounts' unconfirmed claims to it
            # (added, never confirmed) go, with the confirmation links sent for them.
            EmailAddress.objects.filter(
                email__iexact=email_address.email, verified=False, primary=False
            ).exclude(user_id=email_address.user_id).delete()
        return confirmed

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
        # The address written to: a confirmation says when it is not the account's own.
        context.setdefault("address", email)
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
