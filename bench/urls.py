"""The portal's URLconf plus one bench-only page (ROOT_URLCONF of ``bench.settings`` only).

``/bench/trivial/`` is the throughput figure's peer: a signed-in page that renders ``base.html``
with an empty content block through the full middleware, so the dashboard's requests per second
can be read against what the framework, the session and the page frame cost on their own.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_GET

from atvsld_portal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from atvsld_portal.urls import urlpatterns as portal_urlpatterns

TRIVIAL_SOURCE = '{% extends "base.html" %}{% block content %}{% endblock content %}'
_trivial_template = None


@login_required
@require_GET
def trivial(request: HttpRequest) -> HttpResponse:
    global _trivial_template
    if _trivial_template is None:
        _trivial_template = engines["django"].from_string(TRIVIAL_SOURCE)
    return HttpResponse(_trivial_template.render({}, request))


urlpatterns = [
    *portal_urlpatterns,
    path("bench/trivial/", trivial, name="bench_trivial"),
]
