import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.enums import MemberRole
from applications.models import CompanyInvitation, CompanyMember
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return factories.CompanyMemberFactory(role=MemberRole.OWNER)


def invite(client, owner, email, django_capture_on_commit_callbacks):
    client.force_login(owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:company_detail", args=[owner.company.pk]),
            {"email": email, "role": "staff"},
        )
    assert response.status_code == 302
    link = re.search(r"http\S+/invitations/(\S+)/", mail.outbox[-1].body)
    return link.group(1)


def test_the_owner_invites_a_colleague_by_email(client, owner, django_capture_on_commit_callbacks):
    invite(client, owner, "ana@northwind.example", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@northwind.example"]
    assert message.subject == f"Join {owner.company.name} on the soft-landing portal"
    invitation = CompanyInvitation.objects.get()
    # The token is in the email only; the database keeps its hash.
    assert invitation.token_hash not in message.body


def test_the_invited_person_joins_once(client, owner, django_capture_on_commit_callbacks):
    token = invite(client, owner, "ana@northwind.example", django_capture_on_commit_callbacks)
    ana = factories.UserFactory(email="Ana@Northwind.example")
    client.force_login(ana)
    url = reverse("applications:invitation_accept", args=[token])
    assert "Join the team" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert CompanyMember.objects.get(user=ana).role == MemberRole.STAFF
    other = factories.UserFactory(email="ana@northwind.example".replace("ana", "bo"))
    client.force_login(other)
    response = client.post(url, follow=True)
    assert "already been used" in response.content.decode()
    assert not CompanyMember.objects.filter(user=other).exists()


def test_an_invitation_for_someone_else_is_refused(owner):
    invitation = services.invite_member(owner.company, by=owner.user, email="ana@example.org")
    token = "x"
    invitation.token_hash = services._hash(token)
    invitation.save()
    stranger = factories.UserFactory(email="mallory@example.org")
    with pytest.raises(ValidationError, match="sent to ana@example.org"):
        services.accept_invitation(token, user=stranger)
    assert not owner.company.members.filter(user=stranger).exists()


def test_an_expired_invitation_is_refused(owner):
    invitation = services.invite_member(owner.company, by=owner.user, email="ana@example.org")
    invitation.token_hash = services._hash("t")
    invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    invitation.save()
    ana = factories.UserFactory(email="ana@example.org")
    with pytest.raises(ValidationError, match="expired"):
        services.accept_invitation("t", user=ana)


def test_a_new_invitation_replaces_the_open_one(owner):
    first = services.invite_member(owner.company, by=owner.user, email="ana@example.org")
    services.invite_member(owner.company, by=owner.user, email="ANA@example.org")
    first.refresh_from_db()
    assert first.revoked_at is not None


def test_inviting_a_member_again_is_refused_next_to_the_field(client, owner):
    client.force_login(owner.user)
    response = client.post(
        reverse("applications:company_detail", args=[owner.company.pk]),
        {"email": owner.user.email.upper(), "role": "staff"},
    )
    assert "is already on the team" in response.content.decode()
    assert 'id="id_email_error"' in response.content.decode()


def test_removing_a_member_takes_access_away_at_once(client, owner):
    staff = factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF)
    url = reverse("applications:company_detail", args=[owner.company.pk])
    client.force_login(staff.user)
    assert client.get(url).status_code == 200
    client.force_login(owner.user)
    client.post(reverse("applications:member_remove", args=[owner.company.pk, staff.pk]))
    client.force_login(staff.user)
    assert client.get(url).status_code == 404


def test_staff_cannot_remove_members_or_invite(client, owner):
    staff = factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF)
    client.force_login(staff.user)
    response = client.post(reverse("applications:member_remove", args=[owner.company.pk, owner.pk]))
    assert response.status_code == 403
    client.post(
        reverse("applications:company_detail", args=[owner.company.pk]),
        {"email": "x@example.org", "role": "owner"},
    )
    assert CompanyInvitation.objects.count() == 0


def test_the_owner_cannot_be_removed(owner):
    with pytest.raises(ValidationError):
        services.remove_company_member(owner.company, user=owner.user)


def test_the_profile_refuses_impossible_values_next_to_each_field(client, owner):
    client.force_login(owner.user)
    response = client.post(
        reverse("applications:company_edit", args=[owner.company.pk]),
        {
            "name": "Northwind",
            "country": "CA",
            "year_founded": "2999",
            "employees": "-3",
            "export_revenue_percent": "140",
            "annual_revenue_0": "-1",
            "annual_revenue_1": "CAD",
        },
    )
    html = response.content.decode()
    for field in ["year_founded", "employees", "export_revenue_percent", "annual_revenue"]:
        assert f'id="id_{field}_error"' in html, field


def test_a_company_name_ending_with_a_full_stop_is_quoted_not_stopped_twice(client, owner):
    owner.company.name = "Cabinet Lafleur & Fils inc."
    owner.company.save()
    invitation = services.invite_member(owner.company, by=owner.user, email="ana@example.org")
    invitation.token_hash = services._hash("t")
    invitation.save()
    client.force_login(factories.UserFactory(email="ana@example.org"))
    url = reverse("applications:invitation_accept", args=["t"])

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="fr", follow=True)

    assert "vous joindre à «\u00a0Cabinet Lafleur &amp; Fils inc.\u00a0»." in page
    assert [str(m) for m in response.context["messages"]] == [
        "Vous faites maintenant partie de l’équipe de «\u00a0Cabinet Lafleur & Fils inc.\u00a0»."
    ]
