"""Text a person typed is printed as text on every page that shows it, never as markup.

Each field below holds a script; each page that prints it must show it escaped. Pages built
from row patterns (portal/rows.py), the filter bar (portal/templatetags/lists.py), help texts
(portal/forms/field.html) and templates are all covered.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from applications import bench
from applications.enums import ApplicationStatus
from applications.models import Application, Company, Review
from programs.models import ForeignMarket, HostIncubator, Intake, Program, RubricCriterion

PAYLOAD = '<script>alert("typed")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;typed&quot;)&lt;/script&gt;"

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """The bench's intake (reviews, shortlist, host-fit opinions) with a script in every text
    field these pages print."""
    world = bench.fill(10)
    intake = world["intake"]
    Company.objects.update(name=PAYLOAD, offering=PAYLOAD)
    Application.objects.update(why_this_market=PAYLOAD)
    Intake.objects.filter(pk=intake.pk).update(title=PAYLOAD, summary=PAYLOAD)
    Program.objects.update(name=PAYLOAD)
    HostIncubator.objects.update(name=PAYLOAD, city=PAYLOAD, description=PAYLOAD)
    RubricCriterion.objects.filter(intake=intake).update(name=PAYLOAD, description=PAYLOAD)
    get_user_model().objects.update(full_name=PAYLOAD)
    ForeignMarket.objects.update(summary=PAYLOAD, regulation=PAYLOAD, contacts=PAYLOAD)
    world["application"] = Application.objects.filter(status=ApplicationStatus.IN_REVIEW).first()
    world["review"] = Review.objects.filter(application__status=ApplicationStatus.IN_REVIEW).first()
    world["reviewer"] = world["review"].reviewer
    world["host"] = HostIncubator.objects.first()
    return world


PAGES = {
    # name: (who looks, the page)
    "reviewer's scoring form (criterion name and description as help text)": (
        "reviewer",
        lambda w: reverse("applications:review", args=[w["review"].pk]),
    ),
    "reviewer's assignments": ("reviewer", lambda w: reverse("applications:reviews")),
    "partner's host-fit queue": ("partner", lambda w: reverse("applications:host_fit_queue")),
    "manager's review dashboard": (
        "manager",
        lambda w: reverse("applications:review_dashboard", args=[w["intake"].pk]),
    ),
    "manager's application list and its filter bar": (
        "manager",
        lambda w: reverse("applications:intake_applications", args=[w["intake"].pk]),
    ),
    "manager's application page": (
        "manager",
        lambda w: reverse("applications:manage_application", args=[w["application"].pk]),
    ),
    "manager's assignments": (
        "manager",
        lambda w: reverse("applications:assignments", args=[w["intake"].pk]),
    ),
    "program page (intakes and staff)": (
        "manager",
        lambda w: reverse("programs:program_detail", args=[w["program"].pk]),
    ),
    "manager's intake page": (
        "manager",
        lambda w: reverse("programs:manage_intake", args=[w["intake"].pk]),
    ),
    "manager's host list": ("manager", lambda w: reverse("programs:manage_hosts")),
    "host edit form": ("manager", lambda w: reverse("programs:host_edit", args=[w["host"].pk])),
    "dashboard": ("manager", lambda w: reverse("dashboard")),
    "public intake list": (None, lambda w: reverse("programs:intake_list")),
    "public intake page": (
        None,
        lambda w: reverse("programs:intake_detail", args=[w["intake"].pk]),
    ),
    "public host directory": (None, lambda w: reverse("programs:host_list")),
    "public host page": (None, lambda w: reverse("programs:host_detail", args=[w["host"].pk])),
    "public market page (briefing)": (
        None,
        lambda w: reverse("programs:market_detail", args=[w["host"].market.country.code]),
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_typed_text_is_printed_escaped(client, world, page):
    who, url = PAGES[page]
    if who:
        client.force_login(world[who])

    response = client.get(url(world))

    assert response.status_code == 200
    html = response.content.decode()
    assert PAYLOAD not in html
    assert ESCAPED in html


def test_a_criterion_description_is_the_escaped_help_text_of_its_score(client, world):
    criterion = RubricCriterion.objects.filter(intake=world["intake"]).first()
    client.force_login(world["reviewer"])

    html = client.get(reverse("applications:review", args=[world["review"].pk])).content.decode()

    assert (
        f'<div class="help" id="id_criterion_{criterion.pk}_helptext">{ESCAPED} Weight '
        f"{criterion.weight}; 1 to {criterion.scale_max}.</div>"
    ) in html


def test_a_typed_name_in_a_confirmation_message_is_escaped(client, world):
    client.force_login(world["manager"])
    host = HostIncubator.objects.create(name="Plain", market=world["host"].market, city="Pune")
    response = client.post(
        reverse("programs:host_edit", args=[host.pk]),
        {
            "name": PAYLOAD,
            "market": host.market.pk,
            "city": "Pune",
            "desk_capacity": "2",
            "desk_cost_per_day_0": "10",
            "desk_cost_per_day_1": "CAD",
            "partnership": "active",
        },
        follow=True,
    )

    html = response.content.decode()
    assert f'<div class="alert alert--success">{ESCAPED} is saved.</div>' in html
    assert PAYLOAD not in html
