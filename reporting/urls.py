"""The reporting app: dashboard and explain pages, historical aggregates, the province view."""

from __future__ import annotations

from django.urls import include, path

app_name = "reporting"

urlpatterns = [
    path("", include("reporting.dashboard_urls")),
    path("province/", include("reporting.province_urls")),
    path("historical/", include("reporting.historical_urls")),
    path("reports/", include("reporting.report_urls")),
]
