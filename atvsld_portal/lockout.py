"""Login lockout (django-axes): a username from one address, and the address as a whole.

django-axes locks a username tried from one address after ``AXES_FAILURE_LIMIT`` failures
(``AXES_LOCKOUT_PARAMETERS``). :class:`PortalAxesHandler` adds a second lock with its own, higher
limit: ``AXES_IP_FAILURE_LIMIT`` failures from one address over any usernames. Both last
``AXES_COOLOFF_TIME``. The reasons are in the AXES section of the settings.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

ADDRESS_SCOPE = "address"


class PortalAxesHandler(AxesDatabaseHandler):
    """The database handler of django-axes plus the address-wide lock."""

    def address_failures(self, request: HttpRequest) -> int:
        """Failures from the request's address within the cool-off, whatever the username."""
        attempts = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        )
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def is_address_locked(self, request: HttpRequest) -> bool:
        return (
            settings.AXES_LOCK_OUT_AT_FAILURE
            and self.address_failures(request) >= settings.AXES_IP_FAILURE_LIMIT
        )

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if self.is_address_locked(request):
            request.axes_lockout_scope = ADDRESS_SCOPE
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials) or not self.is_address_locked(request):
            return
        request.axes_lockout_scope = ADDRESS_SCOPE
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The Vietnamese lockout page (AXES_LOCKOUT_CALLABLE), saying which lock applies."""
    context = {
        "by_address": getattr(request, "axes_lockout_scope", "") == ADDRESS_SCOPE,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
