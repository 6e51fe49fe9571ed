"""URLs of occupational diseases: the reference list, detection-exam rounds and case records."""

from __future__ import annotations

from django.urls import path

from incidents.views import diseases as views

app_name = "diseases"

exam_urls = [
    path("exams/", views.exam_list, name="exam_list"),
    path("exams/new/", views.exam_create, name="exam_create"),
    path("exams/<uuid:public_id>/", views.exam_detail, name="exam_detail"),
    path("exams/<uuid:public_id>/edit/", views.exam_edit, name="exam_edit"),
    path("exams/<uuid:public_id>/submit/", views.exam_submit, name="exam_submit"),
    path("exams/<uuid:public_id>/approve/", views.exam_approve, name="exam_approve"),
    path("exams/<uuid:public_id>/return/", views.exam_return, name="exam_return"),
    path("exams/<uuid:public_id>/reopen/", views.exam_reopen, name="exam_reopen"),
    path("exams/<uuid:public_id>/result-file/", views.exam_file, name="exam_file"),
]

case_urls = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:public_id>/edit/", views.case_edit, name="case_edit"),
    path(
        "cases/<uuid:public_id>/exposure-confirmation/",
        views.case_file,
        name="case_file",
    ),
]

urlpatterns = [
    path("list/", views.disease_reference, name="reference"),
    *exam_urls,
    *case_urls,
]
