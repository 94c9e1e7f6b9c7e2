from django.contrib import admin

from .models import JoinApplication, Member, Transfer


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("name", "member_no", "org", "site", "status", "post")
    list_filter = ("status", "post")
    search_fields = ("name", "name_initials", "employee_no", "member_no")
    exclude = ("id_number",)  # never shown in clear here; staff reveal it with a logged reason
    raw_id_fields = ("user",)


@admin.register(JoinApplication)
class JoinApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "status", "created_at")
    list_filter = ("status",)
    exclude = ("id_number",)


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ("member", "from_org", "to_org", "status", "created_at")
    list_filter = ("status",)
