from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from incidents.models import (
    Accident,
    AccidentDeclaration,
    CommuneAccidentReport,
    DiseaseCase,
    DiseaseExam,
    InjuryCode,
    InjuryFactor,
    Occupation,
    OccupationalDisease,
    PeriodicAccidentReport,
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


@admin.register(OccupationalDisease)
class OccupationalDiseaseAdmin(admin.ModelAdmin):
    list_display = ["version", "code", "name", "group", "legal_source", "valid_from", "is_active"]
    list_filter = ["version", "group", "is_provisional", "is_active"]
    search_fields = ["code", "name"]


@admin.register(PeriodicAccidentReport)
class PeriodicAccidentReportAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "year", "part", "status", "channel", "report_date"]
    list_filter = ["status", "part", "year", "channel"]
    search_fields = ["enterprise__name", "enterprise__tax_code"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise", "period", "entered_by", "submitted_by", "decided_by"]
    readonly_fields = ["table", "master_snapshot"]


@admin.register(CommuneAccidentReport)
class CommuneAccidentReportAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "year", "part", "status", "sent_on", "sent_via"]
    list_filter = ["status", "part", "year"]
    list_select_related = ["commune"]
    raw_id_fields = ["commune", "period", "entered_by", "submitted_by", "decided_by"]
    readonly_fields = ["content", "master_snapshot"]


@admin.register(DiseaseExam)
class DiseaseExamAdmin(SimpleHistoryAdmin):
    list_display = [
        "enterprise",
        "exam_date",
        "workers_examined",
        "suspected",
        "confirmed",
        "status",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["enterprise__name", "facility"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise", "entered_by", "submitted_by", "decided_by"]


@admin.register(DiseaseCase)
class DiseaseCaseAdmin(SimpleHistoryAdmin):
    list_display = ["exam_date", "disease", "result", "enterprise", "commune"]
    list_filter = ["result", "commune"]
    list_select_related = ["disease", "enterprise", "commune"]
    raw_id_fields = ["commune", "enterprise", "exam", "monitoring_record", "created_by"]
