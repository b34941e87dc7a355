"""No default or guessable credential anywhere: not in the tracked code, configuration and
documentation (outside the tests, which make theirs fresh: tests/passwords.py), not in the
examples people copy, and the demo prints random passwords (tests/portal/test_seed_demo.py)."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A credential-named setting, variable, argument or key given a literal value.
CREDENTIAL = re.compile(
    r"""\b\w*(?:passw(?:or)?d|passwd|pwd|secret|api_?key|token)\w*["']?\s*[:=]\s*["']([^"'\s]*)["']""",
    re.IGNORECASE,
)
# A URL with a password in it: only a placeholder in angle brackets may stand there.
URL_PASSWORD = re.compile(r"[a-z+]+://[^/\s:@'\"<>]+:([^@\s'\"/]+)@", re.IGNORECASE)
# Values that are not credentials: an empty string, Django's mark of an unusable password,
# and environment names read by the code ("SECRET_KEY" in env.str("SECRET_KEY")).
NOT_A_CREDENTIAL = {"", "!"}
# allauth's rate limits are keyed by action ("change_password": "5/m/user").
RATE = re.compile(r"(\d+/\d*[smhd]/(ip|key|user),?)+")
# allauth's forms are named by their Python path ("reset_password": "portal.forms.Reset...").
PYTHON_PATH = re.compile(r"[a-z_]+(\.[a-z_]+)+\.[A-Z]\w+")
GUESSABLE = ["password", "admin", "changeme", "secret", "letmein", "123456", "portal", "demo"]


def tracked_files():
    names = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in names:
        if name.startswith(("tests/", "locale/")) or name == "requirements.lock":
            continue
        path = ROOT / name
        try:
            yield name, path.read_text()
        except (UnicodeDecodeError, FileNotFoundError):
            continue  # binary files (images, compiled catalogues) or a file being moved


def test_the_tracked_files_are_read():
    names = {name for name, _ in tracked_files()}
    assert {".env.example", "README.md", "portal/settings.py", "bin/run", ".ci/run"} <= names
    assert not any(name.startswith("tests/") for name in names)


def test_no_credential_is_written_in_the_code_or_the_documentation():
    found = [
        f"{name}:{number}: {line.strip()}"
        for name, text in tracked_files()
        for number, line in enumerate(text.splitlines(), start=1)
        for match in CREDENTIAL.finditer(line)
        if match[1] not in NOT_A_CREDENTIAL
        and not match[1].isupper()
        and not RATE.fullmatch(match[1])
        and not PYTHON_PATH.fullmatch(match[1])
    ]
    assert found == []


def test_no_url_carries_a_password_but_a_placeholder():
    found = [
        f"{name}:{number}: {line.strip()}"
        for name, text in tracked_files()
        for number, line in enumerate(text.splitlines(), start=1)
        for match in URL_PASSWORD.finditer(line)
        if not match[1].startswith("<")
    ]
    assert found == []


@pytest.mark.parametrize("word", GUESSABLE)
def test_the_checks_catch_guessable_credentials(word):
    for line in [
        f'user = User.objects.create_superuser(email="a@b.example", password="{word}")',
        f"SECRET_KEY = '{word}'",
        f'DJANGO_SUPERUSER_PASSWORD="{word}"',
        f'"api_key": "{word}"',
        f"token={word!r}",
    ]:
        assert CREDENTIAL.search(line)[1] == word, line
    assert URL_PASSWORD.search(f"postgres://portal:{word}@127.0.0.1:5432/portal")[1] == word
    assert URL_PASSWORD.search(f"smtp+tls://user:{word}@smtp.example.org:587")[1] == word


def test_the_checks_pass_what_is_not_a_credential():
    placeholder = URL_PASSWORD.search("postgres://portal:<password>@127.0.0.1:5432/portal")
    assert placeholder[1] == "<password>"
    assert not URL_PASSWORD.search("postgres://portal@127.0.0.1:55432/portal")
    assert not CREDENTIAL.search(
        '<input type="password" name="password" autocomplete="new-password">'
    )
    assert not CREDENTIAL.search('SECRET_KEY = env.str("SECRET_KEY", default="")')
    assert CREDENTIAL.search('password="!"')[1] in NOT_A_CREDENTIAL
    assert RATE.fullmatch(CREDENTIAL.search('"reset_password": "20/m/ip,5/m/key",')[1])
    assert not RATE.fullmatch("changeme")
