"""Core views: the role-based home and the health check."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from atvsld_portal.models import ResponsibleUnit, WorkerHeartbeat
from atvsld_portal.navigation import home_url_for
from atvsld_portal.pdf import pdf_engine_status


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its home page; until that page exists, show who and where they are."""
    url = home_url_for(request.user)
    if url is not None and url != request.path:
        return redirect(url)
    units = ResponsibleUnit.objects.filter(members=request.user).select_related("village")
    return render(request, "core/home.html", {"responsible_units": units})


def _check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, type(exc).__name__
    return True, connection.vendor


def _check_broker() -> tuple[bool, str] | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
    except Exception as exc:
        return False, type(exc).__name__
    return True, "redis"


def _worker_last_seen() -> str | None:
    heartbeat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    return heartbeat.seen_at.isoformat() if heartbeat else None


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Public health check: no personal data, 200 when healthy, 503 when not."""
    checks: dict[str, dict] = {}
    ok, detail = _check_database()
    checks["database"] = {"ok": ok, "detail": detail}
    broker = _check_broker()
    if broker is not None:
        checks["broker"] = {"ok": broker[0], "detail": broker[1]}
    ok, detail = pdf_engine_status()
    checks["pdf"] = {"ok": ok, "detail": detail}
    healthy = all(check["ok"] for check in checks.values())
    body = {
        "status": "ok" if healthy else "error",
        "version": settings.PORTAL_VERSION,
        "checks": checks,
        # Informational: beat makes a worker record a heartbeat every minute.
        "worker_last_seen": _worker_last_seen() if checks["database"]["ok"] else None,
    }
    return JsonResponse(body, status=200 if healthy else 503)
