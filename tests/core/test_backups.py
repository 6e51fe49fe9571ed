"""Backups: back up, wipe, restore, and find every record and every private file identical; a
damaged backup is refused before anything is touched."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from atvsld_portal import backups
from atvsld_portal.models import Filing, FilingScan
from atvsld_portal.services import filing_scan_add
from incidents.models import Accident
from incidents.services import declarations as accident_services
from tests.enterprises.factories import AnnualReportFactory
from tests.incidents.factories import AccidentFactory, DiseaseCaseFactory, VictimFactory
from tests.plans.factories import ActivityReportFactory
from tests.reporting.factories import HistoricalAggregateFactory

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + os.urandom(5000)
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    """A private storage of the test's own, so the wipe only touches this test's files."""
    root = tmp_path / "media"
    root.mkdir()
    settings.PRIVATE_MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Run with DATABASE_URL=postgres://… (make test does): pg_dump/pg_restore.")


def _records() -> list[dict]:
    """Every row of every model (base managers), as dumpdata writes it."""
    out = io.StringIO()
    call_command("dumpdata", all=True, format="json", stdout=out)
    return json.loads(out.getvalue())


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _portal_with_records(commune, officer, enterprise, enterprise_owner) -> None:
    """Records in every app, with private files: a filing scan, an accident entered on paper
    with its scan, an online accident, a unit's activity report with an attachment."""
    report = AnnualReportFactory(enterprise=enterprise)
    filing_scan_add(
        filing=report, upload=SimpleUploadedFile("ban-scan.pdf", PDF), by=enterprise_owner
    )
    online = AccidentFactory(enterprise=enterprise, created_by=enterprise_owner)
    VictimFactory(accident=online, full_name="Nguyễn Văn An", personal_id="066090001234")
    accident_services.accident_submit(accident=online, by=enterprise_owner)
    paper = AccidentFactory(enterprise=enterprise, created_by=officer, place="Xưởng gỗ thôn 3")
    VictimFactory(accident=paper, full_name="Trần Thị Bình")
    accident_services.accident_submit(
        accident=paper,
        by=officer,
        channel=Filing.Channel.PAPER,
        scan=SimpleUploadedFile("to-khai.jpg", JPEG),
    )
    ActivityReportFactory(
        assignment__task__group__plan__commune=commune,
        attachment=SimpleUploadedFile("bien-ban-hop.png", PNG),
    )
    DiseaseCaseFactory(enterprise=enterprise, created_by=officer)
    HistoricalAggregateFactory(commune=commune, entered_by=officer)


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_back_every_record_and_file(
    media_root, tmp_path, commune, officer, enterprise, enterprise_owner
):
    _require_postgresql()
    _portal_with_records(commune, officer, enterprise, enterprise_owner)
    records_before = _records()
    files_before = _files(media_root)
    assert len(files_before) == 3, files_before.keys()
    assert Accident.objects.exclude(receipt_number="").count() == 2

    call_command("backup", backup_dir=str(tmp_path / "backups"), verbosity=0)
    (backup,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["engine"] == "postgresql"
    assert "0001_initial" in manifest["migrations"]["incidents"]
    assert set(manifest["private_files"]["files"]) == set(files_before)

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)
    media_root.mkdir()
    assert not Accident.objects.exists()
    assert not FilingScan.objects.exists()

    call_command("restore", str(backup), interactive=False, verbosity=0)

    records_after = _records()
    assert len(records_after) == len(records_before)
    assert records_after == records_before
    assert _files(media_root) == files_before
    scan = FilingScan.objects.get()
    assert scan.file.read() == PDF


def _damage_dump(backup: Path) -> None:
    dump = backup / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))


def _truncate_archive(backup: Path) -> None:
    archive = backup / "private-files.tar.gz"
    archive.write_bytes(archive.read_bytes()[:-50])


def _alter_a_file_hash(backup: Path) -> None:
    manifest_path = backup / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    files = manifest["private_files"]["files"]
    files[next(iter(files))] = "0" * 64
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def _break_manifest(backup: Path) -> None:
    (backup / "manifest.json").write_text('{"format_version": 1, "database": ', encoding="utf-8")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_damage_dump, "SHA-256 of database.dump does not match"),
        (_truncate_archive, "SHA-256 of private-files.tar.gz does not match"),
        (_alter_a_file_hash, "does not match the manifest"),
        (_break_manifest, "manifest"),
    ],
)
def test_a_damaged_backup_is_refused_and_nothing_is_touched(
    media_root, tmp_path, commune, officer, enterprise, enterprise_owner, damage, expected
):
    _require_postgresql()
    _portal_with_records(commune, officer, enterprise, enterprise_owner)
    call_command("backup", backup_dir=str(tmp_path / "backups"), verbosity=0)
    (backup,) = (tmp_path / "backups").iterdir()
    damage(backup)
    (media_root / "after-the-backup.pdf").write_bytes(PDF)
    files_before = _files(media_root)
    accidents = Accident.objects.count()

    with pytest.raises(CommandError, match=expected) as refused:
        call_command("restore", str(backup), interactive=False, verbosity=0)

    assert "damaged" in str(refused.value)
    assert _files(media_root) == files_before
    assert Accident.objects.count() == accidents


@pytest.mark.django_db
def test_a_backup_older_than_the_database_schema_is_refused(media_root, tmp_path):
    """Tables of later migrations would survive pg_restore --clean: say what to do instead."""
    _require_postgresql()
    call_command("backup", backup_dir=str(tmp_path / "backups"), verbosity=0)
    (backup,) = (tmp_path / "backups").iterdir()
    MigrationRecorder(connection).record_applied("incidents", "9999_from_a_newer_portal")

    with pytest.raises(
        CommandError, match=re.escape("incidents.9999_from_a_newer_portal")
    ) as refused:
        call_command("restore", str(backup), interactive=False, verbosity=0)

    assert "re-create the database" in str(refused.value)
    assert MigrationRecorder(connection).migration_qs.filter(name__startswith="9999").exists()


@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused_with_the_package_to_install(
    media_root, tmp_path, monkeypatch
):
    _require_postgresql()
    server_major = connection.pg_version // 10000
    monkeypatch.setattr(backups, "_pg_client_major", lambda binary: server_major - 1)

    with pytest.raises(CommandError, match=f"install postgresql-client-{server_major}"):
        call_command("backup", backup_dir=str(tmp_path / "backups"), verbosity=0)

    assert not any((tmp_path / "backups").iterdir())


def test_sqlite_backup_and_restore_through_make_commands(tmp_path):
    """The embedded default (`make run`): the commands copy the SQLite file both ways."""
    database = tmp_path / "db.sqlite3"
    media = tmp_path / "media"
    (media / "scans").mkdir(parents=True)
    (media / "scans" / "a.pdf").write_bytes(PDF)
    with sqlite3.connect(database) as db:
        db.execute("create table note (text varchar)")
        db.execute("insert into note values ('trước sao lưu')")
    db.close()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "atvsld_portal.settings.base",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "test-only",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_BACKUP_DIR": str(tmp_path / "backups"),
    }

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    made = manage("backup")
    assert made.returncode == 0, made.stderr
    (backup,) = (tmp_path / "backups").iterdir()
    with sqlite3.connect(database) as db:
        db.execute("update note set text = 'sau sự cố'")
    db.close()
    (media / "scans" / "a.pdf").write_bytes(b"%PDF-1.7 overwritten")
    (media / "stray.png").write_bytes(PNG)

    restored = manage("restore", "--noinput", str(backup))

    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("select text from note").fetchall() == [("trước sao lưu",)]
    db.close()
    assert _files(media) == {"scans/a.pdf": PDF}
