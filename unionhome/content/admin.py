"""The platform admin's view of news and notices. An article's body is sanitised when the
product saves it (content.services): edit it there, not here."""

from django.contrib import admin

from .models import Article, Notice


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "org", "column", "status", "pinned", "published_at")
    list_filter = ("column", "status", "pinned")
    search_fields = ("title",)
    readonly_fields = ("body",)
    raw_id_fields = ("author",)


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "org", "status", "recipients", "sent_at")
    list_filter = ("status",)
    search_fields = ("title",)
    readonly_fields = ("recipients", "sent_at")
    raw_id_fields = ("created_by",)
