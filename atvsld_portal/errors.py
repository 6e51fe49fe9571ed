"""Vietnamese error pages that extend the base layout."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# Refused before the form is read (DATA_UPLOAD_MAX_NUMBER_FIELDS, DATA_UPLOAD_MAX_NUMBER_FILES,
# DATA_UPLOAD_MAX_MEMORY_SIZE): the limits stay, as a guard against resource exhaustion, and the
# user is told what happened instead of a bare "bad request".
TOO_MUCH_DATA = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def _render(
    request: HttpRequest, template: str, status: int, context: dict | None = None
) -> HttpResponse:
    return HttpResponse(render_to_string(template, context, request=request), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_MUCH_DATA):
        return _render(request, "413.html", 413, {"max_victims": settings.ACCIDENT_MAX_VICTIMS})
    return _render(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    return HttpResponse(render_to_string("500.html"), status=500)
