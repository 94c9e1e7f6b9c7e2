from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionhome.core.bounds import DayField
from unionhome.core.forms import DateInput


class PlanForm(forms.Form):
    summary = forms.CharField(
        label=_("本季度工作重点"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanItemForm(forms.Form):
    title = forms.CharField(label=_("事项"), max_length=200)
    owner = forms.CharField(label=_("责任人"), max_length=50)
    due_on = DayField(label=_("完成期限"), widget=DateInput())


class ItemDoneForm(forms.Form):
    done_on = DayField(label=_("完成日期"), widget=DateInput())
    note = forms.CharField(label=_("完成情况"), max_length=300, required=False)
