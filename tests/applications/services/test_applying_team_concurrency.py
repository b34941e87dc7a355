"""A firm's team changed by two people at the same moment, each on a connection of its own,
on PostgreSQL: an invitation accepted while the owner sends it again, or withdraws it."""

import time

import pytest
from django.core.exceptions import ValidationError

from applications import services
from applications.enums import MemberRole
from applications.models import CompanyInvitation, CompanyMember
from applications.services import applying
from tests import factories
from tests.applications.services.test_counting_concurrency import pause_t1, refused
from tests.placements.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ADDRESS = "ana@northwind.example"


@pytest.fixture
def invited(postgres):
    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    ana = factories.UserFactory(email=ADDRESS)
    invitation = CompanyInvitation.objects.create(
        company=owner.company,
        email=ADDRESS,
        role=MemberRole.STAFF,
        token_hash=applying._hash("tok"),
        invited_by=owner.user,
    )
    return owner, ana, invitation


def test_an_invitation_accepted_while_the_owner_sends_it_again(invited):
    """The acceptance holds the invitation and adds a member naming the firm (its key checked
    at commit); the new invitation holds the firm, then replaces the open one: it waits for
    the acceptance, which stands (a plain lock on the firm deadlocked the two)."""
    owner, ana, invitation = invited
    # T1 has added Ana to the team, not yet committed.
    added, paused = pause_t1(applying, "add_company_member", seconds=1.5)

    def invite_again():
        added.wait(10)
        time.sleep(0.2)
        return services.invite_member(owner.company, by=owner.user, email=ADDRESS)

    with paused:
        outcomes = at_once(lambda: services.accept_invitation("tok", user=ana), invite_again)

    assert isinstance(outcomes[0], CompanyMember)
    assert isinstance(outcomes[1], CompanyInvitation)  # sent before Ana's membership was seen
    invitation.refresh_from_db()
    assert (invitation.accepted_at is not None, invitation.revoked_at) == (True, None)


def test_an_invitation_withdrawn_while_it_is_accepted(invited):
    owner, ana, invitation = invited
    on_the_page = CompanyInvitation.objects.get(pk=invitation.pk)
    added, paused = pause_t1(applying, "add_company_member", seconds=1)

    def withdraw():
        added.wait(10)
        return services.revoke_invitation(on_the_page, by=owner.user)

    with paused:
        outcomes = at_once(lambda: services.accept_invitation("tok", user=ana), withdraw)

    assert refused(outcomes[:1]) == []
    assert isinstance(outcomes[1], ValidationError)
    assert outcomes[1].messages == [
        f"{ADDRESS} has already accepted this invitation; remove them from the team instead."
    ]
    invitation.refresh_from_db()
    assert (invitation.accepted_at is not None, invitation.revoked_at) == (True, None)
    assert CompanyMember.objects.filter(user=ana, company=owner.company).exists()
