"""Defects a second round of testers found in programs, each kept fixed: a Save from a page
drawn before a colleague's Save keeps the colleague's change (host editing, an intake's
terms), and the default rubric reads in the reader's language."""

import datetime
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from programs import services
from programs.enums import StaffRole
from programs.models import HostPartnerChange, Intake, IntakeChange
from tests import factories

pytestmark = pytest.mark.django_db


class PageForm(HTMLParser):
    """What a browser sends for the page's form as drawn: every field (a hidden copy
    included) with its value, ticked boxes as a list."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "checkbox", "radio"}:
            self._add(name, attrs.get("value") or "")
        elif tag == "input" and name and "checked" in attrs:
            self._add(name, attrs.get("value", "on"))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs["value"])
        elif tag == "textarea":
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data.removeprefix("\n")


def drawn(response):
    """The form as its page sends it; a browser sends line breaks as CR LF."""
    assert response.status_code in (200, 400)
    parser = PageForm()
    parser.feed(response.content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return {
        name: [value.replace("\r\n", "\n").replace("\n", "\r\n") for value in values]
        for name, values in parser.data.items()
    }


def typed(page, **values):
    return page | {name: [value] for name, value in values.items()}


@pytest.fixture
def program():
    return factories.ProgramFactory()


@pytest.fixture
def managers(client, program):
    """Two managers of the program, each in a browser of their own."""
    a = factories.ProgramStaffFactory(program=program, role=StaffRole.MANAGER).user
    b = factories.ProgramStaffFactory(program=program, role=StaffRole.MANAGER).user
    other = client.__class__()
    client.force_login(a)
    other.force_login(b)
    return client, other


# 1. Host editing: a page drawn before a colleague's Save put their change back.


@pytest.fixture
def host(program):
    host = factories.DeskOfferFactory(intake__program=program).host
    host.description = "Seed description."
    host.address = "Spree 1\nBerlin"
    host.save()
    host.partner_staff.add(factories.UserFactory(email="partner.spree@example.org"))
    return host


def test_a_host_saved_from_an_older_page_keeps_the_partner_a_colleague_added(
    managers, host, django_capture_on_commit_callbacks
):
    a, b = managers
    url = reverse("programs:host_edit", args=[host.pk])
    factories.UserFactory(email="reviewer.lenient@example.org")
    page_a, page_b = drawn(a.get(url)), drawn(b.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        saved_a = a.post(
            url,
            typed(
                page_a,
                partner_emails="partner.spree@example.org\r\nreviewer.lenient@example.org",
                description="A-DESC-1: a new description.",
            ),
        )
        saved_b = b.post(url, typed(page_b, website="https://spree1.example"))

    assert (saved_a.status_code, saved_b.status_code) == (302, 302)
    host.refresh_from_db()
    assert sorted(user.email for user in host.partner_staff.all()) == [
        "partner.spree@example.org",
        "reviewer.lenient@example.org",
    ]
    assert host.description == "A-DESC-1: a new description."
    assert host.website == "https://spree1.example"
    assert host.address == "Spree 1\nBerlin"
    assert HostPartnerChange.objects.count() == 1
    # The partner added is told once, and never that they no longer act for the host.
    assert [m.to for m in mail.outbox] == [["reviewer.lenient@example.org"]]


def test_a_field_both_managers_changed_is_refused_showing_what_is_saved_now(managers, host):
    a, b = managers
    url = reverse("programs:host_edit", args=[host.pk])
    page_a, page_b = drawn(a.get(url)), drawn(b.get(url))
    a.post(url, typed(page_a, description="Written by A."))

    refused = b.post(url, typed(page_b, description="Written by B.", city="Potsdam"))

    assert refused.status_code == 400  # drawn again, as the portal's other refusals
    html = refused.content.decode()
    assert "A colleague saved some of the same fields after you opened this page." in html
    assert "<dt>Description</dt><dd>Written by A.</dd>" in html
    assert (
        "A colleague changed this after you opened the page"
        in html.split('id="id_description_error"', 1)[1].split("</ul>", 1)[0]
    )
    host.refresh_from_db()
    assert (host.description, host.city) == ("Written by A.", "Berlin")
    # What B typed is kept; Save again keeps B's version, A's other changes untouched.
    again = drawn(refused)
    assert (again["description"], again["city"]) == (["Written by B."], ["Potsdam"])
    assert b.post(url, again).status_code == 302
    host.refresh_from_db()
    assert (host.description, host.city) == ("Written by B.", "Potsdam")


def test_a_sum_changed_on_a_page_drawn_again_after_a_refusal_is_still_saved(managers, host):
    """A sum changed on a page refused for another field is saved once that is put right
    (and its copy as drawn, "50.00 CAD", is not taken for a colleague's change)."""
    a, _b = managers
    url = reverse("programs:host_edit", args=[host.pk])
    refused = a.post(url, typed(drawn(a.get(url)), desk_cost_per_day_0="75", desk_capacity="0"))
    assert refused.status_code == 400  # a plain refusal, next to the field
    assert a.post(url, typed(drawn(refused), desk_capacity="4")).status_code == 302
    host.refresh_from_db()
    assert str(host.desk_cost_per_day.amount) == "75.00"


# 2. An intake's terms: a page drawn before a colleague's Save put their change back.


@pytest.fixture
def intake(program):
    return factories.IntakeFactory(program=program, summary="Seed summary.")


def test_terms_saved_from_an_older_page_keep_the_summary_a_colleague_changed(managers, intake):
    a, b = managers
    url = reverse("programs:intake_edit", args=[intake.pk])
    page_a, page_b = drawn(a.get(url)), drawn(b.get(url))
    confirm = {"confirm-reason": ["typo fix"], "confirm-confirm": ["on"]}

    saved_a = a.post(url, typed(page_a, summary="A-SUMMARY-1: better.") | confirm)
    saved_b = b.post(url, typed(page_b, title="Title by B") | confirm)

    assert (saved_a.status_code, saved_b.status_code) == (302, 302)
    intake.refresh_from_db()
    assert (intake.summary, intake.title) == ("A-SUMMARY-1: better.", "Title by B")
    changes = IntakeChange.objects.order_by("pk")
    assert [(c.before["summary"], c.after["summary"]) for c in changes] == [
        ("Seed summary.", "A-SUMMARY-1: better."),
        ("A-SUMMARY-1: better.", "A-SUMMARY-1: better."),
    ]


def test_sectors_a_colleague_ticked_stay_when_an_older_page_changes_the_title(managers, intake):
    a, b = managers
    services.ensure_sectors()
    health = services.queries.sectors().get(code="health")
    url = reverse("programs:intake_edit", args=[intake.pk])
    page_a, page_b = drawn(a.get(url)), drawn(b.get(url))
    confirm = {"confirm-reason": ["focus"], "confirm-confirm": ["on"]}

    a.post(url, page_a | {"sectors": [str(health.pk)]} | confirm)
    b.post(url, typed(page_b, title="Title by B") | confirm)

    intake = Intake.objects.get(pk=intake.pk)
    assert [sector.code for sector in intake.sectors.all()] == ["health"]
    assert intake.title == "Title by B"


def test_terms_both_managers_changed_are_refused_and_typed_text_kept(managers, intake):
    a, b = managers
    url = reverse("programs:intake_edit", args=[intake.pk])
    page_a, page_b = drawn(a.get(url)), drawn(b.get(url))
    confirm = {"confirm-reason": ["wording"], "confirm-confirm": ["on"]}
    a.post(url, typed(page_a, summary="Summary by A.") | confirm)

    refused = b.post(url, typed(page_b, summary="Summary by B.") | confirm)

    assert refused.status_code == 400
    assert "<dt>Summary</dt><dd>Summary by A.</dd>" in refused.content.decode()
    assert Intake.objects.get(pk=intake.pk).summary == "Summary by A."
    again = drawn(refused)
    assert again["summary"] == ["Summary by B."]
    assert b.post(url, again | confirm).status_code == 302
    assert Intake.objects.get(pk=intake.pk).summary == "Summary by B."


def test_a_new_time_zone_keeps_the_times_as_typed(managers, intake):
    """The times are typed in the intake's zone: a new zone moves them with it, as before."""
    a, _b = managers
    url = reverse("programs:intake_edit", args=[intake.pk])
    page = drawn(a.get(url))
    confirm = {"confirm-reason": ["zone"], "confirm-confirm": ["on"]}
    opens = page["opens_at"][0]

    assert a.post(url, typed(page, time_zone="Asia/Tokyo") | confirm).status_code == 302

    intake.refresh_from_db()
    with translation.override("en"):
        assert intake.opens_at.astimezone(intake.zone).strftime("%Y-%m-%dT%H:%M") == opens[:16]


def test_sectors_ticked_on_a_page_drawn_again_after_a_refusal_are_still_saved(managers, intake):
    """No sector was ticked when drawn: the copy of the empty list (nothing sent) stays
    empty on the page drawn again, not the sectors typed."""
    a, _b = managers
    services.ensure_sectors()
    health = services.queries.sectors().get(code="health")
    url = reverse("programs:intake_edit", args=[intake.pk])
    confirm = {"confirm-reason": ["focus"], "confirm-confirm": ["on"]}
    page = drawn(a.get(url)) | {"sectors": [str(health.pk)]}

    refused = a.post(url, typed(page, max_host_preferences="0") | confirm)
    again = typed(drawn(refused), max_host_preferences="3")

    assert refused.status_code == 400
    assert "initial-sectors" not in again
    assert a.post(url, again | confirm).status_code == 302
    assert [sector.code for sector in Intake.objects.get(pk=intake.pk).sectors.all()] == ["health"]


# 3. The default rubric was stored in the language of the manager who created the intake.

ENGLISH = ["Potential market", "Proven product", "Export readiness", "Management capacity",
           "Host-market fit"]  # fmt: skip
FRENCH = ["Marché potentiel", "Produit éprouvé", "Préparation à l’exportation",
          "Capacité de gestion", "Adéquation avec le marché d’accueil"]  # fmt: skip


def new_intake(program, language):
    with translation.override(language):
        return services.create_intake(
            program,
            by=None,
            title="Appel test printemps 2028",
            opens_at=factories.IntakeFactory.opens_at.function(),
            closes_at=factories.IntakeFactory.closes_at.function(),
            placement_starts_on=datetime.date(2030, 5, 1),
            placement_ends_on=datetime.date(2030, 10, 1),
        )


@pytest.mark.parametrize("creator", ["en", "fr"])
def test_the_default_rubric_reads_in_the_readers_language_whoever_created_it(program, creator):
    intake = new_intake(program, creator)
    criteria = list(intake.criteria.all())

    assert [c.code for c in criteria] == [
        "potential-market", "proven-product", "export-readiness", "management-capacity",
        "host-market-fit",
    ]  # fmt: skip
    assert [c.name for c in criteria] == ENGLISH  # stored in English, whoever created it
    with translation.override("fr"):
        assert [c.display_name for c in criteria] == FRENCH
        assert [str(c) for c in criteria] == FRENCH
        assert criteria[0].display_description == (
            "Taille et accessibilité de la demande pour l’offre de l’entreprise sur le "
            "marché cible."
        )
    with translation.override("en"):
        assert [c.display_name for c in criteria] == ENGLISH
        assert criteria[4].display_description == (
            "How well the firm fits the host's network and the market's reality."
        )


def test_the_intake_pages_show_the_default_rubric_in_the_readers_language(
    client, program, managers
):
    a, _b = managers
    intake = new_intake(program, "fr")
    factories.DeskOfferFactory(intake=intake)
    services.publish_intake(intake, by=None)

    english = a.get(reverse("programs:manage_intake", args=[intake.pk]), HTTP_ACCEPT_LANGUAGE="en")
    public = client.__class__().get(
        reverse("programs:intake_detail", args=[intake.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert "<li>Potential market — weight 3, 1–5</li>" in english.content.decode()
    assert "Marché potentiel" not in english.content.decode()
    html = public.content.decode()
    assert "<td>Marché potentiel</td><td>Taille et accessibilité de la demande" in html
    assert "Potential market" not in html


def test_a_criterion_a_manager_typed_reads_as_typed(program):
    intake = new_intake(program, "en")
    services.set_rubric(
        intake, by=None, criteria=[("Réseau à Berlin", "Contacts sur place.", 2, 5)]
    )
    criterion = intake.criteria.get()
    with translation.override("en"):
        assert (criterion.code, criterion.display_name) == ("", "Réseau à Berlin")
        assert criterion.display_description == "Contacts sur place."


def test_the_rubric_page_shows_the_defaults_in_the_managers_language_and_keeps_them(
    managers, program
):
    a, _b = managers
    intake = new_intake(program, "en")
    url = reverse("programs:intake_rubric", args=[intake.pk])
    page = drawn(a.get(url, HTTP_ACCEPT_LANGUAGE="fr"))
    assert page["rubric-0-name"] == ["Marché potentiel"]

    # The French manager changes one weight and renames the last criterion.
    page = typed(page, **{"rubric-1-weight": "4", "rubric-4-name": "Adéquation Berlin"})
    assert a.post(url, page, HTTP_ACCEPT_LANGUAGE="fr").status_code == 302

    criteria = list(Intake.objects.get(pk=intake.pk).criteria.all())
    assert [(c.code, c.name, c.weight) for c in criteria] == [
        ("potential-market", "Potential market", 3),
        ("proven-product", "Proven product", 4),
        ("export-readiness", "Export readiness", 2),
        ("management-capacity", "Management capacity", 2),
        ("", "Adéquation Berlin", 2),
    ]


def test_the_review_form_names_the_default_criteria_in_the_reviewers_language(program):
    from applications.forms import ReviewForm

    intake = new_intake(program, "en")
    with translation.override("fr"):
        form = ReviewForm(criteria=list(intake.criteria.all()))
        fields = form.criterion_fields()
        assert [str(field.label) for field in fields] == FRENCH
        assert str(fields[2].help_text).startswith(
            "Plans, ressources et expérience pour servir des clients à l’étranger. Pondération"
        )


def test_a_recorded_rubric_change_names_the_default_criteria_in_the_readers_language(program):
    from programs import history

    manager = factories.UserFactory()
    intake = new_intake(program, "fr")
    intake.published_at = intake.opens_at = timezone.now() - datetime.timedelta(days=1)
    intake.save()
    with translation.override("fr"):
        services.set_rubric(
            intake,
            by=manager,
            reason="Plus court",
            criteria=[("Marché potentiel", FRENCH_POTENTIAL_MARKET, 5, 5)],
        )
    change = IntakeChange.objects.get()
    with translation.override("en"):
        assert history.differences(change)[0][2] == "Potential market (weight 5, 1–5)"


FRENCH_POTENTIAL_MARKET = (
    "Taille et accessibilité de la demande pour l’offre de l’entreprise sur le marché cible."
)


def test_the_migration_marks_default_criteria_stored_in_english_or_french(program):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("programs.migrations.0016_default_criteria_by_code")
    intake = factories.IntakeFactory(program=program)
    rows = [
        ("Marché potentiel", FRENCH_POTENTIAL_MARKET),
        ("Proven product",
         "Evidence that the product or service sells at home: paying customers, revenue."),
        ("Proven product", "Our own description."),  # typed: left as typed
        ("Marché potentiel", "Evidence that the product or service sells at home: paying "
         "customers, revenue."),  # name and description of different criteria
    ]  # fmt: skip
    for position, (name, description) in enumerate(rows):
        intake.criteria.create(name=name, description=description, position=position)

    migration.mark_default_criteria(apps, None)

    assert [(c.code, c.name) for c in intake.criteria.all()] == [
        ("potential-market", "Potential market"),
        ("proven-product", "Proven product"),
        ("", "Proven product"),
        ("", "Marché potentiel"),
    ]
    assert intake.criteria.first().description == (
        "Size and reachability of the demand for the firm's offer in the target market."
    )


def test_rules_across_terms_judge_a_colleagues_change_with_this_pages(managers, intake):
    """A review's finding: the page's own checks read the other fields as drawn, and the
    Save then wrote its change over a colleague's. Here A raised the cap to 6,000 and B, on an
    older page, lowered the pool to 5,000 (enough for one stipend at the cap B saw, 4,000, not
    at A's): saved, no stipend at the cap could be paid from the pool."""
    a, b = managers
    url = reverse("programs:intake_edit", args=[intake.pk])
    page_a, page_b = drawn(a.get(url)), drawn(b.get(url))
    confirm = {"confirm-reason": ["terms"], "confirm-confirm": ["on"]}
    assert a.post(url, typed(page_a, stipend_cap_0="6000") | confirm).status_code == 302

    refused = b.post(url, typed(page_b, stipend_budget_0="5000") | confirm)

    assert refused.status_code == 400
    assert "The pool cannot fund even one stipend at the cap." in refused.content.decode()
    intake.refresh_from_db()
    assert (str(intake.stipend_cap.amount), str(intake.stipend_budget.amount)) == (
        "6000.00",
        "40000.00",
    )


def test_the_colleagues_time_in_the_conflict_box_is_written_as_the_reader_writes_it(
    managers, intake
):
    a, b = managers
    url = reverse("programs:intake_edit", args=[intake.pk])
    page_a, page_b = drawn(a.get(url)), drawn(b.get(url))
    confirm = {"confirm-reason": ["dates"], "confirm-confirm": ["on"]}
    ends = intake.placement_ends_on
    assert (
        a.post(
            url, typed(page_a, placement_ends_on=str(ends - datetime.timedelta(days=1))) | confirm
        )
    ).status_code == 302

    refused = b.post(
        url, typed(page_b, placement_ends_on=str(ends - datetime.timedelta(days=2))) | confirm
    )

    saved = ends - datetime.timedelta(days=1)
    page = refused.content.decode()
    assert refused.status_code == 400
    with translation.override("en"):
        assert f"<dd>{date_format(saved, 'DATE_FORMAT')}</dd>" in page
    assert f"<dd>{saved.isoformat()}</dd>" not in page
