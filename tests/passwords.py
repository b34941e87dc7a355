"""Passwords for tests, made fresh each run: no fixed credential lives in the code."""

import secrets

from django.contrib.auth.password_validation import CommonPasswordValidator


def strong_password():
    return secrets.token_urlsafe(16)


def short_numeric_password():
    """Eight random digits: too short and entirely numeric for the portal's validators."""
    return "".join(secrets.choice("0123456789") for _ in range(8))


def common_password(min_length=10):
    """A password from Django's common-password list, long enough to pass the length rule."""
    candidates = sorted(p for p in CommonPasswordValidator().passwords if len(p) >= min_length)
    return secrets.choice(candidates)
