"""Background jobs: indicator recomputes, the quarterly report beside bare WeasyPrint, and the
accident exports with their peak memory.

Peak memory is the growth of the process's resident set (VmHWM after resetting it through
``/proc/self/clear_refs``, minus VmRSS before), measured in a fresh interpreter per export
(``python -m bench --export KIND``). Resident memory is what a worker's memory limit sees,
including what C code holds (psycopg's result buffers, lxml/openpyxl, zlib), which tracemalloc
does not count; tracemalloc would also slow the export it measures. A fresh process keeps one
export's heap from hiding another's.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from atvsld_portal import pdf as pdf_module
from atvsld_portal.dates import quarter_of
from atvsld_portal.models import AdministrativeUnit, User
from incidents import documents
from incidents.models import Accident, Victim
from reporting import services
from reporting.models import ComputationRun, QuarterlyReport
from reporting.report_services import report_create, report_generate
from reporting.services import commune_shards, indicators_recompute, indicators_recompute_all


def _ealy() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code_provisional="TAM-EA-LY")


def nightly_years() -> list[int]:
    return services.nightly_years(timezone.localdate())


def recompute_one_commune(rounds: int = 3) -> float:
    """Median seconds to recompute one commune (Ea Ly) for the nightly run's years."""
    commune = _ealy()
    totals = []
    for _ in range(rounds):
        start = time.perf_counter()
        for year in nightly_years():
            indicators_recompute(
                commune_id=commune.pk,
                year=year,
                trigger=ComputationRun.Trigger.NIGHTLY,
                follow_next_year=False,
            )
        totals.append(time.perf_counter() - start)
    return statistics.median(totals)


def recompute_all_communes() -> tuple[float, int]:
    """Seconds of the nightly recompute of every commune (its default years) in this one
    process; and its runs."""
    start = time.perf_counter()
    runs = indicators_recompute_all(trigger=ComputationRun.Trigger.NIGHTLY)
    return time.perf_counter() - start, runs


def recompute_shard_in_this_process(commune_ids: list[int]) -> dict:
    """The body of one shard task, once the parent says go (a line on stdin): the processes
    start Django first, so the parent times the shards' work, not interpreter start-up."""
    AdministrativeUnit.objects.exists()  # open the connection before the start
    print("ready", flush=True)
    sys.stdin.readline()
    runs = indicators_recompute_all(
        commune_ids=commune_ids, years=nightly_years(), trigger=ComputationRun.Trigger.NIGHTLY
    )
    return {"runs": runs}


def recompute_all_in_shards() -> tuple[float, int, int]:
    """Seconds of the nightly recompute as the worker runs it: the communes dealt into
    INDICATOR_RECOMPUTE_SHARDS shards (reporting.services.commune_shards), each shard task's body
    in its own process, all started together, as a worker's processes (one per core) take the
    shard tasks; its runs and shards."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    processes = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "bench", "--scale", os.environ["BENCH_SCALE"]),
                *("--recompute-shard", ",".join(map(str, commune_ids))),
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for commune_ids in commune_shards(settings.INDICATOR_RECOMPUTE_SHARDS)
    ]
    for process in processes:
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("a recompute shard did not start")
    start = time.perf_counter()
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate()[0] for process in processes]
    seconds = time.perf_counter() - start
    if any(process.returncode for process in processes):
        raise RuntimeError("a recompute shard failed")
    runs = sum(json.loads(out.strip().splitlines()[-1])["runs"] for out in outputs)
    return seconds, runs, len(processes)


def _last_ended_quarter(today: date) -> tuple[int, int]:
    quarter = quarter_of(today) - 1
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def quarterly_report(rounds: int = 3) -> dict[str, float]:
    """Ea Ly's report of the last ended quarter: the draft (report_create), its generation
    (report_generate, the Celery job's body) and WeasyPrint alone on the HTML the generation
    handed it, with the same stylesheet and fonts. Medians of ``rounds``."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    year, quarter = _last_ended_quarter(timezone.localdate())
    official = User.objects.get(username="canbo.ealy")
    created, generated, bare = [], [], []
    reports = []
    html_seen: list[str] = []
    real_render = pdf_module.render_to_string

    def recording_render(*args, **kwargs):
        html = real_render(*args, **kwargs)
        html_seen.append(html)
        return html

    try:
        for _ in range(rounds):
            start = time.perf_counter()
            report = report_create(
                commune=_ealy(),
                variant=QuarterlyReport.Variant.QUARTERLY,
                year=year,
                quarter=quarter,
                by=official,
            )
            created.append(time.perf_counter() - start)
            reports.append(report)
            QuarterlyReport.objects.filter(pk=report.pk).update(
                status=QuarterlyReport.Status.GENERATING
            )
            html_seen.clear()
            with mock.patch.object(pdf_module, "render_to_string", recording_render):
                start = time.perf_counter()
                ok = report_generate(report_id=report.pk)
                generated.append(time.perf_counter() - start)
            if not ok:
                error = QuarterlyReport.objects.get(pk=report.pk).error
                raise RuntimeError(f"report generation failed: {error}")
        html = html_seen[-1]
        root = pdf_module.static_dir()
        for _ in range(rounds):
            start = time.perf_counter()
            fonts = FontConfiguration()
            stylesheet = CSS(filename=str(root / pdf_module.PDF_STYLESHEET), font_config=fonts)
            HTML(string=html, base_url=f"{root.as_uri()}/").write_pdf(
                stylesheets=[stylesheet], font_config=fonts
            )
            bare.append(time.perf_counter() - start)
    finally:
        for report in reports:
            report.refresh_from_db()
            if report.pdf:
                report.pdf.delete(save=False)
            pk = report.pk
            report.delete()
            QuarterlyReport.history.filter(id=pk).delete()
    return {
        "create": statistics.median(created),
        "generate": statistics.median(generated),
        "weasyprint": statistics.median(bare),
    }


# ------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------
EXPORTS = ("csv", "xlsx", "register_xlsx")


def accidents_for_export():
    """Every declared accident (drafts are not records yet) with what a row shows."""
    return (
        Accident.objects.exclude(status=Accident.Status.DRAFT)
        .select_related("injury_factor", "commune")
        .prefetch_related(Prefetch("victims", queryset=Victim.objects.order_by("pk")))
        .order_by("occurred_at", "pk")
    )


def accident_rows() -> Iterator[list]:
    """One row per victim, built by the accident register's own row builder, streamed."""
    for accident in accidents_for_export().iterator(chunk_size=2000):
        yield from documents.register_rows([accident])


def _run_export(kind: str) -> tuple[int, int]:
    """Run one export to the end; returns (accidents, bytes produced)."""
    from atvsld_portal.exports import csv_response, xlsx_response

    accidents = accidents_for_export().count()
    if kind == "csv":
        response = csv_response("tai-nan.csv", documents.REGISTER_HEADER, accident_rows())
        return accidents, sum(len(chunk) for chunk in response.streaming_content)
    if kind == "xlsx":
        response = xlsx_response("tai-nan.xlsx", documents.REGISTER_HEADER, accident_rows())
        return accidents, sum(len(chunk) for chunk in response.streaming_content)
    if kind == "register_xlsx":
        return accidents, len(documents.register_xlsx(accidents_for_export()))
    raise ValueError(kind)


def _status_kb(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{name} not in /proc/self/status")


def export_in_this_process(kind: str) -> dict:
    import openpyxl  # noqa: F401  (imported before the baseline: not the export's memory)

    Accident.objects.exists()  # open the connection before the baseline
    before = _status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    start = time.perf_counter()
    accidents, size = _run_export(kind)
    seconds = time.perf_counter() - start
    peak = _status_kb("VmHWM")
    return {
        "kind": kind,
        "seconds": seconds,
        "peak_mb": (peak - before) / 1024,
        "accidents": accidents,
        "bytes": size,
    }


def export_in_subprocess(kind: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", os.environ["BENCH_SCALE"], "--export", kind],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"export {kind} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_jobs(echo: Callable[[str], None] = print) -> dict:
    out: dict = {}
    out["recompute_one"] = recompute_one_commune()
    echo(f"  job: recompute one commune            {out['recompute_one']:8.2f} s")
    out["recompute_all"], out["recompute_all_runs"] = recompute_all_communes()
    echo(
        f"  job: recompute all communes, 1 process{out['recompute_all']:8.2f} s"
        f"  ({out['recompute_all_runs']} runs)"
    )
    seconds, runs, shards = recompute_all_in_shards()
    out["recompute_shards"] = {"seconds": seconds, "runs": runs, "shards": shards}
    echo(f"  job: recompute all communes, {shards} shards {seconds:8.2f} s  ({runs} runs)")
    out["report"] = quarterly_report()
    report = out["report"]
    echo(
        f"  job: quarterly report                 {report['generate']:8.2f} s"
        f"  (WeasyPrint alone {report['weasyprint']:.2f} s, draft {report['create']:.2f} s)"
    )
    for kind in EXPORTS:
        out[f"export_{kind}"] = export = export_in_subprocess(kind)
        echo(
            f"  job: export {kind:<26}{export['seconds']:8.2f} s  peak +{export['peak_mb']:.0f} MB"
            f"  ({export['accidents']} accidents, {export['bytes'] / 1e6:.1f} MB)"
        )
    return out
