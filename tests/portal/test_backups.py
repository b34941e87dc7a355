"""Backups: the demo's database and uploads written to one archive and restored into an empty
portal (another database, another MEDIA_ROOT) with the same rows in every table and the same
files; refused over a portal that is not empty."""

import os
import stat
import subprocess
import sys
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from portal import backups
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the suite's kind: a new SQLite file, or a new PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg2

    base, name = url.rsplit("/", 1)
    scratch = f"{name.split('?')[0]}_restored"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    admin.close()
    yield f"{base}/{scratch}"
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    admin.close()


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | {"DEBUG": "true"} | env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def count_rows(database_url, media_root):
    """Every table's row count and every file's hash, read by a process of that portal."""
    code = (
        "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'portal.settings'; "
        "django.setup(); from portal import backups; from django.conf import settings; "
        "print(json.dumps([backups.row_counts(), backups.media_files(settings.MEDIA_ROOT)]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DEBUG": "true", "DATABASE_URL": database_url, "MEDIA_ROOT": media_root},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import json

    return json.loads(result.stdout)


@pytest.mark.django_db(transaction=True)
def test_the_demo_round_trips_into_an_empty_portal(settings, tmp_path, empty_database):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    tables, files = backups.row_counts(), backups.media_files(settings.MEDIA_ROOT)
    archive = tmp_path / "portal.tar.gz"
    out = StringIO()

    call_command("backup", str(archive), stdout=out)

    assert out.getvalue().startswith(
        f"Backed up {len(tables)} tables ({sum(tables.values())} rows)"
    )
    assert len(files) == 19  # the demo's pitch decks and receipts
    dump = backups.DUMPS[connection.vendor]
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert names[:2] == ["manifest.json", dump]
    assert sorted(names[2:]) == sorted(f"media/{name}" for name in files)

    restored_media = tmp_path / "restored-media"
    result = manage(
        "restore", str(archive), DATABASE_URL=empty_database, MEDIA_ROOT=str(restored_media)
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"Restored {len(tables)} tables ({sum(tables.values())} rows) and {len(files)} files "
        f"from {archive}; each matches the backup."
    )
    assert count_rows(empty_database, str(restored_media)) == [tables, files]
    assert tables["applications_application"] > 0 and tables["portal_user"] > 0

    again = manage(
        "restore", str(archive), DATABASE_URL=empty_database, MEDIA_ROOT=str(tmp_path / "other")
    )
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "CommandError: The database already has tables; restore into an empty database "
        "(create it and restore before running migrate)."
    )


@pytest.mark.django_db
def test_a_backup_never_overwrites_a_file(tmp_path):
    archive = tmp_path / "portal.tar.gz"
    archive.write_bytes(b"yesterday")
    with pytest.raises(CommandError) as raised:
        call_command("backup", str(archive), stdout=StringIO())
    assert str(raised.value) == f"{archive} already exists; name a new file."
    assert archive.read_bytes() == b"yesterday"


def test_a_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as opened:
        opened.add(__file__, arcname="notes.txt")
    with pytest.raises(CommandError) as raised:
        call_command("restore", str(archive))
    assert str(raised.value) == "This file is not a portal backup (no manifest)."


def test_a_restore_refuses_uploads_over_existing_ones(tmp_path, settings, empty_database):
    archive = tmp_path / "portal.tar.gz"
    with tarfile.open(archive, "w:gz") as opened:
        manifest = tmp_path / "manifest.json"
        vendor = "postgresql" if empty_database.startswith("postgres") else "sqlite"
        manifest.write_text(
            f'{{"format": 1, "database": "{vendor}", "tables": {{}}, "files": {{}}}}'
        )
        opened.add(manifest, arcname="manifest.json")
    media = tmp_path / "media-full"
    media.mkdir()
    (media / "kept.pdf").write_bytes(b"%PDF")
    result = manage("restore", str(archive), DATABASE_URL=empty_database, MEDIA_ROOT=str(media))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"CommandError: MEDIA_ROOT ({media}) is not empty; restore into an empty folder."
    )
    assert [path.name for path in media.iterdir()] == ["kept.pdf"]


@pytest.mark.django_db(transaction=True)  # SQLite's backup waits on the test's transaction
def test_an_archive_is_readable_by_its_owner_only(tmp_path):
    """It holds password hashes, sessions and applicants' files: not for every local user,
    whatever the umask."""
    archive = tmp_path / "portal.tar.gz"
    previous = os.umask(0o022)
    try:
        call_command("backup", str(archive), stdout=StringIO())
    finally:
        os.umask(previous)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


@pytest.mark.django_db(transaction=True)
def test_the_counts_are_those_of_the_copy_not_of_the_database_after_it(monkeypatch, tmp_path):
    """A row written after the copy was taken (people keep working) is in neither the copy
    nor its counts: before, the counts were read after the copy, and restore refused a good
    backup as different."""
    original = backups.media_files

    def write_meanwhile(root):
        factories.UserFactory()  # right after the copy, before the manifest
        return original(root)

    monkeypatch.setattr(backups, "media_files", write_meanwhile)
    before = get_user_model().objects.count()
    manifest = backups.backup(tmp_path / "portal.tar.gz")
    assert manifest["tables"]["portal_user"] == before
    assert get_user_model().objects.count() == before + 1


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("missing.tar.gz", None, "There is no file {path}."),
        (
            "plain.tar.gz",
            b"not a gzip file",
            "This file is not a portal backup (not a gzipped archive).",
        ),
    ],
)
def test_a_restore_of_a_missing_or_unreadable_file_is_one_sentence(tmp_path, name, content, said):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError) as raised:
        call_command("restore", str(path))
    assert str(raised.value) == said.format(path=path)


@pytest.mark.django_db
def test_a_backup_into_a_missing_folder_is_one_sentence(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("backup", str(tmp_path / "nowhere" / "portal.tar.gz"), stdout=StringIO())
    assert str(raised.value) == (
        f"The folder {tmp_path / 'nowhere'} does not exist; create it or name another."
    )
