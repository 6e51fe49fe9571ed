"""URLs of the report to the Party committee (included into the "reporting" namespace under
"reports/"). "verify" is the public page the QR code on the paper leads to."""

from __future__ import annotations

from django.urls import path

from reporting.views import reports

urlpatterns = [
    path("", reports.report_list, name="report_list"),
    path("new/", reports.report_create, name="report_create"),
    path("settings/", reports.document_settings, name="document_settings"),
    path("verify/<uuid:token>/", reports.verify, name="verify"),
    path("<uuid:public_id>/", reports.report_detail, name="report_detail"),
    path("<uuid:public_id>/progress/", reports.report_progress, name="report_progress"),
    path("<uuid:public_id>/edit/", reports.report_edit, name="report_edit"),
    path("<uuid:public_id>/generate/", reports.report_generate, name="report_generate"),
    path("<uuid:public_id>/issue/", reports.report_issue, name="report_issue"),
    path("<uuid:public_id>/pdf/", reports.report_pdf, name="report_pdf"),
    path("<uuid:public_id>/docx/", reports.report_docx, name="report_docx"),
    path("<uuid:public_id>/xlsx/", reports.report_xlsx, name="report_xlsx"),
]
