"""Rate limits for public forms: a fixed window per action and client address in the cache.

``settings.RATE_LIMITS`` maps an action to ``(requests, seconds)``. Each counted request adds one
to the counter of the current window (``cache.incr``, atomic in Redis, shared by every gunicorn
worker); past the limit the view is not called and the client gets a Vietnamese 429 page with
``Retry-After``. The address is the one login throttling uses (:func:`client_ip`), so a proxy is
handled the same way. If the cache itself fails, the request passes: the limit is a brake on
abuse, and a public form must not go down with Redis.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from atvsld_portal.security import client_ip

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


def rate_limit_hit(*, action: str, address: str, now: float | None = None) -> Verdict:
    """Count one request of ``action`` from ``address``; say whether it is within the limit."""
    limit, period = settings.RATE_LIMITS[action]
    now = time.time() if now is None else now
    window = int(now // period)
    retry_after = max(1, math.ceil((window + 1) * period - now))
    key = f"ratelimit:{action}:{address}:{window}"
    try:
        # add() is a no-op when the key exists; the timeout only outlives the window.
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=period + 1)
            count = 1
    except Exception:  # the cache is down: let the request through
        logger.warning("Rate limit for %s not checked: the cache is unavailable.", action)
        return Verdict(allowed=True, retry_after=0)
    return Verdict(allowed=count <= limit, retry_after=retry_after)


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    context = {"retry_minutes": max(1, math.ceil(retry_after / 60))}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def rate_limit(action: str, *, methods: Iterable[str] = ("POST",)) -> Callable:
    """Decorate a view so that requests with one of ``methods`` count towards ``action``."""
    if action not in settings.RATE_LIMITS:
        raise KeyError(f"No rate limit is configured for {action!r} (settings.RATE_LIMITS).")
    counted = {method.upper() for method in methods}

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in counted:
                address = client_ip(request) or "unknown"
                verdict = rate_limit_hit(action=action, address=address)
                if not verdict.allowed:
                    logger.warning("Rate limit %s reached by %s.", action, address)
                    return too_many_requests(request, retry_after=verdict.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
