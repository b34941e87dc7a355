"""The review pages: fixed query counts at any size, 404 for what is not the person's, and
errors next to the field."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from djmoney.money import Money

from applications import bench, services
from applications.enums import ApplicationStatus
from applications.models import Application, HostFitOpinion, Review
from programs.enums import ScoreAggregate, StaffRole
from tests import factories

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("applications", [3, 300])
def test_review_pages_run_the_same_queries_whatever_their_length(client, applications):
    # 7 in 10 applications are submitted, each with 3 scored reviews (applications.bench).
    world = bench.fill(applications)
    intake = world["intake"]
    submitted = Application.objects.exclude(status=ApplicationStatus.DRAFT).count()
    assert submitted == {3: 3, 300: 210}[applications]
    assert Review.objects.count() == 3 * submitted
    counts = {}
    client.force_login(world["manager"])
    dashboard = reverse("applications:review_dashboard", args=[intake.pk])
    counts["dashboard"] = count_queries(client, dashboard)
    counts["dashboard filtered"] = count_queries(
        client, f"{dashboard}?status=in-review&attention=disagreement&order=-spread"
    )
    counts["assignments"] = count_queries(
        client, reverse("applications:assignments", args=[intake.pk])
    )
    client.force_login(world["reviewer"])
    counts["reviewer"] = count_queries(client, reverse("applications:reviews"))
    client.force_login(world["partner"])
    counts["partner"] = count_queries(client, reverse("applications:host_fit_queue"))
    assert counts == {
        # No count query: the status counts give the unfiltered total; no transaction (the
        # page only reads); each row's reviews assigned are counted in the page's query.
        "dashboard": 6,
        "dashboard filtered": 7,
        "assignments": 9,
        "reviewer": 5,
        # the partner: their hosts' names, the sectors and the page's intakes named from
        # small lookups instead of four more tables joined into the page's query
        "partner": 7,
    }


@pytest.mark.parametrize("applications", [3, 300])
def test_the_review_lists_show_25_rows_a_page(client, applications):
    world = bench.fill(applications)
    client.force_login(world["manager"])
    dashboard = reverse("applications:review_dashboard", args=[world["intake"].pk])
    first, last = client.get(dashboard), client.get(f"{dashboard}?page=9")
    client.force_login(world["reviewer"])
    reviews = client.get(reverse("applications:reviews"))
    assert (len(first.context["rows"]), first.context["page"].paginator.num_pages) == {
        3: (3, 1),
        300: (25, 9),
    }[applications]
    # 210 submitted: eight full pages, then ten (a page past the end shows the last one).
    assert len(last.context["rows"]) == {3: 3, 300: 10}[applications]
    assert (len(reviews.context["rows"]), reviews.context["page"].paginator.count) == {
        3: (1, 1),
        300: (25, 52),
    }[applications]


def test_the_dashboard_exports_its_filtered_rows_as_csv(client):
    world = bench.fill(20)
    client.force_login(world["manager"])
    url = reverse("applications:review_dashboard", args=[world["intake"].pk])
    response = client.get(f"{url}?status=shortlisted&format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Company,Status,Screening")
    assert len(lines) == 1 + 4  # 2 in 10 of 20 are shortlisted
    assert all(",Shortlisted," in line for line in lines[1:])


def test_the_dashboard_sends_the_manager_to_the_reviewers_page_for_their_progress(client):
    world = bench.fill(20)
    intake = world["intake"]
    client.force_login(world["manager"])

    dashboard = client.get(reverse("applications:review_dashboard", args=[intake.pk]))
    reviewers = client.get(reverse("applications:assignments", args=[intake.pk]))

    assignments = reverse("applications:assignments", args=[intake.pk])
    assert f'<a href="{assignments}">reviewers and assignments</a> page.' in (
        dashboard.content.decode()
    )
    assert "reviewers" not in dashboard.context
    # The 12 bench reviewers, each with the reviews they were given and gave (the bench
    # spreads the 42 reviews of the 14 submitted applications over them, by id).
    shown = {r["email"]: (r["assigned"], r["done"]) for r in reviewers.context["reviewers"]}
    given = Review.objects.filter(intake=intake)
    assert shown == {
        f"reviewer{n}@review.example": (
            given.filter(reviewer__email=f"reviewer{n}@review.example").count(),
            given.filter(
                reviewer__email=f"reviewer{n}@review.example", submitted_at__isnull=False
            ).count(),
        )
        for n in range(12)
    }
    assert sum(assigned for assigned, _done in shown.values()) == 42


def test_someone_elses_review_is_a_404(client):
    review = factories.ReviewFactory()
    client.force_login(factories.UserFactory())
    assert client.get(reverse("applications:review", args=[review.pk])).status_code == 404
    response = client.post(
        reverse("applications:declare_conflict", args=[review.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    assert Review.objects.filter(pk=review.pk).exists()


def test_a_manager_of_another_program_gets_a_404(client):
    review = factories.ReviewFactory()
    other = factories.ProgramStaffFactory(role=StaffRole.MANAGER).user
    client.force_login(other)
    intake = review.application.intake
    for name in ["review_dashboard", "assignments", "review_settings"]:
        assert client.get(reverse(f"applications:{name}", args=[intake.pk])).status_code == 404
    url = reverse("applications:override_screening", args=[review.application.pk])
    assert client.post(url, {"decision": "eligible", "reason": "x"}).status_code == 404


def test_a_host_fit_opinion_on_another_hosts_applicant_is_a_404(client):
    review = factories.ReviewFactory(application__status=ApplicationStatus.SHORTLISTED)
    application = review.application
    host = factories.HostIncubatorFactory()
    factories.HostPreferenceFactory(application=application, host=host, rank=1)
    stranger = factories.UserFactory()
    factories.HostIncubatorFactory().partner_staff.add(stranger)
    client.force_login(stranger)
    url = reverse("applications:give_host_fit", args=[application.pk, host.pk])
    assert client.post(url, {"opinion": "good"}).status_code == 404
    assert not HostFitOpinion.objects.exists()


def test_a_score_outside_the_scale_is_shown_next_to_the_field(client):
    review = factories.ReviewFactory()
    criterion = factories.RubricCriterionFactory(intake=review.application.intake)
    client.force_login(review.reviewer)
    url = reverse("applications:review", args=[review.pk])
    response = client.post(url, {f"criterion_{criterion.pk}": "9", "recommendation": ""})
    html = response.content.decode()
    assert response.status_code == 400  # a refused form, drawn again
    assert "Select a valid choice" in html
    assert "This field is required" in html
    review.refresh_from_db()
    assert review.submitted_at is None


def test_a_reviewer_sees_others_scores_only_after_giving_their_own(client):
    review = factories.ReviewFactory()
    criterion = factories.RubricCriterionFactory(intake=review.application.intake)
    other = Review.objects.create(
        application=review.application, intake=review.intake, reviewer=factories.UserFactory(),
        submitted_at=review.application.created_at, score=33, comment="Secret view",
    )  # fmt: skip
    other.scores.create(criterion=criterion, value=2)
    client.force_login(review.reviewer)
    url = reverse("applications:review", args=[review.pk])
    assert "Secret view" not in client.get(url).content.decode()
    response = client.post(url, {f"criterion_{criterion.pk}": "4", "recommendation": "support"})
    assert response.status_code == 302
    assert "Secret view" in client.get(url).content.decode()


def test_a_manager_assigns_the_proposed_replacement_of_a_conflict(client):
    review = factories.ReviewFactory(reviewer__email="ann@panel.example")
    application = review.application
    program = application.intake.program
    bob = factories.ProgramStaffFactory(
        program=program, role=StaffRole.REVIEWER, user__email="bob@panel2.example"
    ).user
    manager = factories.ProgramStaffFactory(
        program=program, role=StaffRole.MANAGER, user__email="boss@program.example"
    ).user
    conflict = services.declare_conflict(review, by=review.reviewer, reason="Former client")
    assert conflict.replacement == bob
    client.force_login(manager)
    url = reverse("applications:accept_replacement", args=[application.intake.pk, conflict.pk])
    assert client.post(url).status_code == 302
    assert list(application.reviews.values_list("reviewer", flat=True)) == [bob.pk]


def test_the_dashboard_counts_what_its_filters_select(client):
    world = bench.fill(20)  # 14 submitted: 4 shortlisted, 10 in review
    client.force_login(world["manager"])
    url = reverse("applications:review_dashboard", args=[world["intake"].pk])

    def count(query):
        return client.get(f"{url}?{query}").context["page"].paginator.count

    assert count("") == 14
    assert count("status=shortlisted") == 4
    assert count("status=in-review&order=company") == 10
    assert count("q=Company 0000") == 7  # companies 00000 to 00009 but their 3 drafts
    assert count("attention=unscored") == 0


def test_the_host_fit_queue_lists_the_shortlisted_applicants_of_the_persons_hosts(client):
    partner = factories.UserFactory()
    mine, other = factories.HostIncubatorFactory(name="Mine"), factories.HostIncubatorFactory()
    mine.partner_staff.add(partner)

    def applicant(name, status, host):
        application = factories.ApplicationFactory(company__name=name, status=status)
        factories.HostPreferenceFactory(application=application, host=host, rank=1)
        return application

    judged = applicant("Judged", ApplicationStatus.SHORTLISTED, mine)
    applicant("Waitlisted", ApplicationStatus.WAITLISTED, mine)
    applicant("In review", ApplicationStatus.IN_REVIEW, mine)
    applicant("Another host's", ApplicationStatus.SHORTLISTED, other)
    services.give_host_fit(judged, mine, by=partner, opinion="good")
    client.force_login(partner)
    page = client.get(reverse("applications:host_fit_queue")).context["page"]
    assert [(row["application__company__name"], row["opinion"]) for row in page] == [
        ("Waitlisted", ""),
        ("Judged", "good"),
    ]


def test_the_dashboard_exports_no_rows_for_filters_it_cannot_read(client):
    world = bench.fill(3)
    client.force_login(world["manager"])
    url = reverse("applications:review_dashboard", args=[world["intake"].pk])
    response = client.get(f"{url}?status=nonsense&format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1  # the header


def test_the_dashboard_follows_the_intake_and_the_language_at_once(client):
    # Nothing on the page is kept from an earlier rendering: a new title, a new score mode
    # or another language shows on the next request.
    world = bench.fill(3)
    intake = world["intake"]
    client.force_login(world["manager"])
    url = reverse("applications:review_dashboard", args=[intake.pk])
    first = client.get(url).content.decode()
    assert "Review dashboard" in first
    # bench.fill(3): one shortlisted, two in review, in the statuses' order.
    assert '<p class="muted">In review: 2 · Shortlisted: 1</p>' in first
    assert "Scores are raw." in first
    intake.title = "Autumn <round>"
    intake.calibrate_scores = True
    intake.save(update_fields=["title", "calibrate_scores"])
    changed = client.get(url).content.decode()
    assert "Autumn &lt;round&gt;</a>" in changed
    assert "Scores are calibrated" in changed
    assert 'id="id_calibrate_scores" checked' in changed
    french = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert "Review dashboard" not in french
    assert "Tableau de bord" in french


def test_the_dashboard_reads_in_french_with_its_own_words_for_apply_sorting_and_badges(client):
    # "Apply" on the dashboard applies the score mode; the applicant's "Apply" is another
    # entry of the catalogue ("Poser sa candidature").
    world = bench.fill(3)
    intake = world["intake"]
    intake.disagreement_points = 0  # every scored application is flagged
    intake.save(update_fields=["disagreement_points"])
    client.force_login(world["manager"])
    url = reverse("applications:review_dashboard", args=[intake.pk])
    html = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert '<button type="submit" class="button">Appliquer</button>' in html
    assert "Poser sa candidature" not in html
    assert '<option value="-score">Note, la plus haute d’abord</option>' in html
    assert '<option value="company">Entreprise, de A à Z</option>' in html
    assert "(descending)" not in html
    assert '<span class="badge badge--warning">désaccord</span>' in html
    assert '<p class="muted">En évaluation\u00a0: 2 · Présélectionnée\u00a0: 1</p>' in html
    # bench.fill: the first shortlisted application is "not a fit" for Host 0.
    assert '<td class="warning">Host 0\u00a0: Pas adapté</td>' in html
    scores = re.findall(r'<td class="num"><strong>([^<]*)</strong></td>', html)
    assert scores and all(re.fullmatch(r"\d+,\d", score) for score in scores), scores


# Bounds: a number a person types is refused next to its field, never a server error.

HUGE = str(10**25)  # past any 64-bit integer


def field_error(response, field):
    """The error text shown next to a field (the id the portal's field template gives it)."""
    html = response.content.decode()
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error next to {field}"
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


def test_a_top_n_past_its_bound_is_refused_next_to_the_field(client):
    world = bench.fill(20)
    intake = world["intake"]
    client.force_login(world["manager"])
    in_review = Application.objects.filter(status=ApplicationStatus.IN_REVIEW).count()
    url = reverse("applications:shortlist", args=[intake.pk])
    response = client.post(url, {"top": "1", "count": HUGE, "back": "status=in-review"})
    assert response.status_code == 200
    assert "less than or equal to 10000" in field_error(response, "count")
    assert f'value="{HUGE}"' in response.content.decode()  # what was typed stays
    assert Application.objects.filter(status=ApplicationStatus.IN_REVIEW).count() == in_review
    response = client.post(url, {"top": "1", "count": "2"})
    assert response.status_code == 302
    assert Application.objects.filter(status=ApplicationStatus.IN_REVIEW).count() == in_review - 2


def test_a_shortlist_id_past_64_bits_is_refused_next_to_the_button(client):
    world = bench.fill(20)
    intake = world["intake"]
    client.force_login(world["manager"])
    url = reverse("applications:shortlist", args=[intake.pk])
    response = client.post(url, {"application": [HUGE]})
    assert response.status_code == 200
    assert "Tick the applications to shortlist." in field_error(response, "application")
    assert Application.objects.filter(status=ApplicationStatus.SHORTLISTED).count() == 4
    response = client.post(url, {})
    assert "Tick the applications to shortlist." in field_error(response, "application")
    chosen = Application.objects.filter(status=ApplicationStatus.IN_REVIEW).first()
    response = client.post(url, {"application": [str(chosen.pk)]})
    assert response.status_code == 302
    chosen.refresh_from_db()
    assert chosen.status == ApplicationStatus.SHORTLISTED


def test_numbers_past_their_bounds_in_the_review_forms_are_refused_next_to_the_field(client):
    world = bench.fill(3)
    intake = world["intake"]
    client.force_login(world["manager"])
    url = reverse("applications:review_settings", args=[intake.pk])
    response = client.post(
        url,
        {"reviewers_per_application": HUGE, "disagreement_points": HUGE,
         "offer_response_days": HUGE},
    )  # fmt: skip
    assert response.status_code == 200
    assert "less than or equal to 10" in field_error(response, "reviewers_per_application")
    assert "less than or equal to 100" in field_error(response, "disagreement_points")
    assert "less than or equal to 90" in field_error(response, "offer_response_days")


def test_a_review_due_date_typed_far_off_is_refused_next_to_the_field(client):
    """9999-12-31 23:00 in Toronto cannot be stored in UTC: a server error before."""
    world = bench.fill(3)
    intake = world["intake"]
    intake.time_zone = "America/Toronto"
    intake.save(update_fields=["time_zone"])
    client.force_login(world["manager"])
    client.raise_request_exception = False
    url = reverse("applications:review_settings", args=[intake.pk])
    response = client.post(
        url, {"reviewers_per_application": 2, "reviews_due_at": "9999-12-31T23:00"}
    )
    assert response.status_code == 200
    assert "Enter a date before the year 2100." in field_error(response, "reviews_due_at")


def test_saving_the_review_settings_keeps_a_ranking_chosen_since_the_page_was_drawn(client):
    """The manager opens the settings; meanwhile the dashboard's ranking is switched to the
    median (another tab, or a colleague); Save with a new number of days to answer an offer
    changes that number only (it put the mean back, saying "Review settings saved.")."""
    from programs import services as programs_services

    world = bench.fill(3)
    intake, manager = world["intake"], world["manager"]
    client.force_login(manager)
    url = reverse("applications:review_settings", args=[intake.pk])
    form = client.get(url).context["form"]
    assert intake.score_aggregate == ScoreAggregate.MEAN
    sent = {}
    for name, field in form.fields.items():
        value = field.widget.format_value(form[name].value())
        if value not in (None, False):
            sent[name] = sent[f"initial-{name}"] = value
    programs_services.update_review_settings(
        intake, by=manager, score_aggregate=ScoreAggregate.MEDIAN
    )

    response = client.post(url, sent | {"offer_response_days": 21})

    assert response.status_code == 302
    intake.refresh_from_db()
    assert (intake.score_aggregate, intake.offer_response_days) == (ScoreAggregate.MEDIAN, 21)


def test_the_reviewer_sees_the_budget_total(client):
    review = factories.ReviewFactory()
    application = review.application
    application.budget_total = Money(2500, "CAD")
    application.save()
    client.force_login(review.reviewer)
    html = client.get(reverse("applications:review", args=[review.pk])).content.decode()
    assert "Total: CA$2,500.00" in html


def test_the_host_fit_queue_reads_dates_and_labels_in_the_partners_language(client):
    partner = factories.UserFactory()
    host = factories.HostIncubatorFactory(name="Mine")
    host.partner_staff.add(partner)
    application = factories.ApplicationFactory(
        status=ApplicationStatus.SHORTLISTED,
        proposed_start=datetime.date(2027, 2, 23),
        proposed_end=datetime.date(2027, 5, 9),
        company__offering="Audits",
    )
    factories.HostPreferenceFactory(application=application, host=host, rank=1)
    client.force_login(partner)
    html = client.get(
        reverse("applications:host_fit_queue"), headers={"accept-language": "fr"}
    ).content.decode()
    assert "23 février 2027 – 9 mai 2027" in html
    assert "<strong>Produit ou service\u00a0:</strong> Audits" in html
    assert "2027-02-23" not in html
