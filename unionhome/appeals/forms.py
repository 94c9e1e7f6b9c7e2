from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionhome.core.bounds import DayField, MomentField
from unionhome.core.forms import DateInput, DateTimeInput
from unionhome.core.models import Site

from .legal import AID_QUESTIONS
from .models import Category, Channel, LegalKind, Outcome, RightsIssue, Status
from .services import MAX_PHOTOS, TEXT_MAX


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("请说说遇到了什么事"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "data-classify": "1", "maxlength": TEXT_MAX}),
        help_text=_("可以用手机输入法的语音输入，像说话一样写下来。"),
    )
    title = forms.CharField(label=_("标题（可不填）"), max_length=100, required=False)
    site = forms.ModelChoiceField(label=_("事情发生在哪个地点"), queryset=Site.objects.none(), required=False)
    photos = MultipleFileField(
        label=_("照片（最多 9 张）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True}),
    )
    anonymous = forms.BooleanField(label=_("匿名反映（承办部门看不到我的姓名）"), required=False)

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites if sites is not None else Site.objects.none()
        self.fields["site"].empty_label = _("我所在的工作地点")

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多 %(n)s 张") % {"n": MAX_PHOTOS})
        return photos


class HotlineForm(AppealForm):
    """Staff entry on a member's behalf: the channel and the real time it was received."""

    field_order = ["on_behalf_of", "channel", "received_at", "text", "title", "site", "photos", "anonymous"]
    on_behalf_of = forms.CharField(
        label=_("会员手机号或用户名"),
        max_length=150,
        required=False,
        help_text=_("不知道时可留空，按匿名登记"),
    )
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
    )
    received_at = MomentField(
        label=_("来电/收到时间"),
        widget=DateTimeInput(),
    )


class SupplementForm(forms.Form):
    """The member adds words or photos to an open appeal (补充材料)."""

    text = forms.CharField(
        label=_("要补充的内容"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("照片（可多选）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True}),
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("您对办理结果满意吗？"),
        coerce=int,
        choices=[
            (5, _("5 非常满意")),
            (4, _("4 满意")),
            (3, _("3 一般")),
            (2, _("2 不满意")),
            (1, _("1 很不满意")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("还想说的话（可不填）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=Outcome.choices)
    reply = forms.CharField(
        label=_("给职工的答复"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FollowUpForm(forms.Form):
    knows_result = forms.BooleanField(label=_("职工知晓办理结果"), required=False)
    accepts_result = forms.BooleanField(label=_("职工认可处理方式"), required=False)
    follow_on = forms.CharField(
        label=_("衍生问题（没有可不填）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConfirmForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    urgent = forms.BooleanField(label=_("紧急"), required=False)


class DispatchForm(forms.Form):
    """Up to three departments from the union's list, asked in this order."""

    ORDER = (_("第一承办部门"), _("第二承办部门（可不选）"), _("第三承办部门（可不选）"))

    workdays = forms.IntegerField(
        label=_("每个部门的反馈时限（工作日）"), min_value=1, max_value=30, initial=2
    )
    evidence = forms.CharField(label=_("需提供的证据材料"), max_length=300, required=False)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "——")] + [(d.name, d.label) for d in departments]
        for i, label in enumerate(self.ORDER, start=1):
            self.fields[f"department_{i}"] = forms.ChoiceField(label=label, choices=choices, required=i == 1)
        self.order_fields([f"department_{i}" for i in range(1, 4)])

    def steps(self) -> list[dict]:
        names = [self.cleaned_data[f"department_{i}"] for i in range(1, 4)]
        return [
            {
                "department": n,
                "workdays": self.cleaned_data["workdays"],
                "evidence": self.cleaned_data["evidence"],
            }
            for n in names
            if n
        ]

    # The service's reasons, by step, shown next to the box that chose the step's department.
    FIELD_MAP = {f"steps.{i}.department": f"department_{i + 1}" for i in range(3)} | {"steps": "department_1"}


class StepForm(forms.Form):
    """Staff acting on one open step: withdraw it (with the reason), send it again to this or
    another department, or answer on the department's behalf."""

    reason = forms.CharField(label=_("撤回原因"), max_length=300, required=False)
    department = forms.ChoiceField(label=_("改派给"), required=False)
    answer = forms.CharField(
        label=_("代为反馈（写明部门的意见和代为反馈的原因）"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.name, d.label) for d in departments]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("反馈意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(
        label=_("证据材料（图片或 PDF）"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf", "multiple": True}
        ),
    )


class LegalForm(forms.Form):
    kind = forms.ChoiceField(label=_("需要什么帮助"), choices=LegalKind.choices, widget=forms.RadioSelect)
    issue = forms.ChoiceField(label=_("维权事项"), choices=[("", "—"), *RightsIssue.choices], required=False)
    summary = forms.CharField(
        label=_("请说明情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in AID_QUESTIONS:
            self.fields[f"q_{key}"] = forms.BooleanField(
                label=label, required=False, help_text=_("申请法律援助时填写")
            )


class AppealFilterForm(forms.Form):
    """The workbench's search and filters (GET); a value that is not a choice is ignored."""

    q = forms.CharField(label=_("编号、姓名、手机号或工号"), max_length=50, required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *Status.choices]
    )
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *Category.choices]
    )
    site = forms.ModelChoiceField(label=_("工作地点"), required=False, queryset=Site.objects.none())
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
    start = DayField(label=_("受理日期从"), required=False, widget=DateInput())
    end = DayField(label=_("受理日期到"), required=False, widget=DateInput())
    measure = forms.ChoiceField(
        label=_("只看"),
        required=False,
        choices=[
            ("", _("全部")),
            ("closed", _("已办结的")),
            ("late", _("超过期限的（含超期后办结）")),
            ("rated", _("已评价的")),
            ("satisfied", _("评价满意的（4、5 星）")),
        ],
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].empty_label = _("全部地点")

    def filters(self) -> dict:
        self.is_valid()  # what is valid is kept; a bad value alone is dropped
        data = self.cleaned_data
        site = data.get("site")
        return {
            "q": data.get("q", ""),
            "status": data.get("status", ""),
            "category": data.get("category", ""),
            "site": site.pk if site else None,
            "overdue": data.get("overdue", False),
            "start": data.get("start"),
            "end": data.get("end"),
            "measure": data.get("measure", ""),
        }
