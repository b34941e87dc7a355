"""The outcomes sections of the dashboard: the firm's reports due and overdue, the managers'
reports to verify and completeness per intake."""

import pytest
from django.urls import reverse

from outcomes import dashboard, services
from portal import dashboard as portal_dashboard
from tests.outcomes.conftest import day

pytestmark = pytest.mark.django_db


def sections(client):
    body = client.get(reverse("dashboard")).content.decode()
    return body


def test_the_sections_are_registered_by_the_apps_ready():
    found = {section.key: section for section in portal_dashboard.registered_sections()}
    assert found["outcomes-manager"].load is dashboard.manager
    assert found["outcomes-firm"].load is dashboard.firm
    assert found["outcomes-firm"].present({"member"}) is True
    assert found["outcomes-manager"].present({"member"}) is False


def test_the_firm_sees_its_reports_due_and_overdue(client, reports, owner, monkeypatch):
    monkeypatch.setattr(dashboard.timezone, "localdate", lambda: day(20))
    found = dashboard.firm(owner)
    assert [(row["kind"], row["overdue"]) for row in found["reports"]] == [("end-of-stay", True)]
    client.force_login(owner)
    body = sections(client)
    assert 'id="firm-outcome-reports"' in body
    assert reverse("outcomes:report", args=[reports["end-of-stay"].pk]) in body


def test_the_manager_sees_reports_to_verify_and_completeness(
    client, reports, owner, manager, intake, monkeypatch
):
    report = reports["end-of-stay"]
    services.save_report(report, by=owner, version=None, narrative="Done.")
    services.submit_report(report, by=owner)
    monkeypatch.setattr("outcomes.queries.timezone.localdate", lambda: day(100))
    found = dashboard.manager(manager)
    assert [
        (row["placement__intake"], row["to_verify"], row["due"], row["handed_in"], row["share"])
        for row in found["intakes"]
    ] == [(intake.pk, 1, 2, 1, 50)]
    client.force_login(manager)
    body = sections(client)
    assert "1 report to verify" in body
    assert "1 of 2 reports due handed in (50%)" in body
    reports_url = reverse("outcomes:manage_reports")
    assert f'<a href="{reports_url}?intake={intake.pk}">{intake.title}</a>' in body
    assert f'<a href="{reports_url}?intake={intake.pk}&amp;status=submitted">1 report' in body


def test_a_firm_member_gets_no_manager_section(client, reports, owner):
    client.force_login(owner)
    assert 'id="manager-outcome-reports"' not in sections(client)
