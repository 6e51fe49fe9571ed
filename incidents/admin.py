from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from incidents.models import (
    Accident,
    AccidentDeclaration,
    InjuryCode,
    InjuryFactor,
    Occupation,
    ReceiptCounter,
    Victim,
)


# Versioned reference tables: an administrator loads the official lists as new versions.
@admin.register(InjuryCode)
class InjuryCodeAdmin(admin.ModelAdmin):
    list_display = ["version", "code", "name", "group", "is_provisional", "is_active"]
    list_filter = ["version", "is_provisional", "is_active"]
    search_fields = ["code", "name"]


@admin.register(InjuryFactor, Occupation)
class ReferenceEntryAdmin(admin.ModelAdmin):
    list_display = ["version", "code", "name", "is_provisional", "is_active"]
    list_filter = ["version", "is_provisional", "is_active"]
    search_fields = ["code", "name"]


class VictimInline(admin.StackedInline):
    model = Victim
    extra = 0
    filter_horizontal = ["injury_codes"]


@admin.register(Accident)
class AccidentAdmin(SimpleHistoryAdmin):
    list_display = [
        "receipt_number",
        "commune",
        "sector",
        "kind",
        "occurred_at",
        "status",
        "channel",
    ]
    list_filter = ["status", "sector", "kind", "channel", "commune"]
    search_fields = ["receipt_number", "place", "enterprise__name"]
    list_select_related = ["commune", "enterprise"]
    raw_id_fields = ["enterprise", "village", "created_by", "entered_by", "received_by"]
    inlines = [VictimInline]


@admin.register(AccidentDeclaration)
class AccidentDeclarationAdmin(admin.ModelAdmin):
    list_display = ["accident", "version", "channel", "submitted_by", "submitted_at"]
    readonly_fields = [
        "accident",
        "version",
        "snapshot",
        "channel",
        "submitted_by",
        "submitted_at",
        "reason",
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # filed versions are immutable


admin.site.register(ReceiptCounter)
