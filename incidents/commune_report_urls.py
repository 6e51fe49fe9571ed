"""URLs of the commune's accident report to Sở Nội vụ (mounted at /commune-reports/)."""

from __future__ import annotations

from django.urls import path

from incidents.views import commune_reports

app_name = "commune_reports"

urlpatterns = [
    path("", commune_reports.report_list, name="list"),
    path("<uuid:public_id>/", commune_reports.report_detail, name="detail"),
    path("<uuid:public_id>/edit/", commune_reports.report_edit, name="edit"),
    path("<uuid:public_id>/mark-sent/", commune_reports.report_mark_sent, name="mark_sent"),
    path("<uuid:public_id>/withdraw/", commune_reports.report_withdraw, name="withdraw"),
    path("<uuid:public_id>/report.pdf", commune_reports.report_pdf, name="pdf"),
    path("<uuid:public_id>/report.docx", commune_reports.report_docx, name="docx"),
    path("<uuid:public_id>/report.xlsx", commune_reports.report_xlsx, name="xlsx"),
]
