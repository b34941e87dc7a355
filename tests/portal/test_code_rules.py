"""Rules about the code itself: only Django's public API, no hand-kept caches of markup."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# The ORM's private compiler API: a query built through it breaks silently with a Django
# release, and a newcomer cannot read from a view what SQL it runs.
PRIVATE_ORM = ["get_compiler", "klass_info", "get_related_populators", "apply_converters",
               "query.selected", "as_sql("]  # fmt: skip


def project_files(pattern):
    for path in sorted(ROOT.rglob(pattern)):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or "migrations" in parts or "node_modules" in parts:
            continue
        yield path


def test_no_python_file_uses_the_orms_private_compiler_api():
    this = Path(__file__).resolve()
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in project_files("*.py")
        if path.resolve() != this
        for name in PRIVATE_ORM
        if name in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_the_rule_sees_a_private_call(tmp_path):
    # The check above reads text: a file that compiles a queryset by hand is caught.
    sample = "sql, params = queryset.query.get_compiler('default').as_sql()\n"
    assert [name for name in PRIVATE_ORM if name in sample] == ["get_compiler", "as_sql("]


def test_no_template_keeps_a_fragment_cache():
    # {% cache %} fragments live until their hand-kept key changes: none on these pages.
    found = [
        str(path.relative_to(ROOT))
        for path in project_files("*.html")
        if re.search(r"{%\s*cache\b", path.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert set(settings.CACHES) == {"default"}
