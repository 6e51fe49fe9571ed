"""URLs of the historical pages (included into the "reporting" namespace)."""

from __future__ import annotations

from django.urls import path

from reporting.views import historical

urlpatterns = [
    path("", historical.historical_list, name="historical_list"),
    path("new/", historical.historical_create, name="historical_create"),
    path("<uuid:public_id>/", historical.historical_detail, name="historical_detail"),
    path("<uuid:public_id>/edit/", historical.historical_edit, name="historical_edit"),
    path("<uuid:public_id>/scan/", historical.historical_scan, name="historical_scan"),
]
