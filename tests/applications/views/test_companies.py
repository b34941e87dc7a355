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


@pytest.mark.django_db
def test_a_profile_page_opened_before_a_colleagues_save_saves_nothing_over_it(client):
    """Both open the profile; the colleague saves the city; the owner's page then saves its
    offering: refused, the colleague's city kept (it was put back to blank), the form drawn
    with the profile as it is now and what the owner typed listed to enter again."""
    from applications.forms import CompanyForm
    from applications.models import Company

    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    colleague = factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF)
    company = owner.company
    url = reverse("applications:company_edit", args=[company.pk])
    initial = CompanyForm(instance=company).initial
    page = {k: v for k, v in initial.items() if v is not None and not isinstance(v, list)}
    page["version"] = 0  # the hidden field of the page both opened
    client.force_login(colleague.user)
    assert client.post(url, page | {"city": "Montréal"}).status_code == 302

    client.force_login(owner.user)
    response = client.post(url, page | {"offering": "Vibration sensors"})

    assert response.status_code == 200
    saved = Company.objects.get(pk=company.pk)
    assert (saved.city, saved.offering, saved.version) == ("Montréal", company.offering, 1)
    assert response.context["typed"] == [("City", "—"), ("Product or service", "Vibration sensors")]
    form = response.context["form"]
    assert (form["city"].value(), form["version"].value()) == ("Montréal", 1)
    assert "A colleague saved the profile after you opened it" in response.content.decode()

    # Entered again from the page as it is now: saved, the city kept.
    again = page | {"city": "Montréal", "offering": "Vibration sensors", "version": 1}
    assert client.post(url, again).status_code == 302
    saved.refresh_from_db()
    assert (saved.city, saved.offering, saved.version) == ("Montréal", "Vibration sensors", 2)


@pytest.mark.django_db
def test_an_invitation_to_an_address_longer_than_its_column_is_refused_by_the_form(client):
    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    client.force_login(owner.user)
    email = "a" * 60 + "@" + ("b" * 50 + ".") * 4 + "example"  # 272: the form allowed 320
    response = client.post(
        reverse("applications:company_detail", args=[owner.company.pk]),
        {"email": email, "role": MemberRole.STAFF},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Ensure this value has at most 254 characters (it has 272)."
    ]
