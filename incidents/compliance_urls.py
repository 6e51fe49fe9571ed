"""URLs of the filing compliance table (mounted at /statistics/compliance/)."""

from __future__ import annotations

from django.urls import path

from incidents.views import compliance

app_name = "compliance"

urlpatterns = [
    path("", compliance.compliance_table_view, name="table"),
    path("export.csv", compliance.compliance_table_csv, name="table_csv"),
]
