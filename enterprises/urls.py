from __future__ import annotations

from django.urls import include, path

from enterprises.views import excel, filings, members, registrations, registry

app_name = "enterprises"

enterprise_urls = [
    path("", registry.enterprise_list, name="list"),
    path("mine/", registry.my_enterprises, name="mine"),
    path("new/", registry.enterprise_create, name="create"),
    path("export/", registry.enterprise_export, name="export"),
    path("import/", excel.enterprise_import, name="import"),
    path("import/template.xlsx", excel.enterprise_import_template, name="import_template"),
    path("register/", registrations.enterprise_register, name="register"),
    path("<uuid:public_id>/", registry.enterprise_detail, name="detail"),
    path("<uuid:public_id>/edit/", registry.enterprise_edit, name="edit"),
    path("<uuid:public_id>/members/invite/", members.member_invite, name="member_invite"),
    path(
        "<uuid:public_id>/registration/approve/",
        registrations.registration_approve,
        name="registration_approve",
    ),
    path(
        "<uuid:public_id>/registration/refuse/",
        registrations.registration_reject,
        name="registration_reject",
    ),
    path(
        "<uuid:public_id>/annual-reports/start/",
        filings.annual_report_start,
        name="annual_report_start",
    ),
    path("<uuid:public_id>/monitoring/new/", filings.monitoring_create, name="monitoring_create"),
]

member_urls = [
    path("<int:pk>/deactivate/", members.member_deactivate, name="member_deactivate"),
]

annual_report_urls = [
    path("", filings.annual_report_list, name="annual_report_list"),
    path("<uuid:public_id>/", filings.annual_report_detail, name="annual_report_detail"),
    path("<uuid:public_id>/edit/", filings.annual_report_edit, name="annual_report_edit"),
    path("<uuid:public_id>/submit/", filings.annual_report_submit, name="annual_report_submit"),
    path("<uuid:public_id>/approve/", filings.annual_report_approve, name="annual_report_approve"),
    path("<uuid:public_id>/return/", filings.annual_report_return, name="annual_report_return"),
    path("<uuid:public_id>/reopen/", filings.annual_report_reopen, name="annual_report_reopen"),
    path(
        "<uuid:public_id>/scans/",
        filings.annual_report_scan_upload,
        name="annual_report_scan_upload",
    ),
    path(
        "<uuid:public_id>/scans/<int:version>/",
        filings.annual_report_scan_download,
        name="annual_report_scan",
    ),
    path("<uuid:public_id>/pdf/", filings.annual_report_pdf, name="annual_report_pdf"),
    path("<uuid:public_id>/xlsx/", filings.annual_report_xlsx, name="annual_report_xlsx"),
]

monitoring_urls = [
    path("<uuid:public_id>/", filings.monitoring_detail, name="monitoring_detail"),
    path("<uuid:public_id>/edit/", filings.monitoring_edit, name="monitoring_edit"),
    path("<uuid:public_id>/submit/", filings.monitoring_submit, name="monitoring_submit"),
    path("<uuid:public_id>/approve/", filings.monitoring_approve, name="monitoring_approve"),
    path("<uuid:public_id>/return/", filings.monitoring_return, name="monitoring_return"),
    path("<uuid:public_id>/reopen/", filings.monitoring_reopen, name="monitoring_reopen"),
    path(
        "<uuid:public_id>/report-file/",
        filings.monitoring_report_file,
        name="monitoring_report_file",
    ),
]

urlpatterns = [
    path("", include(enterprise_urls)),
    path("members/", include(member_urls)),
    path("annual-reports/", include(annual_report_urls)),
    path("monitoring/", include(monitoring_urls)),
]
