from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionhome.core.models import Org
from unionhome.core.uploads import import_too_large


class IntegrationForm(forms.Form):
    org = forms.ModelChoiceField(label=_("所属工会"), queryset=Org.objects.none(), empty_label=None)
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("如：人事系统、考勤系统、培训平台"))

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class EventsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_(
            "Excel（.xlsx、.xls）或 .csv；每行一条：工号、日期必填。只有考勤的表格不用“类型”列；"
            "入职、离职、调岗、培训请在“类型”列写明。同一个文件重复上传不会重复记录。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError(_("请上传 Excel（.xlsx 或 .xls）或 .csv 文件"))
        if reason := import_too_large(f.size):
            raise forms.ValidationError(reason)
        return f
