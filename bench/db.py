"""The bench database: created, migrated and seeded on demand, reused while its seed still fits.

The database (``BENCH_DATABASE_URL``, default ``atvsld_bench`` on 127.0.0.1 as ``postgres``, with
the scale appended: ``atvsld_bench_100``, ``atvsld_bench_1``) keeps a one-row table
``bench_seed`` with the scale, the seed fingerprint and how long the seed took. A run reuses the
database when both match (after applying any new migration, so an index added by a fix is there
without seeding again) and drops and re-creates it otherwise, or when ``--fresh`` is given. The
fingerprint covers what decides the seeded rows: the bench's seed code, the apps' demo modules
and reference data, the plan text and its loader (Python files by their syntax tree without
docstrings, so formatting, comments and docstrings do not count). Migrations are not in it: they
are applied to a reused database, which is how a fix that adds an index gets measured.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection, connections

SEED_INPUTS = (
    "bench/seed.py",
    "bench/bulk.py",
    "atvsld_portal/demo.py",
    "atvsld_portal/reference.py",
    "enterprises/demo.py",
    "enterprises/reference.py",
    "incidents/demo.py",
    "incidents/reference.py",
    "plans/demo.py",
    "plans/loader.py",
    "plans/seed.py",
    "reporting/demo.py",
)
SEED_GLOBS = ("plans/seed/*",)


def fingerprint(percent: int) -> str:
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256(f"scale={percent}".encode())
    paths = [base / name for name in SEED_INPUTS]
    for pattern in SEED_GLOBS:
        paths += sorted(base.glob(pattern))
    for path in paths:
        if path.is_file():
            digest.update(str(path.relative_to(base)).encode())
            digest.update(_content(path))
    return digest.hexdigest()[:16]


def _content(path: Path) -> bytes:
    """Python sources by their syntax tree without docstrings, so reformatting, a comment or a
    docstring does not re-seed."""
    if path.suffix != ".py":
        return path.read_bytes()
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree).encode()


def _admin_conninfo() -> tuple[str, str]:
    db = settings.DATABASES["default"]
    conninfo = psycopg.conninfo.make_conninfo(
        host=db.get("HOST") or "127.0.0.1",
        port=str(db.get("PORT") or 5432),
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
    )
    return conninfo, db["NAME"]


def database_exists() -> bool:
    conninfo, name = _admin_conninfo()
    with psycopg.connect(conninfo, autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def recreate_database() -> None:
    connections.close_all()
    conninfo, name = _admin_conninfo()
    if "bench" not in name:
        raise RuntimeError(f"Refusing to drop {name!r}: a bench database's name has 'bench' in it.")
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def seed_info() -> dict | None:
    """What the database was seeded with, or None when it was not (completely)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_seed') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT info FROM bench_seed LIMIT 1")
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def record_seed(info: dict) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_seed (info jsonb NOT NULL)")
        cursor.execute("DELETE FROM bench_seed")
        cursor.execute("INSERT INTO bench_seed (info) VALUES (%s::jsonb)", [json.dumps(info)])
