import pytest
from django.urls import reverse

from applications.enums import MemberRole
from applications.models import CompanyMember
from tests import factories


@pytest.mark.django_db
def test_registering_a_company_makes_the_person_its_owner(client, user):
    client.force_login(user)
    response = client.post(
        reverse("applications:company_create"),
        {"name": "  Northwind Engineering Inc. ", "country": "CA"},
        follow=True,
    )
    assert response.status_code == 200
    member = CompanyMember.objects.get(user=user)
    assert member.role == MemberRole.OWNER
    assert member.company.name == "Northwind Engineering Inc."
    assert "You are its owner" in response.content.decode()


@pytest.mark.django_db
def test_company_form_shows_errors_next_to_each_field(client, user):
    client.force_login(user)
    response = client.post(reverse("applications:company_create"), {"name": "", "country": "XX"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_name_error"' in html
    assert 'id="id_country_error"' in html
    assert "This field is required." in html
    assert "Select a valid choice." in html
    assert CompanyMember.objects.count() == 0


@pytest.mark.django_db
def test_someone_elses_company_is_a_404(client, user):
    company = factories.CompanyMemberFactory().company
    client.force_login(user)
    response = client.get(reverse("applications:company_detail", args=[company.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_member_sees_the_team(client):
    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    staff = factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF)
    client.force_login(staff.user)
    html = client.get(reverse("applications:company_detail", args=[owner.company.pk])).content
    assert str(owner.user).encode() in html
    assert b"invite colleagues" not in html


@pytest.mark.django_db
def test_a_company_name_with_a_line_break_is_refused_next_to_the_field(client, user):
    client.force_login(user)
    response = client.post(
        reverse("applications:company_create"),
        {"name": "Northwind\r\nEngineering", "country": "CA"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    error = html.split('id="id_name_error"', 1)[1].split("</ul>", 1)[0]
    assert "Keep this on one line: remove the line breaks." in error
    assert CompanyMember.objects.count() == 0


@pytest.mark.django_db
def test_a_revenue_sent_without_a_currency_is_refused_next_to_the_field(client):
    from applications.forms import CompanyForm
    from applications.models import Company

    member = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    client.force_login(member.user)
    company = member.company
    initial = CompanyForm(instance=company).initial
    data = {k: v for k, v in initial.items() if v is not None and not isinstance(v, list)}
    data |= {"annual_revenue_0": "5000", "annual_revenue_1": ""}
    response = client.post(reverse("applications:company_edit", args=[company.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["annual_revenue"] == ["This field is required."]
    assert Company.objects.values_list("annual_revenue", flat=True).get(pk=company.pk) is None
