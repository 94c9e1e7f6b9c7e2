"""The platform admin's view of claims, funds and care: to look a record up and mend one. Health,
income and bank details stay encrypted and out of these pages; staff read them in the product,
where each reading is logged."""

from django.contrib import admin

from .models import Campaign, Claim, ClaimType, Fund, FundEntry, HardshipCase, ServiceItem, Visit


@admin.register(ClaimType)
class ClaimTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "org", "category", "approver_role", "active")
    list_filter = ("category", "active")
    search_fields = ("name", "code")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("number", "type", "org", "status", "amount", "submitted_at")
    list_filter = ("status",)
    search_fields = ("number",)
    exclude = ("sensitive",)
    raw_id_fields = ("member", "filed_by", "proxy", "decided_by", "type")


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "year", "budget", "spent", "sign_threshold")
    list_filter = ("year",)
    readonly_fields = ("spent",)  # moved only by approvals, by a conditional UPDATE
    raw_id_fields = ("signer",)


@admin.register(FundEntry)
class FundEntryAdmin(admin.ModelAdmin):
    list_display = ("fund", "kind", "amount", "purpose", "at")
    list_filter = ("kind",)
    raw_id_fields = ("member", "claim", "case", "approved_by", "signed_by")

    def has_change_permission(self, request, obj=None):
        return False  # the ledger is written by approvals only


@admin.register(HardshipCase)
class HardshipCaseAdmin(admin.ModelAdmin):
    list_display = ("number", "org", "kind", "urgent", "stage", "level", "due_on")
    list_filter = ("stage", "kind", "urgent")
    search_fields = ("number",)
    exclude = ("details",)
    raw_id_fields = ("member", "owner", "opened_by", "proxy", "fund")


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("member", "org", "kind", "planned_on", "visited_on", "rating")
    list_filter = ("kind",)
    raw_id_fields = ("member", "visitor", "pairing")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "kind", "status", "starts_on", "ends_on", "total")
    list_filter = ("kind", "status")
    raw_id_fields = ("created_by",)


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("title", "org", "group", "claim_type")
    list_filter = ("group",)
