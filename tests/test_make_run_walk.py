"""The `make run` path: a fresh SQLite file, eager Celery, the demo data, every page as every
demo account. Grows with every issue (the crawl follows every link the pages show)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
COPIED = [
    "atvsld_portal",
    "enterprises",
    "incidents",
    "plans",
    "reporting",
    "templates",
    "static",
    "locale",
    "manage.py",
]
# Exactly what the Makefile exports for `make run` (and nothing about PostgreSQL or Redis).
MAKE_RUN_ENV = {
    "DJANGO_DEBUG": "1",
    "DJANGO_SECRET_KEY": "dev-only-insecure-secret-key",
    "DEMO_DATA_ALLOWED": "1",
}
EXPECTED_HOME = {
    "canbo.ealy": "Xã Ea Ly",
    "lanhdao.ealy": "Xã Ea Ly",
    "congan.ealy": "Xã Ea Ly",
    "vhtt.ealy": "Xã Ea Ly",
    "mttq.ealy": "Xã Ea Ly",
    "dn.ealy1": "Xã Ea Ly",
    "dn.ealy2": "Xã Ea Ly",
    "canbo.eaba": "Xã Ea Bá",
    "tinh.daklak": "Tỉnh Đắk Lắk",
}


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    root = tmp_path_factory.mktemp("make-run")
    for name in COPIED:
        source = BASE_DIR / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, root / name)
    shutil.copy(BASE_DIR / "tests" / "walk_demo_pages.py", root / "walk_demo_pages.py")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
    }
    env.update(MAKE_RUN_ENV)

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        return result.stdout

    run("manage.py", "migrate", "--noinput", "-v0")
    run("manage.py", "load_demo")
    # Loading twice changes nothing and fails nothing (idempotent by natural keys).
    run("manage.py", "load_demo", "--quiet-accounts")
    assert (root / "var" / "db.sqlite3").exists()
    return json.loads(run("walk_demo_pages.py"))


def test_every_account_logs_in(walk):
    assert set(walk) == {*EXPECTED_HOME, "admin"}
    for username, result in walk.items():
        assert "login" not in result, f"{username} could not log in"


def test_every_page_answers_200_for_every_account(walk):
    failures = {
        f"{username} {path}": status
        for username, result in walk.items()
        for path, status in result["pages"].items()
        if status != 200
    }
    assert failures == {}


def test_each_account_sees_its_own_commune_or_province(walk):
    for username, unit in EXPECTED_HOME.items():
        assert unit in walk[username]["home"], username
    assert "Xã Ea Bá" not in walk["canbo.ealy"]["home"]


def test_the_walk_reaches_more_than_the_home_page(walk):
    assert "/accounts/password/change/" in walk["canbo.ealy"]["pages"]
