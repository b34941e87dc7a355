import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.enums import MemberRole
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return factories.CompanyMemberFactory(role=MemberRole.OWNER)


@pytest.fixture
def draft(owner):
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    return services.start_application(owner.company, intake, by=owner.user)


def step_url(application, step):
    return reverse("applications:step", args=[application.pk, step])


def test_every_step_opens_for_a_member(client, owner, draft):
    client.force_login(owner.user)
    for step in ["hosts", "dates", "objectives", "case", "budget", "documents", "review"]:
        assert client.get(step_url(draft, step)).status_code == 200, step


def test_the_applicant_starts_from_the_intake(client, owner):
    intake = factories.IntakeFactory()
    client.force_login(owner.user)
    response = client.post(
        reverse("applications:start", args=[intake.pk]), {"company": owner.company.pk}
    )
    application = owner.company.applications.get()
    assert response.url == step_url(application, "hosts")
    response = client.post(
        reverse("applications:start", args=[intake.pk]), {"company": owner.company.pk}
    )
    assert "already has an application" in response.content.decode()


def test_someone_elses_application_is_a_404(client, draft):
    stranger = factories.CompanyMemberFactory(role=MemberRole.OWNER).user
    client.force_login(stranger)
    assert client.get(step_url(draft, "case")).status_code == 404
    assert client.post(reverse("applications:submit", args=[draft.pk])).status_code == 404


def test_staff_edit_the_draft_but_only_the_owner_submits(client, owner, draft):
    staff = factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF).user
    client.force_login(staff)
    response = client.post(
        step_url(draft, "case"), {"version": draft.version, "potential_market": "Utilities"}
    )
    assert response.status_code == 302
    assert client.post(reverse("applications:submit", args=[draft.pk])).status_code == 403


def test_a_save_reports_dates_outside_the_window_next_to_the_field(client, owner, draft):
    client.force_login(owner.user)
    window_end = draft.intake.placement_ends_on
    response = client.post(
        step_url(draft, "dates"),
        {
            "version": draft.version,
            "proposed_start": draft.intake.placement_starts_on.isoformat(),
            "proposed_end": window_end.isoformat(),
        },
    )
    html = response.content.decode()
    assert 'id="id_proposed_end_error"' in html
    assert "at most 90 days" in html


def test_the_second_editor_is_told_and_sees_both_versions(client, owner, draft):
    colleague = factories.CompanyMemberFactory(company=owner.company, role=MemberRole.STAFF).user
    opened = draft.version
    services.save_draft(draft, by=colleague, version=opened, potential_market="Their words")
    client.force_login(owner.user)
    response = client.post(
        step_url(draft, "case"), {"version": opened, "potential_market": "My words"}
    )
    html = response.content.decode()
    assert "Someone else saved this draft after you opened it." in html
    assert "Their words" in html
    assert "My words" in html
    draft.refresh_from_db()
    assert draft.potential_market == "Their words"
    # Saving again, knowingly, keeps this person's version.
    response = client.post(
        step_url(draft, "case"), {"version": draft.version, "potential_market": "My words"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.potential_market == "My words"


def test_autosave_answers_with_the_new_version(client, owner, draft):
    client.force_login(owner.user)
    response = client.post(
        step_url(draft, "case"),
        {"version": draft.version, "travellers": "Our CEO"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Saved at" in html
    assert f'name="version" value="{draft.version + 1}"' in html
    draft.refresh_from_db()
    assert draft.travellers == "Our CEO"


def test_a_draft_survives_a_log_out(client, owner, draft):
    client.force_login(owner.user)
    client.post(step_url(draft, "case"), {"version": draft.version, "travellers": "Our CEO"})
    client.logout()
    client.force_login(owner.user)
    assert "Our CEO" in client.get(step_url(draft, "case")).content.decode()


def dashboard_queries(client, user):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_the_applicant_dashboard_runs_the_same_queries_for_3_and_300_applications(client, owner):
    def add(count):
        for _ in range(count):
            intake = factories.IntakeFactory()
            services.start_application(owner.company, intake, by=owner.user)

    client.force_login(owner.user)
    add(3)
    few = dashboard_queries(client, owner.user)
    add(297)
    assert dashboard_queries(client, owner.user) == few


def test_save_after_the_pages_own_autosave_is_not_a_conflict(client, owner, draft):
    client.force_login(owner.user)
    html = client.get(step_url(draft, "case")).content.decode()
    editor = re.search(r'name="editor" value="([0-9a-f]{16})"', html).group(1)
    opened = {"version": draft.version, "editor": editor}
    client.post(
        step_url(draft, "case"), opened | {"travellers": "Our CEO"}, headers={"HX-Request": "1"}
    )
    # The Save button raced the autosave and still carries the version the page opened at.
    response = client.post(step_url(draft, "case"), opened | {"travellers": "Our CEO and CTO"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.travellers == "Our CEO and CTO"


def test_a_draft_version_past_its_bound_is_refused_not_a_server_error(client, owner, draft):
    client.force_login(owner.user)
    response = client.post(
        step_url(draft, "case"), {"version": str(10**25), "potential_market": "Utilities"}
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.potential_market == ""
