from __future__ import annotations

from django.urls import include, path

from incidents.views import commune, declarations

app_name = "incidents"

accident_urls = [
    path("", declarations.accident_list, name="list"),
    path("new/", declarations.accident_create, name="create"),
    path("inbox/", commune.accident_inbox_view, name="inbox"),
    path("<uuid:public_id>/", declarations.accident_detail, name="detail"),
    path("<uuid:public_id>/edit/", declarations.accident_edit, name="edit"),
    path("<uuid:public_id>/submit/", declarations.accident_submit_view, name="submit"),
    path("<uuid:public_id>/receipt.pdf", declarations.accident_receipt, name="receipt"),
    path("<uuid:public_id>/receive/", commune.accident_receive_view, name="receive"),
    path(
        "declarations/<uuid:public_id>/scan/",
        declarations.declaration_scan,
        name="declaration_scan",
    ),
]

urlpatterns = [path("", include(accident_urls))]
