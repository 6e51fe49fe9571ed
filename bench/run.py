"""``python -m bench --scale 1|10|100``: seed (or reuse) the bench database, measure the pages,
the jobs and the throughput, print a table and write ``bench/results.json``.

The JSON has the shape issue 10 gives, so any script can check it::

    {"revision", "scale", "cores",
     "figures": [{"name", "value", "unit", "floor", "ratio", "max_value", "max_ratio"}]}

``floor`` is the figure's floor or peer measured in the same run (a page: replaying its SQL; the
quarterly report: WeasyPrint alone; the enterprise search: the admin changelist; the dashboard's
requests per second: the trivial page's), ``ratio`` is value / floor, except for throughput where
it is the trivial page's req/s / the dashboard's, so lower is better everywhere. ``max_value``
and ``max_ratio`` are the issue's targets, null where none applies.

Each run also keeps a copy per scale in ``var/bench/results-<scale>.json``; the query counts of
the pages are compared with the other scales' copies (``--check-constant`` does only that and
fails when a count differs).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.json"
SCALES = (1, 10, 100)
SEED_MAX_S = 180.0
RECOMPUTE_ALL_MAX_S = 10.0
REPORT_MAX_S = 3.0
REPORT_MAX_RATIO = 1.3
EXPORT_MAX_MB = 150.0
THROUGHPUT_MAX_RATIO = 2.0  # the dashboard serves at least half the trivial page's req/s


def echo(text: str = "") -> None:
    print(text, flush=True)


def revision() -> str:
    """The checked-out commit, read from .git without running git."""
    git = BASE_DIR / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if (git / ref).is_file():
            return (git / ref).read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        pass
    return "unknown"


def figure(name, value, unit, floor=None, ratio=None, max_value=None, max_ratio=None) -> dict:
    def rounded(x):
        return None if x is None else round(float(x), 3)

    if ratio is None and floor:
        ratio = value / floor
    return {
        "name": name,
        "value": rounded(value),
        "unit": unit,
        "floor": rounded(floor),
        "ratio": rounded(ratio),
        "max_value": rounded(max_value),
        "max_ratio": rounded(max_ratio),
    }


def failed(item: dict) -> bool:
    over_value = item["max_value"] is not None and item["value"] > item["max_value"]
    over_ratio = (
        item["max_ratio"] is not None
        and item["ratio"] is not None
        and item["ratio"] > item["max_ratio"]
    )
    return over_value or over_ratio


def print_table(figures: list[dict]) -> None:
    def cell(x):
        return "-" if x is None else f"{x:,.2f}"

    width = max(len(f["name"]) for f in figures)
    echo(
        f"{'figure':<{width}}  {'value':>11} {'unit':<8} {'floor/peer':>11} {'ratio':>7}"
        f" {'max':>9} {'max ratio':>9}"
    )
    for f in figures:
        echo(
            f"{f['name']:<{width}}  {cell(f['value']):>11} {f['unit']:<8} {cell(f['floor']):>11}"
            f" {cell(f['ratio']):>7} {cell(f['max_value']):>9} {cell(f['max_ratio']):>9}"
            + ("  OVER" if failed(f) else "")
        )


# ------------------------------------------------------------------------------
# Database
# ------------------------------------------------------------------------------
def prepare_database(percent: int, fresh: bool) -> dict:
    """Reuse the seeded database when it fits, else create, migrate and seed it."""
    from django.core.management import call_command

    from bench import db
    from bench.seed import seed

    wanted = db.fingerprint(percent)
    info = db.seed_info() if db.database_exists() else None
    if info and info.get("fingerprint") == wanted and not fresh:
        echo(f"Reusing the bench database seeded at {percent} % on {info['seeded_on']}.")
        call_command("migrate", verbosity=0)
        return info
    echo(f"Creating the bench database and seeding it at {percent} %.")
    db.recreate_database()
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - start
    echo(f"  migrate {migrate_s:.1f} s")
    steps = seed(percent, echo=echo)
    indicators = {k: v for k, v in steps.items() if k.startswith("indicators")}
    info = {
        "fingerprint": wanted,
        "percent": percent,
        "revision": revision(),
        "seeded_on": time.strftime("%Y-%m-%d %H:%M"),
        "seed_s": sum(v for k, v in steps.items() if k not in indicators),
        "indicators_s": sum(indicators.values()),
        "steps": steps,
    }
    db.record_seed(info)
    return info


def collect_static() -> None:
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = max(p.stat().st_mtime for p in (BASE_DIR / "static").rglob("*") if p.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        call_command("collectstatic", interactive=False, verbosity=0)


# ------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------
def page_figures(results) -> list[dict]:
    from bench.pages import PAGE_MAX_MS

    out = []
    by_name = {r.page.name: r for r in results}
    for r in results:
        is_peer = bool(r.page.peer_of)
        out.append(
            figure(
                f"page {r.page.name} p95",
                r.p95_ms,
                "ms",
                r.floor_ms,
                max_value=None if is_peer else PAGE_MAX_MS,
                max_ratio=None if is_peer else r.max_ratio,
            )
        )
        out.append(figure(f"page {r.page.name} median", r.median_ms, "ms", r.floor_ms))
        out.append(figure(f"page {r.page.name} queries", r.queries, "queries"))
    for r in results:
        if r.page.peer_of and r.page.peer_of in by_name:
            subject = by_name[r.page.peer_of]
            out.append(
                figure(
                    f"{subject.page.name} p95 vs {r.page.name}",
                    subject.p95_ms,
                    "ms",
                    r.p95_ms,
                    max_ratio=1.0,
                )
            )
    return out


def job_figures(jobs: dict) -> list[dict]:
    report = jobs["report"]
    shards = jobs["recompute_shards"]
    out = [
        figure("job recompute one commune (2 years)", jobs["recompute_one"], "s"),
        figure(
            f"job recompute all communes, one process ({jobs['recompute_all_runs']} runs)",
            jobs["recompute_all"],
            "s",
        ),
        figure(
            f"job recompute all communes, {shards['shards']} shards side by side"
            f" ({shards['runs']} runs)",
            shards["seconds"],
            "s",
            max_value=RECOMPUTE_ALL_MAX_S,
        ),
        figure(
            "job quarterly report generation",
            report["generate"],
            "s",
            report["weasyprint"],
            max_value=REPORT_MAX_S,
            max_ratio=REPORT_MAX_RATIO,
        ),
        figure("job quarterly report draft (report_create)", report["create"], "s"),
        figure("job quarterly report WeasyPrint alone", report["weasyprint"], "s"),
    ]
    labels = {
        "csv": "CSV (core csv_response)",
        "xlsx": "xlsx (core xlsx_response)",
        "register_xlsx": "xlsx (register_xlsx helper)",
    }
    for kind, label in labels.items():
        export = jobs[f"export_{kind}"]
        out.append(figure(f"job export accidents {label}", export["seconds"], "s"))
        out.append(
            figure(
                f"job export accidents {label} peak memory",
                export["peak_mb"],
                "MB",
                max_value=EXPORT_MAX_MB,
            )
        )
    return out


def throughput_figures(loads: dict) -> list[dict]:
    dashboard, trivial = loads["dashboard"], loads["trivial"]
    return [
        figure(
            "throughput dashboard",
            dashboard.requests_per_s,
            "req/s",
            trivial.requests_per_s,
            ratio=trivial.requests_per_s / dashboard.requests_per_s,
            max_ratio=THROUGHPUT_MAX_RATIO,
        ),
        figure("throughput dashboard p99", dashboard.p99_ms, "ms"),
        figure("throughput trivial page", trivial.requests_per_s, "req/s"),
        figure("throughput trivial page p99", trivial.p99_ms, "ms"),
    ]


# ------------------------------------------------------------------------------
# Constant query counts across scales
# ------------------------------------------------------------------------------
def saved_results(bench_dir: Path) -> dict[int, dict]:
    found = {}
    for percent in SCALES:
        path = bench_dir / f"results-{percent}.json"
        if path.exists():
            found[percent] = json.loads(path.read_text())
    return found


def compare_query_counts(bench_dir: Path) -> bool:
    """Print the pages' query counts at every saved scale; True when they are all equal."""
    saved = saved_results(bench_dir)
    if len(saved) < 2:
        echo("Query counts: only one scale measured so far; nothing to compare.")
        return True
    counts: dict[str, dict[int, int]] = {}
    for percent, result in saved.items():
        for f in result["figures"]:
            if f["unit"] == "queries":
                counts.setdefault(f["name"], {})[percent] = int(f["value"])
    constant = True
    echo("Queries per page by scale: " + "  ".join(f"{p} %" for p in saved))
    for name, by_scale in counts.items():
        same = len(set(by_scale.values())) == 1 and len(by_scale) == len(saved)
        constant &= same
        values = "  ".join(str(by_scale.get(p, "-")) for p in saved)
        echo(f"  {name:<40} {values}" + ("" if same else "   DIFFERS"))
    return constant


# ------------------------------------------------------------------------------
# Profiling one page
# ------------------------------------------------------------------------------
def profile_page(name: str, requests: int) -> None:
    from bench.pages import _get, client_for, page_list

    pages = {p.name: p for p in page_list()}
    if name not in pages:
        raise SystemExit(f"No page {name!r}; pages: {', '.join(pages)}")
    page = pages[name]
    client = client_for(page.username)
    _get(client, page.path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        _get(client, page.path)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


# ------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, choices=SCALES, default=100, help="percent")
    parser.add_argument("--fresh", action="store_true", help="re-create and re-seed the database")
    parser.add_argument(
        "--only",
        action="append",
        choices=("pages", "jobs", "throughput"),
        help="measure only these parts (repeatable); default all",
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument(
        "--check-constant",
        action="store_true",
        help="compare the saved query counts of every scale and fail when one differs",
    )
    parser.add_argument("--profile", metavar="PAGE", help="cProfile a page of the seeded database")
    parser.add_argument(
        "--export", choices=("csv", "xlsx", "register_xlsx"), help=argparse.SUPPRESS
    )
    parser.add_argument("--recompute-shard", metavar="IDS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["BENCH_SCALE"] = str(args.scale)
    import django

    django.setup()
    from django.conf import settings

    bench_dir = Path(settings.BENCH_DIR)
    if args.export:
        from bench.jobs import export_in_this_process

        print(json.dumps(export_in_this_process(args.export)))
        return 0
    if args.recompute_shard:
        from bench.jobs import recompute_shard_in_this_process

        ids = [int(pk) for pk in args.recompute_shard.split(",")]
        print(json.dumps(recompute_shard_in_this_process(ids)))
        return 0
    if args.check_constant:
        return 0 if compare_query_counts(bench_dir) else 1

    started = time.perf_counter()
    info = prepare_database(args.scale, args.fresh)
    collect_static()
    if args.profile:
        profile_page(args.profile, max(args.requests // 3, 5))
        return 0

    from bench.jobs import run_jobs
    from bench.pages import measure, page_list
    from bench.throughput import run_throughput

    parts = args.only or ["pages", "jobs", "throughput"]
    figures = [
        figure("seed (load_demo + bulk)", info["seed_s"], "s", max_value=SEED_MAX_S),
        figure("seed indicators (every commune, 3 years)", info["indicators_s"], "s"),
    ]
    if "pages" in parts:
        echo("Pages:")
        results = [measure(page, requests=args.requests, echo=echo) for page in page_list()]
        figures += page_figures(results)
    if "jobs" in parts:
        echo("Jobs:")
        figures += job_figures(run_jobs(echo=echo))
    if "throughput" in parts:
        echo("Throughput:")
        figures += throughput_figures(run_throughput(echo=echo))

    result = {
        "revision": revision(),
        "scale": args.scale,
        "cores": os.cpu_count(),
        "figures": figures,
    }
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    RESULTS.write_text(text)
    bench_dir.mkdir(parents=True, exist_ok=True)
    if "pages" in parts:
        (bench_dir / f"results-{args.scale}.json").write_text(text)
    echo()
    print_table(figures)
    echo()
    compare_query_counts(bench_dir)
    over = sum(failed(f) for f in figures)
    echo(
        f"\n{len(figures)} figures, {over} over their target; wrote {RESULTS.relative_to(BASE_DIR)}"
        f" in {time.perf_counter() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
