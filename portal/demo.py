"""Demo data shared by every app: the people. Each app adds its own in its demo.py."""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Q

DEMO_DOMAIN = "demo.softlanding.example"


def random_password(**person):
    """Random, never fixed (the only copy is the one printed at the end of seed_demo), and
    one the portal's own password rules take for this person (``email``, ``full_name``): a
    draw that happens to share too many characters with their address is drawn again (the
    similarity rule compares counts of characters, and about one draw in a thousand fails)."""
    probe = get_user_model()(**person)
    for _ in range(100):
        password = secrets.token_urlsafe(12)
        try:
            validate_password(password, probe)
        except ValidationError:
            continue
        return password
    raise RuntimeError("no random password the password rules take")  # never in practice


@dataclass
class DemoRun:
    """What the apps' demo seeders share, and the credentials to print once."""

    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    credentials: list = field(default_factory=list)

    def make_user(self, key, *, email, full_name, role, superuser=False):
        from allauth.account.models import EmailAddress

        password = random_password(email=email, full_name=full_name)
        User = get_user_model()
        if superuser:
            user = User.objects.create_superuser(email=email, password=password)
        else:
            user = User.objects.create_user(email=email, password=password)
        user.full_name = full_name
        user.save(update_fields=["full_name"])
        # Demo addresses are verified so that people can log in straight away.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        self.users[key] = user
        self.credentials.append((role, email, password))
        return user


def demo_email(local_part, *, organisation=None):
    """An address at the demo domain, or at an organisation's own domain under it.

    Applicant companies get domains of their own: the review stage keeps a reviewer away
    from a company whose team shares the reviewer's email domain.
    """
    if organisation:
        return f"{local_part}@{organisation}.{DEMO_DOMAIN}"
    return f"{local_part}@{DEMO_DOMAIN}"


def seed(run):
    run.make_user(
        "director",
        email=demo_email("director"),
        full_name="Kevin Marshall",
        role="Superuser (program director)",
        superuser=True,
    )


def already_seeded():
    return (
        get_user_model()
        .objects.filter(
            Q(email__iendswith=f"@{DEMO_DOMAIN}") | Q(email__iendswith=f".{DEMO_DOMAIN}")
        )
        .exists()
    )
