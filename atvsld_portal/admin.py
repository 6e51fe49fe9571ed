from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import path
from django.utils.translation import gettext_lazy as _

from atvsld_portal.models import (
    AdministrativeUnit,
    Outbox,
    PersonalDataView,
    ResponsibleUnit,
    User,
    Village,
    WorkerHeartbeat,
)
from atvsld_portal.privacy import personal_data_view_csv, personal_data_view_export_list

EXPORT_DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "administrative_unit", "is_active"]
    list_filter = ["role", "is_active", "is_superuser", "administrative_unit"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["administrative_unit"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("full_name", "phone", "role", "administrative_unit")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Portal"), {"fields": ("full_name", "role", "administrative_unit")}),
    )


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "code", "code_provisional", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["name", "code", "code_provisional"]
    list_select_related = ["parent"]
    filter_horizontal = ["predecessors"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "former_unit"]
    list_filter = ["kind", "commune"]
    search_fields = ["name"]
    list_select_related = ["commune", "former_unit"]


@admin.register(ResponsibleUnit)
class ResponsibleUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "commune", "village", "contact_name", "is_active"]
    list_filter = ["kind", "commune", "is_active"]
    search_fields = ["name", "contact_name"]
    list_select_related = ["commune", "village"]
    filter_horizontal = ["members"]


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["task_name", "args", "status", "created_at", "sent_at", "attempts"]
    list_filter = ["status", "task_name"]
    readonly_fields = [
        "task_name",
        "args",
        "dedup_key",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    ]


class ViewLogRangeForm(forms.Form):
    """The date range of a view-log export; either end may be left open."""

    start = forms.DateField(label=_("From"), required=False, input_formats=EXPORT_DATE_FORMATS)
    end = forms.DateField(label=_("To"), required=False, input_formats=EXPORT_DATE_FORMATS)

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    """The personal-data view log, read-only, exportable as CSV by superusers (the data
    controller's copy): selected entries through the action, or a date range through the
    export URL (``?start=YYYY-MM-DD&end=YYYY-MM-DD``)."""

    list_display = ["viewed_at", "user", "content_type", "object_id", "purpose"]
    list_filter = ["content_type"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "viewed_at"
    actions = ["export_csv"]
    change_list_template = "admin/atvsld_portal/personaldataview/change_list.html"

    def get_urls(self) -> list:
        export = path(
            "export.csv",
            self.admin_site.admin_view(self.export_view),
            name="atvsld_portal_personaldataview_export",
        )
        return [export, *super().get_urls()]

    def has_export_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    @admin.action(description=_("Export the selected entries (CSV)"), permissions=["export"])
    def export_csv(self, request, queryset) -> HttpResponse:
        entries = personal_data_view_export_list(queryset=queryset)
        return personal_data_view_csv(entries, filename="nhat-ky-xem-du-lieu-ca-nhan.csv")

    def export_view(self, request) -> HttpResponse:
        if not self.has_export_permission(request):
            raise PermissionDenied
        form = ViewLogRangeForm(request.GET)
        if not form.is_valid():
            messages = [str(m) for errors in form.errors.values() for m in errors]
            return HttpResponseBadRequest(" ".join(messages), content_type="text/plain")
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        entries = personal_data_view_export_list(start=start, end=end)
        span = "-".join(f"{day:%Y%m%d}" for day in (start, end) if day)
        filename = f"nhat-ky-xem-du-lieu-ca-nhan{'-' + span if span else ''}.csv"
        return personal_data_view_csv(entries, filename=filename)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(WorkerHeartbeat)
admin.site.site_header = _("OSH commune portal administration")
admin.site.site_title = _("OSH portal")
