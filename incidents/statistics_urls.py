"""URLs of statistics: the enterprise's accident statistics reports (Phụ lục XII)."""

from __future__ import annotations

from django.urls import include, path

from incidents.views import statistics

app_name = "statistics"

report_urls = [
    path("", statistics.report_list, name="report_list"),
    path(
        "enterprises/<uuid:public_id>/start/",
        statistics.report_start,
        name="report_start",
    ),
    path("<uuid:public_id>/", statistics.report_detail, name="report_detail"),
    path("<uuid:public_id>/edit/", statistics.report_edit, name="report_edit"),
    path("<uuid:public_id>/submit/", statistics.report_submit, name="report_submit"),
    path("<uuid:public_id>/approve/", statistics.report_approve, name="report_approve"),
    path("<uuid:public_id>/return/", statistics.report_return, name="report_return"),
    path("<uuid:public_id>/reopen/", statistics.report_reopen, name="report_reopen"),
    path("<uuid:public_id>/scans/", statistics.report_scan_upload, name="report_scan_upload"),
    path(
        "<uuid:public_id>/scans/<int:version>/",
        statistics.report_scan_download,
        name="report_scan_download",
    ),
    path("<uuid:public_id>/pdf/", statistics.report_pdf, name="report_pdf"),
    path("<uuid:public_id>/xlsx/", statistics.report_xlsx, name="report_xlsx"),
]

urlpatterns = [
    path("reports/", include(report_urls)),
]
