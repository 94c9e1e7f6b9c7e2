from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionhome.core.bounds import MomentField
from unionhome.core.fields import form_field
from unionhome.core.forms import DateTimeInput
from unionhome.members.forms import AudienceFields

from .models import Article, Column, Notice


class ArticleForm(forms.Form):
    title = form_field(Article, "title")
    column = forms.ChoiceField(label=_("栏目"), choices=Column.choices)
    summary = form_field(Article, "summary")
    body = form_field(
        Article,
        "body",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("可用 HTML：段落、标题、列表、加粗、链接、图片；脚本和样式会被去掉。"),
    )
    image = forms.FileField(
        label=_("题图（JPEG/PNG/WebP）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    image_alt = form_field(Article, "image_alt")
    published_at = MomentField(
        label=_("发布时间（不填为现在）"),
        required=False,
        widget=DateTimeInput(),
    )
    pinned = forms.BooleanField(label=_("置顶"), required=False)
    publish = forms.BooleanField(label=_("发布（不勾选则保存为草稿）"), required=False, initial=True)


class NoticeForm(AudienceFields):
    with_roles = True
    title = form_field(Notice, "title")
    body = form_field(Notice, "body", widget=forms.Textarea(attrs={"rows": 5}))
    channels = forms.MultipleChoiceField(
        label=_("同时发送到"), required=False, widget=forms.CheckboxSelectMultiple
    )
    field_order = [
        "title", "body", "sites", "groups", "posts", "shifts", "roles", "age_min", "age_max", "channels",
    ]  # fmt: skip

    def __init__(self, *args, sites=(), channels=(), **kwargs):
        super().__init__(*args, sites=sites, **kwargs)
        labels = {"sms": _("短信"), "wechat": _("微信")}
        self.fields["channels"].choices = [(c, labels.get(c, c)) for c in channels]
        if not channels:
            del self.fields["channels"]
