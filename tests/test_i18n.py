"""The Vietnamese catalogue is complete: every UI string of the code is translated, none fuzzy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PO_PATH = Path("locale") / "vi" / "LC_MESSAGES" / "django.po"
SOURCES = [
    "atvsld_portal",
    "enterprises",
    "incidents",
    "plans",
    "reporting",
    "templates",
    "locale",
    "manage.py",
]


def _problems(po_file: Path) -> tuple[str, str]:
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-wrap", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return untranslated.strip(), fuzzy.strip()


def test_committed_catalogue_has_no_untranslated_or_fuzzy_entry():
    assert _problems(BASE_DIR / PO_PATH) == ("", "")


def test_catalogue_covers_every_string_in_the_code(tmp_path):
    """makemessages on a copy of the code adds nothing untranslated to the catalogue."""
    for name in SOURCES:
        source = BASE_DIR / name
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        else:
            shutil.copy(source, tmp_path / name)
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": "i18n-check"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    untranslated, fuzzy = _problems(tmp_path / PO_PATH)
    assert untranslated == "", f"Run makemessages and translate:\n{untranslated}"
    assert fuzzy == "", f"Fuzzy entries after makemessages:\n{fuzzy}"
