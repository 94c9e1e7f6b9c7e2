"""The platform admin's view of the knowledge base and the questions asked. Entries are edited in
the product (/staff/kb/), which re-analyses them for retrieval; a question is a member's words."""

from django.contrib import admin

from .models import Entry, Question


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ("kb_id", "question", "org", "category", "active", "reviewed_on")
    list_filter = ("category", "active", "is_guide")
    search_fields = ("kb_id", "question")
    readonly_fields = ("terms", "terms_version")
    raw_id_fields = ("updated_by",)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("pk", "org", "status", "score", "helpful", "created_at")
    list_filter = ("status", "helpful")
    raw_id_fields = ("user", "entry", "appeal", "added_entry")
