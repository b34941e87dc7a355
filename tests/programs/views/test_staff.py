import pytest
from django.urls import reverse

from programs.enums import StaffRole
from tests import factories


@pytest.mark.django_db
def test_manager_sees_their_program(client):
    staff = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    client.force_login(staff.user)
    response = client.get(reverse("programs:program_detail", args=[staff.program.pk]))
    assert response.status_code == 200
    assert staff.program.name in response.content.decode()


@pytest.mark.django_db
def test_someone_elses_program_is_a_404(client):
    staff = factories.ProgramStaffFactory(role=StaffRole.MANAGER)
    other = factories.ProgramFactory()
    client.force_login(staff.user)
    response = client.get(reverse("programs:program_detail", args=[other.pk]))
    assert response.status_code == 404
    assert "not yours to see" in response.content.decode()


@pytest.mark.django_db
def test_partner_workspace_is_only_for_the_hosts_partners(client):
    host = factories.HostIncubatorFactory()
    partner = factories.UserFactory()
    host.partner_staff.add(partner)
    stranger = factories.UserFactory()
    url = reverse("programs:host_workspace", args=[host.pk])

    client.force_login(partner)
    assert client.get(url).status_code == 200
    client.force_login(stranger)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_superuser_sees_every_program(client):
    program = factories.ProgramFactory()
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("programs:program_detail", args=[program.pk])).status_code == 200
