import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import MemberRole
from applications.models import Company, CompanyInvitation, CompanyMember
from portal.services import queue_email

PROFILE_FIELDS = [
    "name",
    "country",
    "city",
    "website",
    "sector",
    "year_founded",
    "employees",
    "annual_revenue",
    "export_markets",
    "export_revenue_percent",
    "offering",
    "paying_customers",
    "proof",
]


@transaction.atomic
def register_company(user, *, name, country, **profile):
    """Create an applicant company with the person registering it as its owner."""
    company = Company.objects.create(name=name.strip(), country=country, **profile)
    CompanyMember.objects.create(company=company, user=user, role=MemberRole.OWNER)
    return company


@transaction.atomic
def update_company(company, *, by, **profile):
    for name, value in profile.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(name)
        setattr(company, name, value)
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def add_company_member(company, *, user, role=MemberRole.STAFF):
    member, _created = CompanyMember.objects.get_or_create(
        company=company, user=user, defaults={"role": role}
    )
    return member


@transaction.atomic
def remove_company_member(company, *, user):
    """Access ends at once: permissions are read from membership on every request."""
    if company.members.filter(user=user, role=MemberRole.OWNER).exists():
        raise ValidationError(_("The owner cannot be removed from the team."))
    CompanyMember.objects.filter(company=company, user=user).delete()


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite_member(company, *, by, email, role=MemberRole.STAFF):
    """Email a single-use, expiring link; a new invitation replaces an open one."""
    email = email.strip()
    if company.members.annotate(email=Lower("user__email")).filter(email=email.lower()).exists():
        raise ValidationError(_("%(email)s is already on the team.") % {"email": email})
    now = timezone.now()
    company.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = CompanyInvitation.objects.create(
        company=company, email=email, role=role, token_hash=_hash(token), invited_by=by
    )
    context = {
        "company": company,
        "inviter": by.full_name or by.email,
        "expires_at": invitation.expires_at,
        "link": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("applications:invitation_accept", args=[token]),
    }
    queue_email(
        key=f"invitation:{invitation.pk}",
        to=[email],
        subject=render_to_string("applications/email/invitation_subject.txt", context),
        body=render_to_string("applications/email/invitation_message.txt", context),
    )
    return invitation


def find_invitation(token):
    return (
        CompanyInvitation.objects.select_related("company", "invited_by")
        .filter(token_hash=_hash(token))
        .first()
    )


def _addresses_of(user):
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {address.lower() for address in verified}


@transaction.atomic
def accept_invitation(token, *, user):
    """Join the team; the link works once, before it expires, for the invited address."""
    invitation = find_invitation(token)
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."))
    invitation = CompanyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was withdrawn or replaced by a newer one."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired; ask for a new one."))
    if invitation.email.lower() not in _addresses_of(user):
        raise ValidationError(
            _("This invitation was sent to %(email)s; log in with that address to accept it.")
            % {"email": invitation.email}
        )
    member = add_company_member(invitation.company, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return member


@transaction.atomic
def revoke_invitation(invitation, *, by):
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
