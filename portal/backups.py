"""Backups: the database and the uploaded files in one archive, and their restore.

An archive is a gzipped tar file holding ``manifest.json`` (the database engine, when, the
row count of every table and the list of files), the database as its own tools copy it
(``pg_dump`` custom format for PostgreSQL, SQLite's online backup for SQLite: both
consistent while the portal runs, neither depending on the models), and ``media/`` with
every file under MEDIA_ROOT. The row counts are those of the copy itself (counted in the
exported snapshot ``pg_dump`` reads, or in SQLite's copied file), so a backup taken while
people write is restored and checked all the same. The archive is readable by its owner only:
it holds password hashes, sessions and applicants' files.

A restore goes into an empty portal only: a database without tables (run it before
``migrate``) and an empty or missing MEDIA_ROOT. It then checks every table's row count and
every file against the manifest.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

FORMAT = 1
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """Something that stops a backup or a restore, said in one sentence."""


def row_counts():
    """Every table of the database and its number of rows."""
    with connection.cursor() as cursor:
        return _count(cursor, connection.introspection.table_names(cursor))


def _count(cursor, tables):
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def media_files(root):
    """Each file under ``root`` (relative path, POSIX) with its SHA-256."""
    root = Path(root)
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _postgres_command(program, database):
    """``pg_dump``/``pg_restore`` pointed at the portal's database; the password goes in the
    environment, never on the command line."""
    arguments = [program, "--no-owner", "--no-privileges", f"--dbname={database['NAME']}"]
    if database.get("HOST"):
        arguments.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        arguments.append(f"--port={database['PORT']}")
    if database.get("USER"):
        arguments.append(f"--username={database['USER']}")
    env = os.environ | ({"PGPASSWORD": database["PASSWORD"]} if database.get("PASSWORD") else {})
    return arguments, env


def _run(arguments, env):
    try:
        result = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s is not installed; install the PostgreSQL client tools.")
            % {"program": arguments[0]}
        ) from error
    if result.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": arguments[0], "error": result.stderr.strip()}
        )


def _dump_database(target):
    """Copy the database to ``target``; returns the row counts of that copy."""
    database = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        # A connection of its own holds one snapshot, exported to pg_dump and counted in:
        # rows written meanwhile are in neither (whatever transaction the caller is in).
        snapshot_holder = connection.get_new_connection(connection.get_connection_params())
        try:
            snapshot_holder.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with snapshot_holder.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                with connection.cursor() as ours:
                    tables = connection.introspection.table_names(ours)
                counts = _count(cursor, tables)
            arguments, env = _postgres_command("pg_dump", database)
            _run([*arguments, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], env)
        finally:
            snapshot_holder.close()
        return counts
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = [name for (name,) in cursor.fetchall() if not name.startswith("sqlite_")]
        return _count(cursor, tables)
    finally:
        copy.close()


def backup(output):
    """Write the database and MEDIA_ROOT to the archive ``output``; returns its manifest."""
    output = Path(output)
    if output.exists():
        raise BackupError(_("%(path)s already exists; name a new file.") % {"path": output})
    if not output.parent.is_dir():
        raise BackupError(
            _("The folder %(path)s does not exist; create it or name another.")
            % {"path": output.parent}
        )
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as scratch:
        dump = Path(scratch) / DUMPS[connection.vendor]
        counts = _dump_database(dump)
        files = media_files(settings.MEDIA_ROOT)
        manifest = {
            "format": FORMAT,
            "database": connection.vendor,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "tables": counts,
            "files": files,
        }
        # Written beside the target and renamed at the end: never half an archive; created
        # readable by its owner only, whatever the umask.
        partial = output.with_name(f".{output.name}.partial")
        # A stale partial file (an interrupted backup) is removed; a new one is created, never
        # opened through a link planted in its place.
        partial.unlink(missing_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, fileobj=io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for name in files:
                archive.add(Path(settings.MEDIA_ROOT) / name, arcname=f"media/{name}")
        partial.replace(output)
    return manifest


def _read_manifest(archive):
    try:
        member = archive.extractfile("manifest.json")
    except KeyError as error:
        raise BackupError(_("This file is not a portal backup (no manifest).")) from error
    manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup's format is not one this portal can read."))
    return manifest


def _check_empty(manifest):
    if manifest["database"] != connection.vendor:
        raise BackupError(
            _(
                "This backup is of a %(theirs)s database and the portal uses %(ours)s; "
                "restore it into the same kind of database."
            )
            % {"theirs": manifest["database"], "ours": connection.vendor}
        )
    with connection.cursor() as cursor:
        if connection.introspection.table_names(cursor):
            raise BackupError(
                _(
                    "The database already has tables; restore into an empty database "
                    "(create it and restore before running migrate)."
                )
            )
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        raise BackupError(
            _("MEDIA_ROOT (%(path)s) is not empty; restore into an empty folder.") % {"path": media}
        )


def _load_database(dump):
    database = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        arguments, env = _postgres_command("pg_restore", database)
        _run([*arguments, "--exit-on-error", "--single-transaction", str(dump)], env)
    else:
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    connection.close()


def restore(path):
    """Load the archive at ``path`` into this empty portal; returns its manifest once the
    restored tables and files are checked against it."""
    if not Path(path).is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": path})
    try:
        opened = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(_("This file is not a portal backup (not a gzipped archive).")) from error
    with opened as archive:
        manifest = _read_manifest(archive)
        _check_empty(manifest)
        with tempfile.TemporaryDirectory(prefix="portal-restore-") as scratch:
            archive.extractall(scratch, filter="data")
            _load_database(Path(scratch) / DUMPS[manifest["database"]])
            media = Path(scratch) / "media"
            if media.is_dir():
                Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
                shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    restored = row_counts()
    differences = sorted(
        table
        for table in restored.keys() | manifest["tables"].keys()
        if restored.get(table) != manifest["tables"].get(table)
    )
    if differences or media_files(settings.MEDIA_ROOT) != manifest["files"]:
        raise BackupError(
            _("The restored portal differs from the backup (tables: %(tables)s).")
            % {"tables": ", ".join(differences) or "-"}
        )
    return manifest
