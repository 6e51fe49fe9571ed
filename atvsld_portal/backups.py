"""Backups of the portal: the database and the private files, with a manifest of hashes.

``backup_create`` writes one folder per run under ``settings.BACKUP_DIR``, named by its UTC time:

- ``database.dump``: PostgreSQL ``pg_dump --format=custom``; or ``database.sqlite3`` for the
  embedded SQLite default, a copy taken with SQLite's online backup API;
- ``private-files.tar.gz``: everything under ``PRIVATE_MEDIA_ROOT``;
- ``manifest.json``: format version, creation time, database engine, the applied Django
  migrations, and the SHA-256 of the dump, of the archive and of every private file.

``backup_restore`` checks every hash first (the dump, the archive and each file inside it) and
refuses a damaged or foreign backup before anything is touched; then it restores the database
(``pg_restore --clean --if-exists --no-owner --single-transaction``, or the SQLite backup API)
and replaces the private files. Stop the web, worker and beat processes while restoring.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
ARCHIVE_NAME = "private-files.tar.gz"
POSTGRESQL = "postgresql"
SQLITE = "sqlite"
DATABASE_FILES = {POSTGRESQL: "database.dump", SQLITE: "database.sqlite3"}
# Working folders inside the media root while a restore swaps the files; never backed up.
STAGING_PREFIXES = (".restore-", ".previous-")


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, for the operator."""


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    engine: str
    files: int
    created_at: str


# ------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        return POSTGRESQL
    if vendor == "sqlite":
        return SQLITE
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")


def _media_root(media_root: Path | str | None) -> Path:
    return Path(media_root if media_root is not None else settings.PRIVATE_MEDIA_ROOT).resolve()


def _private_files(root: Path) -> list[Path]:
    """Regular files under the media root (relative paths, sorted), staging folders excluded."""
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == root:
            dirnames[:] = [d for d in dirnames if not d.startswith(STAGING_PREFIXES)]
        dirnames.sort()
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root))
    return sorted(found, key=lambda p: p.as_posix())


def _applied_migrations(alias: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(
            args, env={**os.environ, **env}, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise BackupError(
            f"{args[0]} was not found: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's major version or newer."
        ) from exc
    if result.returncode != 0:
        raise BackupError(f"{what} failed:\n{result.stderr.strip()}")


# ------------------------------------------------------------------------------
# PostgreSQL
# ------------------------------------------------------------------------------
def _pg_env(alias: str) -> dict[str, str]:
    """libpq environment for the configured database (host, port, user, password, SSL, ...)."""
    settings_dict = connections[alias].settings_dict
    _args, env = PostgresClient.settings_to_cmd_args_env(settings_dict, [])
    env = dict(env or {})
    options = settings_dict.get("OPTIONS", {})
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if settings_dict.get("NAME"):
        env["PGDATABASE"] = settings_dict["NAME"]
    elif options.get("service"):
        env.pop("PGDATABASE", None)
    return env


def _pg_client_major(binary: str) -> int:
    try:
        output = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        raise BackupError(
            f"{binary} was not found: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's major version or newer."
        ) from exc
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match:
        raise BackupError(f"Cannot read the version of {binary}: {output!r}")
    return int(match.group(1))


def _pg_check_client(binary: str, alias: str) -> None:
    """pg_dump refuses a newer server; say so clearly before it starts."""
    connection = connections[alias]
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    client_major = _pg_client_major(binary)
    if client_major < server_major:
        raise BackupError(
            f"{binary} is version {client_major} but the server runs PostgreSQL "
            f"{server_major}: install postgresql-client-{server_major} (or newer)."
        )


def _pg_dump(target: Path, alias: str) -> None:
    _pg_check_client("pg_dump", alias)
    _run(
        # A table locked exclusively for minutes (a stuck migration) fails the backup, never
        # hangs it.
        [
            "pg_dump",
            "--format=custom",
            "--lock-wait-timeout=2min",
            "--no-password",
            f"--file={target}",
        ],
        _pg_env(alias),
        "pg_dump",
    )


def _pg_restore(source: Path, alias: str) -> None:
    _pg_check_client("pg_restore", alias)
    env = _pg_env(alias)
    database = env.get("PGDATABASE") or "postgres"
    connections[alias].close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={database}",
            str(source),
        ],
        env,
        "pg_restore",
    )


# ------------------------------------------------------------------------------
# SQLite
# ------------------------------------------------------------------------------
def _sqlite_path(alias: str) -> Path:
    name = str(connections[alias].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(name)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another with the online backup API (safe while open)."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


# ------------------------------------------------------------------------------
# Backup
# ------------------------------------------------------------------------------
def _write_archive(root: Path, files: list[Path], target: Path) -> None:
    with tarfile.open(target, "w:gz") as archive:
        for relative in files:
            info = archive.gettarinfo(root / relative, arcname=relative.as_posix())
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with (root / relative).open("rb") as stream:
                archive.addfile(info, stream)


def backup_create(
    *,
    backup_dir: Path | str | None = None,
    media_root: Path | str | None = None,
    alias: str = DEFAULT_DB_ALIAS,
    now: datetime | None = None,
) -> Path:
    """Write a complete backup folder and return its path.

    The folder is written under a hidden ``.partial`` name and renamed at the end, so a folder
    with a timestamp name is always complete.
    """
    engine = _engine(alias)
    root = _media_root(media_root)
    parent = Path(backup_dir if backup_dir is not None else settings.BACKUP_DIR).resolve()
    if parent == root or root in parent.parents:
        raise BackupError("The backup folder must not be inside the private files folder.")
    created = (now or datetime.now(UTC)).astimezone(UTC)
    name = created.strftime("%Y%m%dT%H%M%SZ")
    parent.mkdir(parents=True, exist_ok=True)
    final = parent / name
    suffix = 1
    while final.exists():
        suffix += 1
        final = parent / f"{name}-{suffix}"
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".partial", dir=parent))
    try:
        database = work / DATABASE_FILES[engine]
        # The database first: a file deleted after the dump is still in the archive, and any
        # file the dump refers to already exists when the archive is written.
        if engine == POSTGRESQL:
            _pg_dump(database, alias)
        else:
            source = _sqlite_path(alias)
            if not source.is_file():
                raise BackupError(f"There is no database at {source} (run migrate first).")
            _sqlite_copy(source, database)
        files = _private_files(root)
        hashes = {relative.as_posix(): sha256_of(root / relative) for relative in files}
        archive = work / ARCHIVE_NAME
        _write_archive(root, files, archive)
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": created.isoformat(),
            "portal_version": getattr(settings, "PORTAL_VERSION", ""),
            "database": {
                "engine": engine,
                "file": database.name,
                "sha256": sha256_of(database),
                "size": database.stat().st_size,
            },
            "migrations": _applied_migrations(alias),
            "private_files": {
                "archive": ARCHIVE_NAME,
                "sha256": sha256_of(archive),
                "size": archive.stat().st_size,
                "files": hashes,
            },
        }
        (work / MANIFEST_NAME).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for path in work.iterdir():
            path.chmod(0o600)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


# ------------------------------------------------------------------------------
# Verify and restore
# ------------------------------------------------------------------------------
def backup_read_manifest(path: Path | str) -> dict:
    """The manifest of a backup folder, checked for shape, and the dump and archive hashes."""
    folder = Path(path)
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a backup folder.")
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        version = manifest["format_version"]
        database, private = manifest["database"], manifest["private_files"]
        checks = [
            (database["file"], database["sha256"]),
            (private["archive"], private["sha256"]),
        ]
        engine, files = database["engine"], private["files"]
        migrations = manifest["migrations"]
    except FileNotFoundError as exc:
        raise BackupError(f"{folder} has no {MANIFEST_NAME}: not a backup folder.") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"The manifest of {folder} is damaged ({exc!r}).") from exc
    if version != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format version {version!r} (expected {FORMAT_VERSION}).")
    if engine not in (POSTGRESQL, SQLITE) or not isinstance(files, dict):
        raise BackupError(f"The manifest of {folder} is damaged.")
    if not isinstance(migrations, dict):
        raise BackupError(f"The manifest of {folder} is damaged.")
    for filename, expected in checks:
        target = folder / filename
        if Path(filename).name != filename or not target.is_file():
            raise BackupError(f"The backup is damaged: {filename} is missing.")
        if sha256_of(target) != expected:
            raise BackupError(
                f"The backup is damaged: the SHA-256 of {filename} does not match the manifest. "
                "Nothing was restored."
            )
    return manifest


def _unknown_migrations(manifest: dict) -> list[str]:
    """Migrations recorded in the backup that this code does not have (a newer portal)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    ]


def _migrations_beyond_backup(manifest: dict, alias: str) -> list[str]:
    """Migrations applied to the database but not in the backup: their tables would survive a
    restore (``--clean`` drops only what the dump holds) and block a later migrate."""
    in_backup = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    return sorted(
        f"{app}.{name}"
        for app, name in MigrationRecorder(connections[alias]).applied_migrations()
        if (app, name) not in in_backup
    )


def _extract_and_verify(folder: Path, manifest: dict, staging: Path) -> None:
    """Unpack the archive into ``staging`` and check every file against the manifest."""
    expected: dict[str, str] = manifest["private_files"]["files"]
    try:
        with tarfile.open(folder / manifest["private_files"]["archive"], "r:gz") as archive:
            archive.extractall(staging, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"The backup is damaged: the archive cannot be read ({exc}).") from exc
    found = {relative.as_posix() for relative in _private_files(staging)}
    if found != set(expected):
        missing, extra = sorted(set(expected) - found), sorted(found - set(expected))
        raise BackupError(
            "The backup is damaged: the archive does not hold the files of the manifest "
            f"(missing {missing[:5]}, unexpected {extra[:5]}). Nothing was restored."
        )
    for relative, digest in expected.items():
        if sha256_of(staging / relative) != digest:
            raise BackupError(
                f"The backup is damaged: the SHA-256 of {relative} does not match the manifest. "
                "Nothing was restored."
            )


def _swap_private_files(root: Path, staging: Path, stamp: str) -> None:
    """Replace the media root's content by the staging folder's (the root may be a mount)."""
    previous = root / f".previous-{stamp}"
    previous.mkdir()
    for entry in list(root.iterdir()):
        if entry.name.startswith(STAGING_PREFIXES):
            continue
        entry.rename(previous / entry.name)
    for entry in list(staging.iterdir()):
        entry.rename(root / entry.name)
    shutil.rmtree(previous)
    shutil.rmtree(staging)


def backup_restore(
    *,
    path: Path | str,
    media_root: Path | str | None = None,
    alias: str = DEFAULT_DB_ALIAS,
) -> RestoreResult:
    """Verify a backup folder completely, then replace the database and the private files."""
    folder = Path(path).resolve()
    manifest = backup_read_manifest(folder)
    engine = _engine(alias)
    if manifest["database"]["engine"] != engine:
        raise BackupError(
            f"This backup holds a {manifest['database']['engine']} database but the portal is "
            f"configured for {engine}. Nothing was restored."
        )
    unknown = _unknown_migrations(manifest)
    if unknown:
        raise BackupError(
            "This backup comes from a newer version of the portal (migrations unknown here: "
            f"{', '.join(unknown[:5])}). Deploy that version first. Nothing was restored."
        )
    beyond = _migrations_beyond_backup(manifest, alias)
    if beyond:
        raise BackupError(
            "The database is at a newer version than the backup (migrations not in the backup: "
            f"{', '.join(beyond[:5])}). Drop and re-create the database, restore into it, then "
            "run migrate. Nothing was restored."
        )
    root = _media_root(media_root)
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = root / f".restore-{stamp}"
    staging.mkdir()
    try:
        _extract_and_verify(folder, manifest, staging)
        database = folder / manifest["database"]["file"]
        if engine == POSTGRESQL:
            _pg_restore(database, alias)
        else:
            connections[alias].close()
            _sqlite_copy(database, _sqlite_path(alias))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    connections[alias].close()
    ContentType.objects.clear_cache()
    _swap_private_files(root, staging, stamp)
    return RestoreResult(
        path=folder,
        engine=engine,
        files=len(manifest["private_files"]["files"]),
        created_at=manifest["created_at"],
    )
