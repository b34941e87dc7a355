import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from djmoney.money import Money

from programs import services
from programs.enums import Direction, IntakeChangeKind
from programs.models import DeskOffer, HostPartnerChange, IntakeChange
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return factories.UserFactory()


def intake_fields(**overrides):
    now = timezone.now()
    fields = {
        "title": "Spring outbound",
        "opens_at": now + datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=30),
        "placement_starts_on": (now + datetime.timedelta(days=60)).date(),
        "placement_ends_on": (now + datetime.timedelta(days=240)).date(),
    }
    return fields | overrides


def test_a_new_intake_has_the_seed_defaults_and_rubric(manager):
    program = factories.ProgramFactory()
    intake = services.create_intake(program, by=manager, **intake_fields())
    assert intake.max_stay_days == 90
    assert intake.stipend_cap == Money(4000, "CAD")
    assert intake.published_at is None
    assert [(c.name, c.weight, c.scale_max) for c in intake.criteria.all()] == [
        ("Potential market", 3, 5),
        ("Proven product", 3, 5),
        ("Export readiness", 2, 5),
        ("Management capacity", 2, 5),
        ("Host-market fit", 2, 5),
    ]


def test_desks_above_a_hosts_capacity_are_refused():
    intake = factories.IntakeFactory()
    host = factories.HostIncubatorFactory(desk_capacity=3)
    with pytest.raises(ValidationError) as error:
        services.set_desk_offers(intake, offers=[(host, 4)])
    assert error.value.messages == [f"{host.name} has 3 desks; 4 is more than it can give."]
    assert DeskOffer.objects.count() == 0


def test_hosts_must_match_the_intakes_direction(settings):
    settings.PORTAL_HOME_COUNTRY = "CA"
    home = factories.HostIncubatorFactory(market=services.create_market(country="CA"))
    abroad = factories.HostIncubatorFactory(market=services.create_market(country="IN"))
    outbound = factories.IntakeFactory(direction=Direction.OUTBOUND)
    inbound = factories.IntakeFactory(direction=Direction.INBOUND)
    with pytest.raises(ValidationError):
        services.set_desk_offers(outbound, offers=[(home, 1)])
    with pytest.raises(ValidationError):
        services.set_desk_offers(inbound, offers=[(abroad, 1)])
    services.set_desk_offers(outbound, offers=[(abroad, 2)])
    services.set_desk_offers(inbound, offers=[(home, 2)])
    assert DeskOffer.objects.count() == 2


def test_setting_desk_offers_replaces_the_previous_ones():
    intake = factories.IntakeFactory()
    first, second = factories.HostIncubatorFactory.create_batch(2)
    services.set_desk_offers(intake, offers=[(first, 2)])
    services.set_desk_offers(intake, offers=[(second, 1)])
    assert list(intake.desk_offers.values_list("host", "desks")) == [(second.pk, 1)]


def test_publishing_needs_host_desks(manager):
    intake = factories.IntakeFactory(published_at=None)
    factories.RubricCriterionFactory(intake=intake)
    with pytest.raises(ValidationError):
        services.publish_intake(intake, by=manager)
    factories.DeskOfferFactory(intake=intake)
    published = services.publish_intake(intake, by=manager)
    assert published.published_at is not None
    again = services.publish_intake(published, by=manager)
    assert again.published_at == published.published_at


def test_eligibility_before_opening_changes_without_a_record(manager):
    intake = factories.IntakeFactory(
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    services.set_eligibility(intake, by=manager, allowed_sectors=[], min_employees=10)
    intake.refresh_from_db()
    assert intake.min_employees == 10
    assert IntakeChange.objects.count() == 0


def test_eligibility_of_an_open_intake_needs_a_reason(manager):
    intake = factories.IntakeFactory(min_employees=5)
    with pytest.raises(services.IntakeLocked):
        services.set_eligibility(intake, by=manager, allowed_sectors=[], min_employees=50)
    intake.refresh_from_db()
    assert intake.min_employees == 5
    assert IntakeChange.objects.count() == 0


def test_a_confirmed_change_after_opening_is_recorded(manager):
    intake = factories.IntakeFactory(min_employees=5)
    services.set_eligibility(
        intake,
        by=manager,
        reason="The board lowered the bar for micro-firms.",
        allowed_sectors=[factories.sector("it")],
        min_employees=2,
    )
    change = IntakeChange.objects.get()
    assert change.kind == IntakeChangeKind.ELIGIBILITY
    assert change.changed_by == manager
    assert change.reason == "The board lowered the bar for micro-firms."
    assert change.before["min_employees"] == 5
    assert change.after["min_employees"] == 2
    assert change.after["allowed_sectors"] == ["it"]


def test_saving_the_same_rules_again_records_nothing(manager):
    intake = factories.IntakeFactory(min_employees=5)
    services.set_eligibility(intake, by=manager, allowed_sectors=[], min_employees=5)
    assert IntakeChange.objects.count() == 0


def test_a_rubric_change_after_opening_is_recorded(manager):
    intake = factories.IntakeFactory()
    factories.RubricCriterionFactory(intake=intake, name="Potential market", weight=3)
    with pytest.raises(services.IntakeLocked):
        services.set_rubric(intake, by=manager, criteria=[("Potential market", "", 5, 5)])
    services.set_rubric(
        intake,
        by=manager,
        criteria=[("Potential market", "", 5, 5), ("Host-market fit", "", 1, 5)],
        reason="Hosts asked for a say.",
    )
    assert [(c.name, c.weight) for c in intake.criteria.all()] == [
        ("Potential market", 5),
        ("Host-market fit", 1),
    ]
    change = IntakeChange.objects.get()
    assert change.kind == IntakeChangeKind.RUBRIC
    assert change.before == [
        {"name": "Potential market", "description": "", "weight": 3, "scale": 5}
    ]


def test_a_rubric_needs_positive_weights(manager):
    intake = factories.IntakeFactory(published_at=None)
    with pytest.raises(ValidationError):
        services.set_rubric(intake, by=manager, criteria=[("Potential market", "", 0, 5)])
    with pytest.raises(ValidationError):
        services.set_rubric(intake, by=manager, criteria=[])


def test_a_market_joins_the_groups_that_list_its_country(bic_mint):
    market = services.create_market(country="IN")
    assert list(market.groups.all()) == [bic_mint]


def test_the_briefing_date_moves_only_when_the_briefing_changes():
    market = services.create_market(country="DE", regulation="EU rules.")
    services.update_market(market, fields={"currency": "EUR"}, groups=[])
    market.refresh_from_db()
    assert market.briefing_updated_at is None
    services.update_market(market, fields={"regulation": "EU rules; GDPR."}, groups=[])
    market.refresh_from_db()
    assert market.briefing_updated_at is not None


# Terms of an open intake ---------------------------------------------------------------------


def terms_of(intake, **changes):
    """update_intake's keyword arguments: the intake's terms as they are, with ``changes``."""
    fields = {
        name: getattr(intake, name)
        for name in ["title", "summary", "direction", "time_zone", "opens_at", "closes_at",
                     "placement_starts_on", "placement_ends_on", "max_stay_days",
                     "max_host_preferences", "stipend_cap", "stipend_budget"]
    }  # fmt: skip
    return fields | {"markets": [], "sectors": []} | changes


def draft(intake, name, language="en", **fields):
    company = factories.CompanyFactory(name=name)
    factories.CompanyMemberFactory(
        company=company, user__email=f"owner@{name.lower()}.example", user__language=language
    )
    return factories.ApplicationFactory(company=company, intake=intake, **fields)


def test_a_change_to_an_open_intakes_terms_needs_a_reason_and_is_recorded(manager):
    intake = factories.IntakeFactory(max_stay_days=90)
    with pytest.raises(services.IntakeLocked):
        services.update_intake(intake, by=manager, **terms_of(intake, max_stay_days=60))
    intake.refresh_from_db()
    assert intake.max_stay_days == 90 and IntakeChange.objects.count() == 0

    services.update_intake(
        intake, by=manager, reason="The funder shortened stays.",
        **terms_of(intake, max_stay_days=60),
    )  # fmt: skip
    change = IntakeChange.objects.get()
    assert (change.kind, change.changed_by, change.reason) == (
        IntakeChangeKind.TERMS, manager, "The funder shortened stays.",
    )  # fmt: skip
    assert (change.before["max_stay_days"], change.after["max_stay_days"]) == (90, 60)
    # Saving the same terms again records nothing.
    intake.refresh_from_db()
    services.update_intake(intake, by=manager, reason="Again.", **terms_of(intake))
    assert IntakeChange.objects.count() == 1
    # Nor do the same moments typed in the intake's own zone, as the form gives them.
    local = {
        name: getattr(intake, name).astimezone(intake.zone) for name in ("opens_at", "closes_at")
    }
    services.update_intake(
        intake, by=manager, reason="Only the title.", **terms_of(intake, title="New", **local)
    )
    change = IntakeChange.objects.latest("pk")
    changed = {key for key in change.after if change.before[key] != change.after[key]}
    assert changed == {"title"}


def test_an_earlier_close_asks_to_confirm_the_drafts_it_cuts_short_and_tells_their_owners(
    manager, django_capture_on_commit_callbacks
):
    from django.core import mail

    intake = factories.IntakeFactory(time_zone="Europe/Paris")
    closes = intake.closes_at
    ada = draft(intake, "Ada")
    bo = draft(intake, "Bo", language="fr")
    # An extension past the current close keeps its own deadline; a submission is not a draft.
    draft(intake, "Cy", deadline_override=closes + datetime.timedelta(days=3))
    draft(intake, "Di", status="submitted")
    earlier = closes - datetime.timedelta(days=10)
    terms = terms_of(intake, closes_at=earlier)
    with pytest.raises(services.DeadlineShortened) as warning:
        services.update_intake(intake, by=manager, reason="Budget cut.", **terms)
    assert warning.value.count == 2
    assert warning.value.messages == [
        "The new closing time is earlier: 2 drafts have less time to be submitted. Their "
        "owners will be told by email. Confirm to go ahead."
    ]
    with pytest.raises(services.DeadlineShortened):  # a stale count is asked again
        services.update_intake(intake, by=manager, reason="Cut.", drafts_confirmed=1, **terms)
    intake.refresh_from_db()
    assert intake.closes_at == closes and IntakeChange.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.update_intake(intake, by=manager, reason="Cut.", drafts_confirmed=2, **terms)
    intake.refresh_from_db()
    assert intake.closes_at == earlier
    change = IntakeChange.objects.get()
    assert (change.before["closes_at"], change.after["closes_at"]) == (
        closes.isoformat(), earlier.isoformat(),
    )  # fmt: skip
    told = {message.to[0]: message for message in mail.outbox}
    assert sorted(told) == ["owner@ada.example", "owner@bo.example"]
    assert told["owner@ada.example"].subject == f"The deadline is earlier: {intake.title}"
    # Each in the owner's language (the French words come with the catalogue's next pass).
    from portal.models import OutgoingEmail

    assert sorted(OutgoingEmail.objects.values_list("key", "to")) == [
        (f"deadline-earlier:{ada.pk}:{earlier.isoformat()}:en", ["owner@ada.example"]),
        (f"deadline-earlier:{bo.pk}:{earlier.isoformat()}:fr", ["owner@bo.example"]),
    ]
    assert "The application of Ada is still a draft." in told["owner@ada.example"].body


def test_a_close_that_has_passed_is_refused_while_drafts_wait(manager):
    intake = factories.IntakeFactory()
    draft(intake, "Ada")
    past = timezone.now() - datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        services.update_intake(
            intake, by=manager, reason="Stop now.", drafts_confirmed=1,
            **terms_of(intake, closes_at=past),
        )  # fmt: skip
    assert refused.value.message_dict == {
        "closes_at": [
            "This time has passed: 1 draft would be closed at once. Choose a time still to come."
        ]
    }


def test_review_settings_record_only_what_changed_before_and_after(manager):
    intake = factories.IntakeFactory()
    services.update_review_settings(
        intake, by=manager, calibrate_scores=True, blind_until_reviewed=intake.blind_until_reviewed
    )
    change = IntakeChange.objects.get()
    assert (change.kind, change.before, change.after) == (
        IntakeChangeKind.REVIEW, {"calibrate_scores": "False"}, {"calibrate_scores": "True"},
    )  # fmt: skip


def test_a_change_of_partner_staff_is_recorded_and_each_person_told(
    manager, django_capture_on_commit_callbacks
):
    host = factories.HostIncubatorFactory(name="Spree Hub")
    anna = factories.UserFactory(email="anna@spree.example", language="en")
    kept = factories.UserFactory(email="kept@spree.example")
    services.set_host_partners(host, [anna, kept], by=None)
    mail.outbox.clear()
    luc = factories.UserFactory(email="luc@spree.example", language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        change = services.set_host_partners(host, [kept, luc], by=manager)

    assert list(host.partner_staff.order_by("email")) == [kept, luc]
    assert change == HostPartnerChange.objects.filter(host=host).first()
    assert change.changed_by == manager
    assert change.before == ["anna@spree.example", "kept@spree.example"]
    assert change.after == ["kept@spree.example", "luc@spree.example"]
    assert change.added == ["luc@spree.example"]
    assert change.removed == ["anna@spree.example"]
    by_address = {tuple(message.to): message for message in mail.outbox}
    assert sorted(by_address) == [("anna@spree.example",), ("luc@spree.example",)]
    removed = by_address[("anna@spree.example",)]
    assert removed.subject == "You no longer act for Spree Hub on the soft-landing portal"
    assert "You are no longer partner staff of Spree Hub" in removed.body
    added = by_address[("luc@spree.example",)]
    # Luc reads French (the new sentences are translated after the merge; the greeting is).
    assert added.body.startswith("Bonjour,")
    assert removed.body.startswith("Hello,")
    assert f"/hosts/{host.pk}/workspace/" in added.body


def test_an_added_partner_is_told_in_english_with_the_workspace_link(
    manager, django_capture_on_commit_callbacks
):
    host = factories.HostIncubatorFactory(name="Bandra & Co")
    priya = factories.UserFactory(email="priya@bandra.example", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        services.add_host_partner(host, user=priya, by=manager)

    assert [m.to for m in mail.outbox] == [["priya@bandra.example"]]
    assert mail.outbox[0].subject == "You now act for Bandra & Co on the soft-landing portal"
    assert "You have been made partner staff of Bandra & Co." in mail.outbox[0].body
    assert f"http://127.0.0.1:8000/hosts/{host.pk}/workspace/" in mail.outbox[0].body


def test_setting_the_same_partner_staff_again_records_and_sends_nothing(
    manager, django_capture_on_commit_callbacks
):
    host = factories.HostIncubatorFactory()
    partner = factories.UserFactory()
    services.add_host_partner(host, user=partner, by=manager)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.set_host_partners(host, [partner], by=manager) is None
        assert services.save_host(host, sectors=[], partner_staff=[partner], by=manager) == host

    assert HostPartnerChange.objects.filter(host=host).count() == 1
    assert mail.outbox == []


def test_removing_a_partner_is_recorded(manager):
    host = factories.HostIncubatorFactory()
    partner = factories.UserFactory(email="gone@host.example")
    services.add_host_partner(host, user=partner, by=manager)

    change = services.remove_host_partner(host, user=partner, by=manager)

    assert list(host.partner_staff.all()) == []
    assert (change.before, change.after) == (["gone@host.example"], [])
