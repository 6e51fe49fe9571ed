"""The `make run` path, run in a scratch copy of the checkout: migrate a fresh SQLite file, load
the demo twice, then crawl every page as every demo account (tests/walk_demo_pages.py). Nothing
about PostgreSQL or Redis reaches it; Celery runs eagerly, as `make run` has it.

It takes a minute or two of processor time and touches nothing the other tests use, so when the
suite collects tests/test_make_run_walk.py after other tests, ``start_in_background``
(from tests/conftest.py) starts it at once on its own thread and processes: it runs on the
processor the single-process suite leaves idle, and the walk's tests only wait for what is left
of it. Set MAKE_RUN_IN_BACKGROUND=0 to run it in the walk's fixture instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
WALK_MODULE = "test_make_run_walk.py"
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
COMMAND_TIMEOUT = 1200  # seconds; generous, as a background run shares the machine
BACKGROUND_NICENESS = 5  # the suite's own processes come first


def _kill_group(process: subprocess.Popen) -> None:
    """Kill a command we started and what it started (the walk's workers share its group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


class MakeRun:
    """One run of the `make run` path; ``result()`` waits for it and returns the crawl."""

    def __init__(self, *, walk_workers: int | None = None, niceness: int = 0) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="atvsld-make-run-"))
        self.walk_workers = walk_workers
        self.niceness = niceness
        self._process: subprocess.Popen | None = None
        self._stopping = False
        self._result: dict | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="make-run", daemon=True)

    def start(self) -> MakeRun:
        self._thread.start()
        return self

    def result(self, timeout: float = 3 * COMMAND_TIMEOUT) -> dict:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the make-run walk did not finish within {timeout} s")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def stop(self) -> None:
        """Stop what still runs (the suite ended before the walk's tests) and remove the copy."""
        self._stopping = True
        for _attempt in range(3):
            process = self._process
            if process is not None and process.poll() is None:
                _kill_group(process)
            self._thread.join(10)
            if not self._thread.is_alive():
                break
        shutil.rmtree(self.root, ignore_errors=True)

    # --------------------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
            and k != "PYTHONDONTWRITEBYTECODE"
        }
        env.update(MAKE_RUN_ENV)
        # The four processes compile the code once between them, outside the checkout.
        env["PYTHONPYCACHEPREFIX"] = str(self.root / "pycache")
        if self.walk_workers is not None:
            env["WALK_WORKERS"] = str(self.walk_workers)
        return env

    def _command(self, *args: str) -> str:
        if self._stopping:
            raise RuntimeError("the suite ended before the make-run walk")
        prefix = (
            ["nice", "-n", str(self.niceness)] if self.niceness and shutil.which("nice") else []
        )
        self._process = subprocess.Popen(
            [*prefix, sys.executable, *args],
            cwd=self.root / "checkout",
            env=self._env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # one process group, so ``stop`` reaches the workers
        )
        try:
            stdout, stderr = self._process.communicate(timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill_group(self._process)
            stdout, stderr = self._process.communicate()
        assert self._process.returncode == 0, f"{args}: {stdout}\n{stderr}"
        return stdout

    def _run(self) -> None:
        try:
            checkout = self.root / "checkout"
            for name in COPIED:
                source = BASE_DIR / name
                if source.is_dir():
                    shutil.copytree(
                        source, checkout / name, ignore=shutil.ignore_patterns("__pycache__")
                    )
                else:
                    checkout.mkdir(parents=True, exist_ok=True)
                    shutil.copy(source, checkout / name)
            shutil.copy(BASE_DIR / "tests" / "walk_demo_pages.py", checkout / "walk_demo_pages.py")
            self._command("manage.py", "migrate", "--noinput", "-v0")
            self._command("manage.py", "load_demo")
            # Loading twice changes nothing and fails nothing (idempotent by natural keys).
            self._command("manage.py", "load_demo", "--quiet-accounts")
            assert (checkout / "var" / "db.sqlite3").exists()
            self._result = json.loads(self._command("walk_demo_pages.py"))
        except BaseException as exc:  # handed to the test that waits for the result
            self._error = exc


# ------------------------------------------------------------------------------
# Background start (hooks in tests/conftest.py)
# ------------------------------------------------------------------------------
STASH = pytest.StashKey[MakeRun]()


def start_in_background(session: pytest.Session) -> None:
    """Start the run if tests that need the walk are collected after other tests."""
    if os.environ.get("MAKE_RUN_IN_BACKGROUND", "1") == "0" or session.config.option.collectonly:
        return
    first = next(
        (
            index
            for index, item in enumerate(session.items)
            if item.path.name == WALK_MODULE and "walk" in getattr(item, "fixturenames", ())
        ),
        0,
    )
    if not first:
        return  # not needed, or no test before it to overlap with: the fixture runs it
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # The suite keeps one processor busy: the crawl takes the others.
    run = MakeRun(walk_workers=max(1, (cpus or 1) - 1), niceness=BACKGROUND_NICENESS)
    session.config.stash[STASH] = run.start()


def stop_background(session: pytest.Session) -> None:
    run = session.config.stash.get(STASH, None)
    if run is not None:
        run.stop()


def walk_result(config: pytest.Config) -> dict:
    """The crawl: from the background run if one was started, else run now."""
    run = config.stash.get(STASH, None)
    if run is None:
        run = config.stash[STASH] = MakeRun().start()
    try:
        return run.result()
    finally:
        run.stop()
