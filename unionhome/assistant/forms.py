from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category
from .services import FIELD_LIMITS, QUESTION_MAX


class AskForm(forms.Form):
    question = forms.CharField(
        label=_("您想问什么？"),
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX, "autocomplete": "off"}),
        help_text=_("像说话一样问就行，也可以用输入法的语音输入。"),
    )


class EntryForm(forms.Form):
    question = forms.CharField(label=_("标准问题"), max_length=FIELD_LIMITS["question"])
    answer = forms.CharField(
        label=_("答案"), max_length=FIELD_LIMITS["answer"], widget=forms.Textarea(attrs={"rows": 8})
    )
    category = forms.ChoiceField(label=_("分类"), choices=Category.choices)
    keywords = forms.CharField(
        label=_("关键词"), required=False, help_text=_("用空格或逗号分开，例如：欠薪 讨薪 拖欠工资")
    )
    synonyms = forms.CharField(
        label=_("相似问法"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("职工可能怎么问，一行一个，例如：老板不发工钱咋整"),
    )
    source = forms.CharField(label=_("来源"), max_length=FIELD_LIMITS["source"], required=False)
    reviewed_on = forms.DateField(
        label=_("审核日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_guide = forms.BooleanField(label=_("这是一篇办事指南"), required=False)
