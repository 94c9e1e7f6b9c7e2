from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unionhome.core.bounds import DayField
from unionhome.core.fields import form_field
from unionhome.core.forms import DateInput

from .models import Entry
from .services import QUESTION_MAX


class AskForm(forms.Form):
    question = forms.CharField(
        label=_("您想问什么？"),
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX, "autocomplete": "off"}),
        help_text=_("像说话一样问就行，也可以用输入法的语音输入。"),
    )


def _pieces(value: str, pattern: str, *, most: int, longest: int) -> list[str]:
    """A box of words or lines as a list: the pieces trimmed, the empty ones dropped, each no
    longer than `longest` and no more than `most` of them (the schema's own limits)."""
    pieces = [p.strip() for p in re.split(pattern, value or "") if p.strip()]
    if len(pieces) > most:
        raise forms.ValidationError(gettext("最多 %(n)s 个") % {"n": most})
    if too_long := next((p for p in pieces if len(p) > longest), None):
        raise forms.ValidationError(
            gettext("“%(p)s”太长：每个最多 %(n)s 个字") % {"p": too_long[:20], "n": longest}
        )
    return pieces


class EntryForm(forms.Form):
    question = form_field(Entry, "question", label=_("标准问题"))
    answer = form_field(Entry, "answer", widget=forms.Textarea(attrs={"rows": 8}))
    category = form_field(Entry, "category")
    keywords = forms.CharField(
        label=_("关键词"), required=False, help_text=_("用空格或逗号分开，例如：欠薪 讨薪 拖欠工资")
    )
    synonyms = forms.CharField(
        label=_("相似问法"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("职工可能怎么问，一行一个，例如：老板不发工钱咋整"),
    )
    source = form_field(Entry, "source")
    reviewed_on = DayField(label=_("审核日期"), required=False, widget=DateInput())
    is_guide = forms.BooleanField(label=_("这是一篇办事指南"), required=False)

    def clean_keywords(self) -> list[str]:
        return _pieces(
            self.cleaned_data["keywords"],
            r"[\s,，、;；]+",
            most=Entry.KEYWORDS_MAX,
            longest=Entry.KEYWORD_LENGTH,
        )

    def clean_synonyms(self) -> list[str]:
        return _pieces(
            self.cleaned_data["synonyms"], r"[\r\n]+", most=Entry.SYNONYMS_MAX, longest=Entry.SYNONYM_LENGTH
        )
