from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from enterprises.models import (
    ActivityDivision,
    ActivitySection,
    AnnualOshReport,
    Enterprise,
    EnterpriseMember,
    EnterpriseRegistration,
    HarmfulFactor,
    MonitoringRecord,
    MonitoringResult,
    OwnershipType,
)


# Reference tables: data an administrator maintains as the law changes (DOMAIN §0).
@admin.register(OwnershipType)
class OwnershipTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_household", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(ActivitySection)
class ActivitySectionAdmin(admin.ModelAdmin):
    list_display = ["version", "letter", "name", "is_high_risk"]
    list_filter = ["version", "is_high_risk"]
    list_editable = ["is_high_risk"]


@admin.register(ActivityDivision)
class ActivityDivisionAdmin(admin.ModelAdmin):
    list_display = ["version", "code", "section", "name"]
    list_filter = ["version", "section__letter"]
    list_select_related = ["section"]
    search_fields = ["code", "name"]


@admin.register(HarmfulFactor)
class HarmfulFactorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "standard", "order", "is_active"]
    list_editable = ["order", "is_active"]


class MemberInline(admin.TabularInline):
    model = EnterpriseMember
    extra = 0
    raw_id_fields = ["user", "invited_by"]


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "tax_code", "commune", "village", "status", "needs_verification"]
    list_filter = ["status", "needs_verification", "commune", "ownership_type"]
    search_fields = ["name", "name_search", "tax_code"]
    list_select_related = ["commune", "village"]
    raw_id_fields = ["village"]
    inlines = [MemberInline]


@admin.register(EnterpriseRegistration)
class EnterpriseRegistrationAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "contact_name", "contact_email", "created_at", "decided_at"]
    list_select_related = ["enterprise"]


@admin.register(AnnualOshReport)
class AnnualOshReportAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "year", "status", "channel", "submitted_at"]
    list_filter = ["year", "status", "channel"]
    search_fields = ["enterprise__name", "enterprise__tax_code"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise", "period"]


class ResultInline(admin.TabularInline):
    model = MonitoringResult
    extra = 0


@admin.register(MonitoringRecord)
class MonitoringRecordAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "year", "round", "status", "organisation"]
    list_filter = ["year", "status"]
    search_fields = ["enterprise__name"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise"]
    inlines = [ResultInline]
