"""Request helpers for security features."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for login throttling (django-axes).

    Behind the configured reverse proxy (``DJANGO_AXES_BEHIND_PROXY``) it is the right-most
    ``X-Forwarded-For`` entry: the one our proxy appended, which a client cannot forge.
    Otherwise the socket address; a forged header is ignored.
    """
    if settings.AXES_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")
