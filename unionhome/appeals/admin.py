"""The platform admin's view of appeals: to look a record up and mend a stuck one; the work is done
in the staff workbench. An appeal's text is the member's: shown, never listed."""

from django.contrib import admin

from .models import Appeal, Dispatch, LegalCase, Rectification, RiskItem


class DispatchInline(admin.TabularInline):
    model = Dispatch
    extra = 0
    fields = ("round", "position", "department", "due_on", "status", "answered_at")
    readonly_fields = fields


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("number", "org", "category", "status", "urgent", "due_on", "overdue", "received_at")
    list_filter = ("status", "category", "urgent", "overdue", "channel")
    search_fields = ("number",)
    raw_id_fields = ("member", "submitted_by", "owner", "cluster", "site")
    readonly_fields = ("number", "received_at", "scan_token", "created_at", "updated_at")
    inlines = [DispatchInline]


@admin.register(LegalCase)
class LegalCaseAdmin(admin.ModelAdmin):
    list_display = ("pk", "org", "kind", "issue", "status", "created_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("member", "appeal", "created_by")


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ("title", "org", "quarter", "status", "due_on")
    list_filter = ("status", "quarter")
    raw_id_fields = ("owner", "site")


@admin.register(RiskItem)
class RiskItemAdmin(admin.ModelAdmin):
    list_display = ("kind", "org", "site", "week", "recent", "previous", "closed")
    list_filter = ("kind", "closed")
    raw_id_fields = ("owner", "site")
