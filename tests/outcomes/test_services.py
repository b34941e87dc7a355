from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format as d
from djmoney.money import Money

from outcomes import queries, services
from outcomes.models import Opportunity, OpportunityUpdate
from placements import services as placements_services
from tests import factories
from tests.outcomes.conftest import accepted_offer, day, ended_placement

pytestmark = pytest.mark.django_db


def opportunity(report, owner, **changes):
    data = {
        "organisation": "Bayer Digital",
        "country": "DE",
        "kind": "sales-contract",
        "value": Money(1000, "CAD"),
        "stage": "identified",
        "identified_on": day(-2),
        "attribution": "decisive",
    } | changes
    return services.save_opportunity(report, by=owner, **data)


def test_saving_a_report_part_bumps_its_version(report, owner):
    saved = services.save_report(
        report, by=owner, version=1, narrative="Met three buyers.", employees_home=12
    )
    assert (saved.version, saved.narrative, saved.employees_home) == (2, "Met three buyers.", 12)


def test_a_stale_version_from_another_page_is_a_conflict_and_saves_nothing(report, owner):
    services.save_report(report, by=owner, version=1, editor="page-a", narrative="Mine")
    with pytest.raises(services.ReportConflict) as error:
        services.save_report(report, by=owner, version=1, editor="page-b", narrative="Theirs")
    assert error.value.current.narrative == "Mine"
    report.refresh_from_db()
    assert (report.narrative, report.version) == ("Mine", 2)


def test_the_same_page_racing_its_own_autosave_is_not_a_conflict(report, owner):
    services.save_report(report, by=owner, version=1, editor="page-a", narrative="One")
    saved = services.save_report(report, by=owner, version=1, editor="page-a", narrative="Two")
    assert (saved.narrative, saved.version) == ("Two", 3)


def test_negative_figures_are_refused(report, owner):
    with pytest.raises(ValidationError) as error:
        services.save_report(report, by=owner, version=1, investment=Money(-5, "CAD"))
    assert error.value.message_dict == {"investment": ["Enter an amount of zero or more."]}
    report.refresh_from_db()
    assert report.version == 1


def test_an_opportunity_without_a_value_is_refused_next_to_the_field(report, owner):
    with pytest.raises(ValidationError) as error:
        opportunity(report, owner, value=None)
    assert error.value.message_dict == {"value": ["Enter the value, zero if it is not known yet."]}
    assert Opportunity.objects.count() == 0


def test_investment_is_converted_at_the_rate_of_the_report_date(report, owner, euro):
    saved = services.save_report(report, by=owner, version=1, investment=Money(200, "EUR"))
    assert (saved.investment_converted, saved.investment_rate) == (
        Decimal("300.00"),
        Decimal("1.5"),
    )


def test_a_currency_with_no_rate_is_refused_by_name(report, owner):
    with pytest.raises(ValidationError) as error:
        opportunity(report, owner, value=Money(5000, "BRL"))
    assert list(error.value.message_dict) == ["value"]
    assert error.value.message_dict["value"][0].startswith("No exchange rate for BRL on or before")
    assert Opportunity.objects.count() == 0


def test_an_opportunity_keeps_its_converted_value_and_rate(report, owner, euro):
    found = opportunity(report, owner, value=Money(1000, "EUR"))
    assert (found.value_converted, found.rate, found.rate_date, found.rate_source) == (
        Decimal("1500.00"),
        Decimal("1.5"),
        day(-400),
        "Test bank",
    )


def test_a_deal_won_before_it_was_identified_is_refused(report, owner):
    with pytest.raises(ValidationError) as error:
        opportunity(report, owner, stage="won", closed_on=day(-5), identified_on=day(-2))
    assert error.value.message_dict == {
        "closed_on": [f"A deal cannot be won or lost before it was identified ({d(day(-2))})."]
    }


def test_a_won_deal_needs_its_date(report, owner):
    with pytest.raises(ValidationError) as error:
        opportunity(report, owner, stage="won")
    assert error.value.message_dict == {"closed_on": ["Give the day the deal was won or lost."]}


def test_one_deal_updated_in_two_reports_is_one_opportunity(reports, owner, manager):
    first, later = reports["end-of-stay"], reports["3-months"]
    found = opportunity(first, owner)
    assert list(queries.open_opportunities(later)) == [found]
    services.save_opportunity(
        later, by=owner, opportunity=found, stage="won", closed_on=day(0), value=Money(800, "CAD")
    )
    assert Opportunity.objects.count() == 1
    assert sorted(
        OpportunityUpdate.objects.values_list("report__kind", "stage", "value_converted")
    ) == [("3-months", "won", Decimal("800.00")), ("end-of-stay", "identified", Decimal("1000.00"))]
    assert list(queries.open_opportunities(later)) == []


def test_a_host_introduction_becomes_an_opportunity_in_one_click(report, owner, ended, partner):
    entry = placements_services.add_log_entry(
        ended, by=partner, kind="introduction", on=day(-5), organisation="Siemens",
        country="DE", introduction_kind="customer",
    )  # fmt: skip
    assert list(queries.introductions_to_confirm(report)) == [entry]
    found = services.confirm_introduction(report, entry, by=owner)
    assert (found.organisation, found.country.code, found.kind, found.stage, found.source,
            found.introduction, found.identified_on) == (
        "Siemens", "DE", "sales-contract", "identified", "introduction", entry, day(-5)
    )  # fmt: skip
    assert list(queries.introductions_to_confirm(report)) == []
    with pytest.raises(ValidationError) as error:
        services.confirm_introduction(report, entry, by=owner)
    assert error.value.messages == ["This introduction is already one of your opportunities."]
    assert Opportunity.objects.count() == 1


def test_another_firms_introduction_cannot_be_confirmed(report, owner, intake, partner):
    other_host = factories.DeskOfferFactory(intake=intake, desks=1).host
    other = ended_placement(
        accepted_offer(intake, other_host, starts_on=day(-10), ends_on=day(40)), partner
    )
    entry = placements_services.add_log_entry(
        other, by=partner, kind="introduction", on=day(-5), organisation="X",
        introduction_kind="investor",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.confirm_introduction(report, entry, by=owner)
    assert error.value.messages == ["This is not an introduction of your firm's stay."]


def test_a_market_entry_is_recorded_once(report, owner):
    services.record_market_entry(report, by=owner, country="DE", kind="first-sale", on=day(-1))
    with pytest.raises(ValidationError) as error:
        services.record_market_entry(report, by=owner, country="DE", kind="first-sale", on=day(-1))
    assert error.value.messages == ["This market entry is already recorded."]


def test_submit_needs_the_narrative(report, owner):
    with pytest.raises(ValidationError) as error:
        services.submit_report(report, by=owner)
    assert error.value.messages == ["Fill in: what happened, in a few lines."]


def submitted(report, owner):
    services.save_report(report, by=owner, version=None, narrative="Good stay.")
    return services.submit_report(report, by=owner)


def test_question_answer_verify(report, owner, manager):
    submitted(report, owner)
    services.request_changes(report, by=manager, question="Which buyer?")
    with pytest.raises(ValidationError) as error:
        services.submit_report(report, by=owner)
    assert error.value.messages == ["Fill in: the answer to the program's question."]
    services.save_report(report, by=owner, version=None, answer="Bayer.")
    services.submit_report(report, by=owner)
    verified = services.verify_report(report, by=manager)
    assert verified.status == "verified"
    assert queries.end_of_stay_verified(report.placement) is True
    assert list(report.questions.values_list("question", "answer")) == [("Which buyer?", "Bayer.")]
    assert list(report.events.exclude(to_status="").values_list("from_status", "to_status")) == [
        ("", "due"),
        ("due", "submitted"),
        ("submitted", "changes-requested"),
        ("changes-requested", "submitted"),
        ("submitted", "verified"),
    ]


def test_an_edit_after_verification_reopens_it_and_the_history_shows_both(report, owner, manager):
    submitted(report, owner)
    services.verify_report(report, by=manager)
    services.save_report(report, by=owner, version=None, employees_abroad=2)
    report.refresh_from_db()
    assert (report.status, report.verified_at) == ("submitted", None)
    assert queries.end_of_stay_verified(report.placement) is False
    assert list(
        report.events.exclude(to_status="").values_list("from_status", "to_status", "note")
    )[-2:] == [
        ("submitted", "verified", ""),
        ("verified", "submitted", "Edited after verification: the report"),
    ]


def test_the_table_refuses_verifying_a_report_not_submitted(report, manager):
    with pytest.raises(ValidationError) as error:
        services.verify_report(report, by=manager)
    assert error.value.messages == ["A report that is due cannot become verified."]


def test_a_rejected_report_cannot_change(report, owner, manager):
    submitted(report, owner)
    services.reject_report(report, by=manager, reason="Not this firm's figures")
    with pytest.raises(ValidationError) as error:
        services.save_report(report, by=owner, version=None, narrative="again")
    assert error.value.messages == ["This report can no longer be changed."]


def test_a_value_marked_unverified_keeps_its_reason(report, owner, manager):
    found = opportunity(report, owner)
    marked = services.mark_value_unverified(found, by=manager, reason="No contract seen")
    assert (marked.value_unverified, marked.unverified_reason) == (True, "No contract seen")


def test_verifying_the_end_of_stay_report_lets_the_stipend_balance_fall_due(report, owner, manager):
    from placements import stipends
    from placements.enums import TrancheCondition, TrancheStatus
    from placements.models import StipendTerm

    placement = report.placement
    StipendTerm.objects.create(
        intake=placement.intake,
        position=1,
        label="Balance",
        share=Decimal("100"),
        condition=TrancheCondition.REPORT_VERIFIED,
    )
    award = stipends.award_stipend(stipends.propose_award(placement, by=manager), by=manager)
    assert list(award.tranches.values_list("label", "status")) == [
        ("Balance", TrancheStatus.WAITING)
    ]
    submitted(report, owner)
    services.verify_report(report, by=manager)
    assert list(award.tranches.values_list("label", "status")) == [("Balance", TrancheStatus.DUE)]


def test_a_stipend_awarded_after_the_report_was_verified_has_its_balance_due(
    report, owner, manager
):
    from placements import stipends
    from placements.enums import TrancheCondition, TrancheStatus
    from placements.models import StipendTerm

    StipendTerm.objects.create(
        intake=report.placement.intake,
        position=1,
        label="Balance",
        share=Decimal("100"),
        condition=TrancheCondition.REPORT_VERIFIED,
    )
    submitted(report, owner)
    services.verify_report(report, by=manager)

    award = stipends.award_stipend(stipends.propose_award(report.placement, by=manager), by=manager)

    assert list(award.tranches.values_list("label", "status")) == [("Balance", TrancheStatus.DUE)]


def test_a_value_too_large_once_converted_is_refused_with_a_message(report, owner, euro):
    """EUR 99,999,999,999,999.99 fits its column; at 1.5 the converted value would not (a
    server error on PostgreSQL)."""
    with pytest.raises(ValidationError) as refused:
        opportunity(report, owner, value=Money("99999999999999.99", "EUR"))
    assert refused.value.message_dict == {"value": ["Enter a smaller amount."]}
    assert not Opportunity.objects.exists()
    largest = opportunity(report, owner, value=Money("66666666666666.66", "EUR"))
    assert largest.value_converted == Decimal("99999999999999.99")
