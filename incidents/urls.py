from __future__ import annotations

from django.urls import include, path

from incidents.views import commune, corrections, declarations, documents
from incidents.views import workflow as workflow_views

app_name = "incidents"

accident_urls = [
    path("", declarations.accident_list, name="list"),
    path("new/", declarations.accident_create, name="create"),
    path("inbox/", commune.accident_inbox_view, name="inbox"),
    path("register/", documents.accident_register, name="register"),
    path("register.pdf", documents.accident_register_pdf, name="register_pdf"),
    path("register.xlsx", documents.accident_register_xlsx, name="register_xlsx"),
    path("<uuid:public_id>/", declarations.accident_detail, name="detail"),
    path("<uuid:public_id>/edit/", declarations.accident_edit, name="edit"),
    path("<uuid:public_id>/submit/", declarations.accident_submit_view, name="submit"),
    path("<uuid:public_id>/receipt.pdf", declarations.accident_receipt, name="receipt"),
    path("<uuid:public_id>/receive/", commune.accident_receive_view, name="receive"),
    path("<uuid:public_id>/record/", documents.incident_record_edit, name="incident_record"),
    path(
        "<uuid:public_id>/record.pdf",
        documents.incident_record_pdf_view,
        name="incident_record_pdf",
    ),
    path(
        "<uuid:public_id>/record.docx",
        documents.incident_record_docx_view,
        name="incident_record_docx",
    ),
    path(
        "<uuid:public_id>/quick-report.pdf",
        documents.quick_report_pdf_view,
        name="quick_report_pdf",
    ),
    path(
        "<uuid:public_id>/quick-report.docx",
        documents.quick_report_docx_view,
        name="quick_report_docx",
    ),
    path(
        "<uuid:public_id>/quick-report/sent/",
        documents.quick_report_sent_view,
        name="quick_report_sent",
    ),
    path(
        "<uuid:public_id>/investigate/",
        workflow_views.accident_workflow_action,
        {"action": "investigate"},
        name="investigate",
    ),
    path(
        "<uuid:public_id>/quick-reported/",
        workflow_views.accident_workflow_action,
        {"action": "quick_reported"},
        name="quick_reported",
    ),
    path(
        "<uuid:public_id>/close/",
        workflow_views.accident_workflow_action,
        {"action": "close"},
        name="close",
    ),
    path(
        "<uuid:public_id>/not-occupational/",
        workflow_views.accident_workflow_action,
        {"action": "not_occupational"},
        name="not_occupational",
    ),
    path(
        "<uuid:public_id>/transfer/",
        workflow_views.accident_workflow_action,
        {"action": "transfer"},
        name="transfer",
    ),
    path(
        "<uuid:public_id>/extend/",
        workflow_views.accident_workflow_action,
        {"action": "extend"},
        name="extend",
    ),
    path(
        "declarations/<uuid:public_id>/scan/",
        declarations.declaration_scan,
        name="declaration_scan",
    ),
    path(
        "<uuid:public_id>/corrections/new/",
        corrections.correction_start_view,
        name="correction_start",
    ),
    path("corrections/<uuid:public_id>/edit/", corrections.correction_edit, name="correction_edit"),
    path(
        "corrections/<uuid:public_id>/submit/",
        corrections.correction_submit_view,
        name="correction_submit",
    ),
    path(
        "corrections/<uuid:public_id>/apply/",
        corrections.correction_apply_view,
        name="correction_apply",
    ),
]

urlpatterns = [path("", include(accident_urls))]
