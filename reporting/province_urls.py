"""URLs of the province pages (included into the "reporting" namespace at /reporting/province/)."""

from __future__ import annotations

from django.urls import path

from reporting.views import province

urlpatterns = [
    path("", province.province_overview, name="province"),
    path("accidents/", province.province_accidents, name="province_accidents"),
    path("commune-reports/", province.province_commune_reports, name="province_commune_reports"),
    path("summary/", province.province_summary, name="province_summary"),
    path("summary.pdf", province.province_summary_pdf, name="province_summary_pdf"),
    path("summary.xlsx", province.province_summary_xlsx, name="province_summary_xlsx"),
]
