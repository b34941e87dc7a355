"""What the firm typed in its outcome report stays as it typed it: a page opened before the
manager's new question, a page drawn again after a refused market entry, and a Save of a
verified report with nothing changed. Each lost or changed something before."""

import re

import pytest
from django.urls import reverse

from outcomes import services
from tests.outcomes.conftest import day

pytestmark = pytest.mark.django_db

BLANK_MONEY = {"revenue_from_market_1": "CAD", "total_revenue_1": "CAD", "investment_1": "CAD"}


def drawn(html):
    """The report form as the page posts it: its version and editor, and its answer box
    (None when the page has none)."""
    hidden = dict(re.findall(r'<input type="hidden" name="(version|editor)" value="([^"]*)"', html))
    answer = re.search(r'<textarea name="answer"[^>]*>(.*?)</textarea>', html, re.S)
    return hidden, (answer.group(1).strip() if answer else None)


def answered_once(report, owner, manager):
    services.save_report(report, by=owner, version=report.version, narrative="Met buyers")
    services.submit_report(report, by=owner)
    services.request_changes(report, by=manager, question="Which buyers?")
    report.refresh_from_db()
    services.save_report(report, by=owner, version=report.version, answer="Siemens and Bosch")


def test_a_page_open_before_a_new_question_does_not_answer_it(client, report, owner, manager):
    """The page still shows the first answer; its autosave after the manager's second
    question is a conflict, and the second question stays open (it took the first answer)."""
    answered_once(report, owner, manager)
    services.submit_report(report, by=owner)
    client.force_login(owner)
    hidden, answer = drawn(
        client.get(reverse("outcomes:report", args=[report.pk])).content.decode()
    )
    assert answer == "Siemens and Bosch"
    services.request_changes(report, by=manager, question="What value is each deal?")

    response = client.post(
        reverse("outcomes:report", args=[report.pk]),
        {**hidden, **BLANK_MONEY, "narrative": "Met buyers.", "answer": answer},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.context["conflict"] is not None
    first, second = report.questions.order_by("asked_at", "pk")
    assert (first.answer, second.question, second.answer) == (
        "Siemens and Bosch",
        "What value is each deal?",
        "",
    )
    report.refresh_from_db()
    assert report.narrative == "Met buyers"


def test_the_page_drawn_after_a_refused_market_entry_keeps_the_answer(
    client, report, owner, manager
):
    answered_once(report, owner, manager)
    client.force_login(owner)
    refused = client.post(
        reverse("outcomes:add_entry", args=[report.pk]),
        {"country": "DE", "kind": "first-sale", "on": day(5).isoformat()},
    )
    assert refused.status_code == 400
    hidden, answer = drawn(refused.content.decode())
    assert answer == "Siemens and Bosch"  # the answer box is drawn, with the answer

    # An autosave of a page with no answer box (one drawn before the question) leaves the
    # answer as it is, too.
    client.post(
        reverse("outcomes:report", args=[report.pk]),
        {**hidden, **BLANK_MONEY, "narrative": "Met buyers in Munich."},
        HTTP_HX_REQUEST="true",
    )

    assert report.questions.get().answer == "Siemens and Bosch"
    report.refresh_from_db()
    assert report.narrative == "Met buyers in Munich."


def test_save_on_a_verified_report_with_nothing_changed_keeps_it_verified(
    client, report, owner, manager
):
    services.save_report(report, by=owner, version=report.version, narrative="Met buyers")
    services.submit_report(report, by=owner)
    services.verify_report(report, by=manager)
    report.refresh_from_db()
    version = report.version
    client.force_login(owner)
    hidden, _answer = drawn(
        client.get(reverse("outcomes:report", args=[report.pk])).content.decode()
    )

    response = client.post(
        reverse("outcomes:report", args=[report.pk]),
        {**hidden, **BLANK_MONEY, "narrative": "Met buyers"},
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.version) == ("verified", version)
    # A real change still reopens it.
    services.save_report(report, by=owner, version=report.version, narrative="Met two buyers")
    report.refresh_from_db()
    assert report.status == "submitted"


def drawn_token(html, action):
    """The token of the form posting to ``action``, as the page drew it."""
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    return re.search(r'name="once" value="([0-9a-f]{32})"', form).group(1)


def test_add_the_opportunity_pressed_twice_adds_it_once(client, report, owner):
    """A double click, or Back and the page sent again (it added two, both counted once
    verified); the same deal typed on a page drawn again is a second one."""
    client.force_login(owner)
    url = reverse("outcomes:add_opportunity", args=[report.pk])
    page = reverse("outcomes:report", args=[report.pk])
    data = {"organisation": "Acme", "country": "DE", "kind": "licensing", "value_0": "100",
            "value_1": "CAD", "stage": "identified", "identified_on": day(-1).isoformat(),
            "attribution": "contributed"}  # fmt: skip
    once = drawn_token(client.get(page).content.decode(), url)
    for _ in range(2):
        assert client.post(url, data | {"once": once}).status_code == 302
    assert report.placement.opportunities.count() == 1
    again = drawn_token(client.get(page).content.decode(), url)
    assert again != once
    client.post(url, data | {"once": again})
    assert report.placement.opportunities.count() == 2
