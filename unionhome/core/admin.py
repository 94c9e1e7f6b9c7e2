from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditLog, Department, Org, RoleAssignment, Site, User, WorkdayOverride


@admin.register(User)
class UnionUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("UnionHome", {"fields": ("phone", "elder_mode", "language")}))
    list_display = ("username", "first_name", "phone", "is_active", "is_staff")
    search_fields = ("username", "first_name", "phone")


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "city")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [RoleInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "address", "station", "latitude", "longitude")
    list_filter = ("station",)
    search_fields = ("name",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """The list staff keep on /staff/departments/; here for the system's administrator."""

    list_display = ("name", "org", "active")
    list_filter = ("active",)
    search_fields = ("name",)


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    """Where an admin enters a year's holidays and adjusted working days before the
    `chinesecalendar` package knows them, or corrects a local arrangement."""

    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        from django.contrib import messages

        from .workdays import years_missing_data

        for year in years_missing_data():
            messages.warning(
                request,
                f"{year} 年尚无官方节假日数据：请按国务院办公厅通知录入该年的放假日（休）和调休上班日（班）。",
            )
        return super().changelist_view(request, extra_context)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("object_id", "action")
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
