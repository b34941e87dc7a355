"""Two members of a firm answering one check-in: an answer sent from a page opened before a
colleague answered is refused, naming who answered and what they wrote, rather than
replacing their answer unseen (a tester's probe: the colleague's answer vanished)."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from applications.enums import MemberRole
from placements import services
from placements.enums import EntryKind
from tests import factories
from tests.placements.conftest import day, placed

pytestmark = pytest.mark.django_db

SAVED = "Your answer is saved; the host and the program read it."


@pytest.fixture
def stay(offer, partner):
    placement = placed(offer, partner, start=-10, end=40)
    return services.log_arrival(placement, by=partner, on=day(-10))


@pytest.fixture
def check_in(stay, partner):
    return services.add_log_entry(
        stay, by=partner, kind=EntryKind.CHECK_IN, on=day(-1), note="How is the first week?"
    )


@pytest.fixture
def colleague(company):
    return factories.CompanyMemberFactory(
        company=company, role=MemberRole.STAFF, user__full_name="Cora Colleague"
    ).user


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def page(client, stay):
    return client.get(reverse("placements:detail", args=[stay.pk]))


def answer_form(response, entry):
    """The check-in's form as the page drew it: each field's value, hidden copies included
    (what a browser sends)."""
    body = response.content.decode()
    action = reverse("placements:answer_check_in", args=[entry.placement_id, entry.pk])
    form = body[body.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
        if name != "csrfmiddlewaretoken"
    }
    fields |= {
        name: html.unescape(value)
        for name, value in re.findall(r'<textarea name="(\w+)"[^>]*>([^<]*)</textarea>', form)
    }
    return fields


def send(client, entry, fields):
    url = reverse("placements:answer_check_in", args=[entry.placement_id, entry.pk])
    return client.post(url, fields)


def messages_of(client, stay):
    return [str(message) for message in page(client, stay).context["messages"]]


def test_an_answer_from_a_page_opened_before_a_colleagues_is_refused_naming_them(
    stay, check_in, owner, colleague
):
    owners, colleagues = browser(owner), browser(colleague)
    owners_form = answer_form(page(owners, stay), check_in)
    colleagues_form = answer_form(page(colleagues, stay), check_in)
    assert owners_form == {"drawn_went_well": "", "drawn_needs": "", "went_well": "", "needs": ""}

    sent = send(
        colleagues,
        check_in,
        colleagues_form | {"went_well": "Two pilots signed", "needs": "A distributor"},
    )
    assert sent.status_code == 302
    refused = send(
        owners, check_in, owners_form | {"went_well": "The desk", "needs": "A quieter room"}
    )

    assert refused.status_code == 400
    assert refused.context["answer_entry_pk"] == check_in.pk
    assert refused.context["answer_form"].non_field_errors() == [
        "Cora Colleague answered this check-in after you opened the page, so your answer is "
        "not saved. Their answer is shown above: send yours again to replace it.",
        "What went well, in their words: “Two pilots signed”",
        "What the firm needs, in their words: “A distributor”",
    ]
    assert [str(message) for message in refused.context["messages"]] == []
    check_in.refresh_from_db()
    assert (check_in.went_well, check_in.needs, check_in.answered_by) == (
        "Two pilots signed",
        "A distributor",
        colleague,
    )
    body = refused.content.decode()
    # The colleague's answer on the page; the owner's words kept in the form, whose copies
    # are now the colleague's answer (the one the page shows).
    assert "<strong>What went well:</strong> Two pilots signed</p>" in body
    assert "<strong>What the firm needs:</strong> A distributor</p>" in body
    assert answer_form(refused, check_in) == {
        "drawn_went_well": "Two pilots signed",
        "drawn_needs": "A distributor",
        "went_well": "The desk",
        "needs": "A quieter room",
    }


def test_sending_again_from_the_refused_page_replaces_the_colleagues_answer(
    stay, check_in, owner, colleague
):
    owners, colleagues = browser(owner), browser(colleague)
    owners_form = answer_form(page(owners, stay), check_in)
    send(colleagues, check_in, answer_form(page(colleagues, stay), check_in) | {"needs": "Ours"})
    refused = send(owners, check_in, owners_form | {"went_well": "The desk", "needs": ""})
    assert refused.status_code == 400
    assert refused.context["answer_form"].non_field_errors() == [
        "Cora Colleague answered this check-in after you opened the page, so your answer is "
        "not saved. Their answer is shown above: send yours again to replace it.",
        "What the firm needs, in their words: “Ours”",
    ]

    again = send(owners, check_in, answer_form(refused, check_in))

    assert again.status_code == 302
    assert messages_of(owners, stay) == [SAVED]
    check_in.refresh_from_db()
    assert (check_in.went_well, check_in.needs, check_in.answered_by) == (
        "The desk",
        "",
        owner,
    )


def test_a_first_answer_is_saved(stay, check_in, owner):
    owners = browser(owner)

    sent = send(
        owners, check_in, answer_form(page(owners, stay), check_in) | {"went_well": "All good"}
    )

    assert sent.status_code == 302
    assert sent["Location"] == (
        reverse("placements:detail", args=[stay.pk]) + f"#check-in-{check_in.pk}"
    )
    assert messages_of(owners, stay) == [SAVED]
    check_in.refresh_from_db()
    assert (check_in.went_well, check_in.needs, check_in.answered_by) == ("All good", "", owner)


def test_the_same_person_answers_twice_from_fresh_pages(stay, check_in, owner):
    owners = browser(owner)
    first = answer_form(page(owners, stay), check_in)
    assert send(owners, check_in, first | {"went_well": "Line one\nLine two"}).status_code == 302

    fresh = answer_form(page(owners, stay), check_in)
    assert fresh["drawn_went_well"] == "Line one\nLine two"
    # A browser sends the copy's line breaks as CR LF: still the answer the page showed.
    fresh["drawn_went_well"] = fresh["drawn_went_well"].replace("\n", "\r\n")
    second = send(owners, check_in, fresh | {"went_well": "Better", "needs": "Nothing"})

    assert second.status_code == 302
    check_in.refresh_from_db()
    assert (check_in.went_well, check_in.needs, check_in.answered_by) == (
        "Better",
        "Nothing",
        owner,
    )


def test_a_colleague_answering_from_a_fresh_page_replaces_the_answer(
    stay, check_in, owner, colleague
):
    owners, colleagues = browser(owner), browser(colleague)
    send(owners, check_in, answer_form(page(owners, stay), check_in) | {"went_well": "Mine"})

    fresh = answer_form(page(colleagues, stay), check_in)
    assert fresh == {"drawn_went_well": "Mine", "drawn_needs": "", "went_well": "Mine", "needs": ""}
    sent = send(colleagues, check_in, fresh | {"needs": "Theirs"})

    assert sent.status_code == 302
    check_in.refresh_from_db()
    assert (check_in.went_well, check_in.needs, check_in.answered_by) == (
        "Mine",
        "Theirs",
        colleague,
    )


def test_sending_twice_from_one_page_saves_the_same_answer_again(stay, check_in, owner):
    # A double click: the second sending finds what it typed saved, and replaces nothing else.
    owners = browser(owner)
    fields = answer_form(page(owners, stay), check_in) | {"went_well": "Twice"}
    assert send(owners, check_in, fields).status_code == 302

    assert send(owners, check_in, fields).status_code == 302
    check_in.refresh_from_db()
    assert (check_in.went_well, check_in.answered_by) == ("Twice", owner)


def test_a_caller_that_shows_no_answer_replaces_it_as_before(check_in, owner, colleague):
    services.answer_check_in(check_in, by=colleague, went_well="Theirs", needs="")

    services.answer_check_in(check_in, by=owner, went_well="Mine", needs="")

    check_in.refresh_from_db()
    assert (check_in.went_well, check_in.answered_by) == ("Mine", owner)


def test_the_service_refuses_over_an_answer_the_page_did_not_show(check_in, owner, colleague):
    services.answer_check_in(check_in, by=colleague, went_well="Theirs", needs="")

    with pytest.raises(services.AnsweredSince) as refused:
        services.answer_check_in(
            check_in, by=owner, went_well="Mine", needs="", drawn={"went_well": "", "needs": ""}
        )

    assert isinstance(refused.value, ValidationError)
    assert refused.value.messages == [
        "Cora Colleague answered this check-in after you opened the page, so your answer is "
        "not saved. Their answer is shown above: send yours again to replace it.",
        "What went well, in their words: “Theirs”",
    ]
    check_in.refresh_from_db()
    assert (check_in.went_well, check_in.answered_by) == ("Theirs", colleague)
