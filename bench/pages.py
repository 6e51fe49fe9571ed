"""Server time of the portal's main pages, each beside its floor.

Every page is requested through ``django.test.Client`` (the full middleware stack, DEBUG off, a
session signed in with ``force_login`` as the role that uses the page, ``X-Forwarded-Proto:
https`` as the TLS proxy sends it): a few warm-up requests, then at least 30 timed ones, giving
the median and the 95th percentile. One more request runs under ``CaptureQueriesContext`` (the
query count) and an execute wrapper that keeps each statement with its parameters; the page's
floor is the time the database and the driver need to run those same statements again through
the connection's raw psycopg cursor (fetching every row), inside a transaction rolled back
after each replay, median of several replays. What the page costs above its floor is Python:
the ORM building objects, the view's own loops, the templates.

The dashboard is measured twice: as served (its body comes from the cache while nothing it shows
changes) and with the cache emptied before every request, which is what the first reader after a
computation run or a plan change pays.
"""

from __future__ import annotations

import math
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from atvsld_portal.indicators import IndicatorCode
from atvsld_portal.models import AdministrativeUnit, User
from enterprises.models import Enterprise
from incidents.models import Accident
from plans.models import Plan
from reporting.models import IndicatorValue

SEARCH = "cong ty da"  # without marks: finds "Công ty Đá …" and "Công ty Đầu tư …"
PAGE_MAX_MS = 150.0
PAGE_SLACK_MS = 60.0
PAGE_MAX_FLOOR_RATIO = 3.0
HEADERS = {"x-forwarded-proto": "https"}


@dataclass
class Page:
    name: str
    username: str
    path: str
    peer_of: str = ""  # the admin changelist is the peer of the enterprise search
    cold_cache: bool = False  # the cache is emptied before each request (nothing reused)


@dataclass
class PageResult:
    page: Page
    median_ms: float
    p95_ms: float
    floor_ms: float
    queries: int
    queries_stable: bool
    samples: list[float] = field(default_factory=list)
    bytes: int = 0

    @property
    def max_ratio(self) -> float:
        return max(PAGE_MAX_FLOOR_RATIO, (self.floor_ms + PAGE_SLACK_MS) / self.floor_ms)


def _ealy() -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code_provisional="TAM-EA-LY")


def showcase_accident(commune: AdministrativeUnit) -> Accident:
    """The commune's first received accident with several victims: one of the demo's, so the
    same record at every scale (the seed gives its victims personal IDs, so the page logs the
    view of personal data as it does for a real record)."""
    return (
        Accident.objects.filter(commune=commune, status=Accident.Status.RECEIVED)
        .annotate(victim_count=Count("victims"))
        .filter(victim_count__gte=2)
        .order_by("pk")
        .first()
    )


def page_list() -> list[Page]:
    """The pages and the objects they show: Ea Ly's, as its official (canbo.ealy) sees them;
    the province view as the province viewer; the search over the whole province."""
    ealy = _ealy()
    enterprise = Enterprise.objects.get(commune=ealy, name="Công ty TNHH Khai thác Đá Ea Lâm")
    accident = showcase_accident(ealy)
    plan = Plan.objects.filter(commune=ealy, status=Plan.Status.IN_FORCE).order_by("pk").first()
    value = IndicatorValue.objects.get(
        commune=ealy,
        year=timezone.localdate().year,
        quarter=0,
        code=IndicatorCode.FATALITY_FREQUENCY,
    )
    return [
        Page("dashboard", "canbo.ealy", reverse("reporting:dashboard")),
        Page(
            "dashboard, cache cold", "canbo.ealy", reverse("reporting:dashboard"), cold_cache=True
        ),
        Page(
            "enterprise list (filter)",
            "canbo.ealy",
            reverse("enterprises:list") + "?harmful=yes&status=active&sort=-workers",
        ),
        Page(
            "enterprise list (search)", "tinh.daklak", reverse("enterprises:list") + "?q=cong+ty+da"
        ),
        Page(
            "admin changelist (search)",
            "admin",
            reverse("admin:enterprises_enterprise_changelist") + "?q=cong+ty+da",
            peer_of="enterprise list (search)",
        ),
        Page("enterprise detail", "canbo.ealy", enterprise.get_absolute_url()),
        Page("accident inbox", "canbo.ealy", reverse("incidents:inbox")),
        Page("accident detail", "canbo.ealy", accident.get_absolute_url()),
        Page("plan matrix", "canbo.ealy", plan.get_absolute_url()),
        Page("compliance table", "canbo.ealy", reverse("compliance:table")),
        Page("province view", "tinh.daklak", reverse("reporting:province")),
        Page("explain", "canbo.ealy", value.get_absolute_url()),
    ]


def client_for(username: str) -> Client:
    client = Client(headers=HEADERS, raise_request_exception=True)
    client.force_login(User.objects.get(username=username))
    return client


def _get(client: Client, path: str) -> int:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


class _Recorder:
    """An execute wrapper that keeps every statement with its parameters."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, object, bool]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)


def capture(client: Client, page: Page) -> tuple[int, list[tuple[str, object, bool]]]:
    recorder = _Recorder()
    if page.cold_cache:
        cache.clear()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(recorder):
        _get(client, page.path)
    return len(captured.captured_queries), recorder.statements


def _fresh_ids(sql: str, params: object) -> object:
    """An INSERT's UUIDs replaced by new ones: the captured request committed its row (a
    personal-data view, say), so the same public_id again would break its unique index."""
    if not sql.lstrip().upper().startswith("INSERT") or not isinstance(params, list | tuple):
        return params
    return _renew_uuids(params)


def _renew_uuids(value: object) -> object:
    """Every UUID in ``value`` replaced, also inside the arrays of a bulk insert (UNNEST)."""
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, list | tuple):
        return type(value)(_renew_uuids(item) for item in value)
    return value


def replay(statements: list[tuple[str, object, bool]], rounds: int = 9) -> float:
    """Median seconds to run ``statements`` again through the raw psycopg cursor."""
    statements = [(sql, _fresh_ids(sql, params), many) for sql, params, many in statements]
    totals = []
    for _ in range(rounds):
        with transaction.atomic():
            raw = connection.cursor().cursor
            start = time.perf_counter()
            for sql, params, many in statements:
                if many:
                    raw.executemany(sql, params)
                else:
                    raw.execute(sql, params)
                    if raw.description is not None:
                        raw.fetchall()
            totals.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    return statistics.median(totals)


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def measure(
    page: Page, *, requests: int = 30, warmup: int = 3, echo: Callable[[str], None] = print
) -> PageResult:
    client = client_for(page.username)
    size = 0
    for _ in range(warmup):
        size = _get(client, page.path)
    queries, statements = capture(client, page)
    again, _statements = capture(client, page)
    samples = []
    for _ in range(requests):
        if page.cold_cache:
            cache.clear()
        start = time.perf_counter()
        _get(client, page.path)
        samples.append((time.perf_counter() - start) * 1000)
    floor_ms = replay(statements) * 1000
    result = PageResult(
        page=page,
        median_ms=statistics.median(samples),
        p95_ms=percentile(samples, 0.95),
        floor_ms=floor_ms,
        queries=queries,
        queries_stable=queries == again,
        samples=samples,
        bytes=size,
    )
    echo(
        f"  page: {page.name:<26} median {result.median_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms"
        f"  floor {floor_ms:6.1f} ms  {queries:3d} queries"
        + ("" if result.queries_stable else f" (then {again})")
    )
    return result
