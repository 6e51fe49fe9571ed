"""URLs of the dashboard pages (included into the "reporting" namespace)."""

from __future__ import annotations

from django.urls import path

from reporting.views import dashboard, explain

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/recompute/", dashboard.recompute, name="recompute"),
    path("explain/<uuid:public_id>/", explain.explain, name="explain"),
]
