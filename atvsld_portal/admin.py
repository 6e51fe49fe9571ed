from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
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


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    list_display = ["viewed_at", "user", "content_type", "object_id", "purpose"]
    list_filter = ["content_type"]
    list_select_related = ["user", "content_type"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(WorkerHeartbeat)
admin.site.site_header = _("OSH commune portal administration")
admin.site.site_title = _("OSH portal")
