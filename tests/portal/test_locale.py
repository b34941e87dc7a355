"""The French catalogue: complete, set in French typography, and compiled.

The catalogue is read with a few lines of parsing (no polib): entries are separated by
blank lines, obsolete ones start with "#~"; strings may run over several quoted lines.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(lines):
    text = "".join(re.fullmatch(r'\s*"(.*)"\s*', line).group(1) for line in lines)
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text)


def entries():
    """Each live entry as a dict: flags, msgctxt, msgid, msgid_plural, msgstr (a list)."""
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        entry = {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": []}
        key, values = None, []
        fields = []
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                values.append(line)
            else:
                if key:
                    fields.append((key, _unquote(values)))
                key, rest = line.split(" ", 1)
                values = [rest]
        fields.append((key, _unquote(values)))
        for key, value in fields:
            if key.startswith("msgstr"):
                entry["msgstr"].append(value)
            else:
                entry[key] = value
        if entry["msgid"]:  # not the header
            yield entry


def where(entry):
    return f"{entry['msgctxt'] or ''}|{entry['msgid']}"


def test_the_catalogue_is_read_whole():
    read = list(entries())
    assert len(read) > 1000
    apply = {e["msgctxt"]: e["msgstr"] for e in read if e["msgid"] == "Apply"}
    assert apply == {
        "to an intake": ["Poser sa candidature"],
        "settings or filters": ["Appliquer"],
    }


def test_every_entry_is_translated_and_none_is_fuzzy():
    fuzzy = [where(e) for e in entries() if "fuzzy" in e["flags"]]
    untranslated = [where(e) for e in entries() if not all(e["msgstr"])]
    assert fuzzy == []
    assert untranslated == []


# Before ; ! ? a narrow no-break space, before : a no-break space (either is accepted);
# the same before a percent sign and inside « ».
NO_BREAK = "\u00a0\u202f"
MISSING_SPACE = [
    re.compile(rf"(?<![{NO_BREAK}])[:;!?](?=\s|$|\))"),
    re.compile(rf"(?<![{NO_BREAK}(])%(?![(a-z])"),  # "%(n)s" is a placeholder
    re.compile(rf"«(?![{NO_BREAK}])"),
    re.compile(rf"(?<![{NO_BREAK}])»"),
]


def missing_space(text):
    text = text.replace("%%", "%")  # a percent sign in a python-format string
    return any(pattern.search(text) for pattern in MISSING_SPACE)


def test_french_punctuation_has_its_no_break_space():
    wrong = [
        (where(entry), text)
        for entry in entries()
        for text in entry["msgstr"]
        if missing_space(text)
    ]
    assert wrong == []


def test_the_typography_check_catches_a_plain_space_and_a_missing_one():
    for text in ["Limite :", "Limite:", "oui; non", "Pourquoi ?", "12 %", "1 %%", "« Oui »"]:
        assert missing_space(text), text
    for text in ["Limite\u00a0:", "oui\u202f; non", "12\u202f%%", "«\u00a0Oui\u00a0»", "(%)"]:
        assert not missing_space(text), text
    assert not missing_space("%(n)s au moins, 10:30, https://example.org/?q=1")


def test_the_compiled_catalogue_matches_the_catalogue():
    # The .mo is committed (a machine without gettext still shows French): it must hold
    # what the .po says, or someone forgot compilemessages.
    with MO.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    differ = []
    for entry in entries():
        context, msgid, forms = entry["msgctxt"], entry["msgid"], entry["msgstr"]
        if entry["msgid_plural"]:
            got = [
                compiled.npgettext(context, msgid, entry["msgid_plural"], n)
                if context
                else compiled.ngettext(msgid, entry["msgid_plural"], n)
                for n in (1, 2)
            ]
        else:
            got = [compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)]
        if got != forms:
            differ.append(where(entry))
    assert differ == []


@pytest.mark.django_db
def test_allauths_pages_say_courriel_as_the_portal_does(client):
    # allauth's own French says "e-mail"; locale_allauth (bin/french-allauth) says it again.
    pages = ["account_login", "account_signup", "account_reset_password"]
    for name in pages:
        html = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "e-mail" not in html.lower(), name
        assert "courriel" in html.lower(), name
    client.force_login(UserFactory())
    html = client.get(reverse("account_email"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "e-mail" not in html.lower()
    assert "Adresses courriel" in html


@pytest.mark.django_db
def test_allauths_emails_say_courriel_too(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="fr"
        )
    (sent,) = mailoutbox
    assert "e-mail" not in (sent.subject + sent.body).lower()
    assert sent.subject == "Réinitialisez votre mot de passe du portail d’atterrissage en douceur"
