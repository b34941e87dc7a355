"""portal.access.require, the one way a view loads an object named by a URL, and the code
rules that keep permissions in the rules: no query module decides a 404, no view or template
spells a status out to decide what to show."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.access import require
from programs.models import Program
from tests import factories

ROOT = Path(settings.BASE_DIR)
APPS = ["portal", "programs", "applications", "placements", "outcomes"]


@pytest.mark.django_db
def test_require_gives_the_object_a_404_or_a_403():
    program = factories.ProgramFactory()
    director = factories.UserFactory(is_superuser=True)
    stranger = factories.UserFactory()
    programs = Program.objects.all()
    assert require(director, "programs.view_program", programs, pk=program.pk) == program
    with pytest.raises(Http404):
        require(director, "programs.view_program", programs, pk=program.pk + 1)
    with pytest.raises(Http404):
        require(stranger, "programs.view_program", programs, pk=program.pk)
    reviewer = factories.ProgramStaffFactory(program=program, role="reviewer").user
    assert require(reviewer, "programs.view_program", programs, pk=program.pk) == program
    with pytest.raises(PermissionDenied):
        require(
            reviewer,
            "programs.view_program",
            programs,
            act="programs.manage_program",
            pk=program.pk,
        )


def test_no_query_module_raises_http404():
    found = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in sorted((ROOT / app).glob("queries*.py"))
        + sorted((ROOT / app).glob("queries/*.py"))
        if "Http404" in path.read_text(encoding="utf-8")
    ]
    assert found == []


# `status == "in-review"`, `status != 'draft'`, `status in ("offered", ...)`
STATUS_LITERAL = re.compile(r"""status\w*\s*(==|!=|\bin\b)\s*[\[(]?\s*["'][a-z-]+["']""")


def _views_and_templates():
    for app in APPS:
        yield from sorted((ROOT / app).glob("views*.py"))
        yield from sorted((ROOT / app / "views").glob("*.py"))
    yield from sorted((ROOT / "templates").rglob("*.html"))
    yield from sorted((ROOT / "templates").rglob("*.txt"))


def test_no_view_or_template_decides_on_a_status_spelled_out():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in _views_and_templates()
        for match in STATUS_LITERAL.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_rule_sees_a_status_spelled_out():
    samples = ['{% if offer.status == "open" %}', "run.status != 'done'", 'status in ("held",']
    assert [bool(STATUS_LITERAL.search(sample)) for sample in samples] == [True, True, True]
