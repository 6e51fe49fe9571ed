"""Faults around the background work, injected for real (issue 9, deliverable 5).

- The broker is down (the app points at a closed port) while bob submits his declaration
  through the page: the declaration is saved with its receipt number and the success page comes
  at once; the notification and the recompute wait in the outbox, and go out through a real
  worker after the sweep once the broker is back.
- The worker is killed (SIGKILL, the whole prefork worker) in the middle of generating a
  quarterly report: the broker redelivers the job (late acknowledgement and a short visibility
  timeout, read by the test settings only), a fresh worker finishes it, and exactly one PDF
  file exists for the report.

The worker of the second test is a real subprocess (``--pool=prefork -c 1``) on the test
database and the run's queue; tests/integration/slow_report_worker.py makes its chart step
slow, so the kill lands while the report shows an intermediate step.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from atvsld_portal.models import Outbox
from atvsld_portal.services import RECOMPUTE_TASK, outbox_sweep
from incidents.models import Accident, Victim
from incidents.services import NOTIFY_TASK, accident_year
from reporting import report_services
from reporting.models import ComputationRun, QuarterlyReport
from tests.incidents.factories import AccidentFactory, VictimFactory
from tests.integration.test_indicator_worker import (  # the broker switch of the indicator tests
    REFUSING_BROKER,
    _use_broker,
    broker,  # noqa: F401 - a fixture, used by name
)
from tests.integration.test_worker import (  # the real worker of the core tests
    _wait_for,
    live_worker,  # noqa: F401 - a fixture, started with request.getfixturevalue
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SUCCESS_WITHIN_SECONDS = 5


# ------------------------------------------------------------------------------
# The broker down while an enterprise submits
# ------------------------------------------------------------------------------
def test_a_declaration_submitted_while_the_broker_is_down_is_kept_and_notified_after_the_sweep(
    broker,  # noqa: F811
    request,
    client,
    officer,
    enterprise,
    enterprise_owner,
    mailoutbox,
):
    officer.email = "alice@ealy.example.vn"
    officer.save(update_fields=["email"])
    accident = AccidentFactory(
        enterprise=enterprise,
        created_by=enterprise_owner,
        occurred_at=timezone.now() - timedelta(hours=3),
    )
    VictimFactory(accident=accident, severity=Victim.Severity.FATAL)
    client.force_login(enterprise_owner)
    url = reverse("incidents:submit", kwargs={"public_id": accident.public_id})

    _use_broker(REFUSING_BROKER)
    started = time.monotonic()
    response = client.post(url, follow=True)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < SUCCESS_WITHIN_SECONDS, f"the success page took {elapsed:.1f} s"
    accident.refresh_from_db()
    assert accident.status == Accident.Status.SUBMITTED
    assert f"Đã gửi khai báo. Số tiếp nhận: {accident.receipt_number}." in response.text
    rows = Outbox.objects.filter(task_name__in=[NOTIFY_TASK, RECOMPUTE_TASK])
    assert sorted(rows.values_list("task_name", flat=True)) == sorted([NOTIFY_TASK, RECOMPUTE_TASK])
    for row in rows:
        assert (row.status, row.attempts) == (Outbox.Status.PENDING, 1), row.task_name
        assert row.last_error
    assert mailoutbox == []
    assert not ComputationRun.objects.exists()

    request.getfixturevalue("live_worker")  # the broker is back, with a worker
    assert outbox_sweep(grace=timedelta(0)) == 2

    assert _wait_for(lambda: len(mailoutbox) == 1)
    assert mailoutbox[0].to == ["alice@ealy.example.vn"]
    year = accident_year(accident)
    assert _wait_for(
        lambda: ComputationRun.objects.filter(
            commune=accident.commune, year=year, status=ComputationRun.Status.DONE
        ).exists()
    )
    assert set(rows.values_list("status", flat=True)) == {Outbox.Status.SENT}


# ------------------------------------------------------------------------------
# A worker killed in the middle of a report
# ------------------------------------------------------------------------------
REPORT_FILES = Path(settings.PRIVATE_MEDIA_ROOT) / "quarterly-reports"
VISIBILITY_TIMEOUT = 3  # seconds; the production value is 10 minutes
Status = QuarterlyReport.Status
CHARTS_STEP = 45  # report_services.report_generate: "Drawing the charts"
RECEIVED = re.compile(r"Task reporting\.tasks\.generate_report_task\[([0-9a-f-]+)\] received")


def _database_url() -> str:
    """The test database pytest-django created (``test_`` + the configured name)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def _start_worker(name: str, log: Path, **env: str) -> subprocess.Popen:
    """``celery worker --pool=prefork -c 1`` through the slow-report wrapper, on the test
    database and this run's queue, in its own process group so that the whole worker (parent
    and child) can be killed at once."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "atvsld_portal.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "ATVSLD_TEST_MEDIA_ROOT": settings.PRIVATE_MEDIA_ROOT,
        "ATVSLD_TEST_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "QUICK_REPORT_LAYOUT": "1",
        **env,
    }
    arguments = [
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        f"--queues={settings.CELERY_TASK_DEFAULT_QUEUE}",
        f"--hostname={name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.integration.slow_report_worker", *arguments],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(worker: subprocess.Popen, sig: signal.Signals) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=5)


def _report_files() -> set[str]:
    return {f"quarterly-reports/{path.name}" for path in REPORT_FILES.glob("*")}


def _state(report: QuarterlyReport) -> tuple[str, int]:
    """(status, progress) as the database has them now."""
    return QuarterlyReport.objects.values_list("status", "progress").get(pk=report.pk)


def _received(log: Path) -> list[str]:
    return RECEIVED.findall(log.read_text(errors="replace"))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a subprocess worker needs PostgreSQL"
)
def test_a_worker_killed_mid_report_is_replaced_and_the_report_ends_with_one_pdf(
    broker,  # noqa: F811
    client,
    officer,
    tmp_path,
):
    today = timezone.localdate()
    report = report_services.report_create(
        commune=officer.commune,
        variant=QuarterlyReport.Variant.QUARTERLY,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
        by=officer,
    )
    files_before = _report_files()
    first_log, second_log = tmp_path / "killed-worker.log", tmp_path / "fresh-worker.log"
    killed = _start_worker("killed", first_log, SLOW_REPORT_STEP_SECONDS="60")
    try:
        client.force_login(officer)
        response = client.post(
            reverse("reporting:report_generate", kwargs={"public_id": report.public_id})
        )
        assert response.status_code == 302
        assert _wait_for(lambda: _state(report) == (Status.GENERATING, CHARTS_STEP), timeout=40), (
            first_log.read_text(errors="replace")
        )
    finally:
        _stop(killed, signal.SIGKILL)  # parent and prefork child, no warm shutdown
    assert killed.returncode == -signal.SIGKILL
    assert _state(report) == (Status.GENERATING, CHARTS_STEP)  # left half done
    assert _report_files() == files_before

    fresh = _start_worker("fresh", second_log, SLOW_REPORT_STEP_SECONDS="0")
    try:
        assert _wait_for(lambda: _state(report)[0] != Status.GENERATING, timeout=45), (
            second_log.read_text(errors="replace")
        )
    finally:
        _stop(fresh, signal.SIGTERM)

    task_ids = _received(first_log)
    assert len(task_ids) == 1
    # The same message, redelivered by the broker (a later redelivery, if the job outlived the
    # short visibility timeout, finds the report ready and does nothing).
    assert set(_received(second_log)) == set(task_ids)
    outbox = Outbox.objects.get(task_name=report_services.GENERATE_TASK)
    assert outbox.status == Outbox.Status.SENT  # published once; nothing swept again
    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == (Status.READY, 100, "")
    assert _report_files() - files_before == {report.pdf.name}  # exactly one file
    with report.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
