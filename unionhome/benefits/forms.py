from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from unionhome.core.bounds import DayField, MoneyField
from unionhome.core.fields import form_field
from unionhome.core.forms import DateInput, MonthInput
from unionhome.members.forms import AudienceFields

from .models import (
    Campaign,
    ClaimType,
    FieldKind,
    Fund,
    HardshipKind,
    HardshipLevel,
    ServiceItem,
    VisitKind,
)

SENSITIVE_HELP = {
    "health": _("健康信息，加密保存，仅审批人可见"),
    "financial": _("银行账户，加密保存，仅审批人可见"),
}


def claim_form_class(ctype, *, secret_initial: dict | None = None):
    """A form for one claim type, built from its field list. Every field is optional in the form:
    a draft may be half-filled; what is required is checked when it is submitted."""
    attrs: dict = {}
    for f in ctype.fields:
        label = f.get("label") or f["name"]
        help_text = str(SENSITIVE_HELP.get(f.get("sensitive") or "", ""))
        kind = f["kind"]
        if kind == FieldKind.FILE:
            field = forms.FileField(
                label=label, required=False, help_text=help_text or _("照片或 PDF，不超过 5 MB")
            )
            field.widget.attrs["accept"] = "image/*,application/pdf"
        elif kind == FieldKind.NUMBER:
            # A stepper (app.js adds − and + beside the box): whole numbers, or yuan and fen for
            # the amount.
            money_field = f["name"] == ctype.amount_field
            field = forms.CharField(
                label=label,
                required=False,
                help_text=help_text,
                widget=forms.NumberInput(
                    attrs={
                        "min": "0",
                        "step": "0.01" if money_field else "1",
                        "inputmode": "decimal" if money_field else "numeric",
                        "data-stepper": "",
                        **({"max": f"{f['max']:g}"} if f.get("max") is not None else {}),
                    }
                ),
            )
            if f.get("max") is not None:
                field.help_text = (help_text + " " if help_text else "") + gettext("最多 %(m)s") % {
                    "m": f["max"]
                }
        elif kind == FieldKind.DATE:
            field = forms.CharField(label=label, required=False, widget=DateInput())
        elif kind == FieldKind.MONTH:
            field = forms.CharField(label=label, required=False, widget=MonthInput())
        elif kind == FieldKind.CHOICE:
            field = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "——")] + [(c, c) for c in f.get("choices", [])],
            )
        else:
            field = forms.CharField(label=label, required=False, max_length=500, help_text=help_text)
        field.required_for_submit = bool(f.get("required"))
        attrs[f["name"]] = field
    return type("ClaimForm", (forms.Form,), attrs)


def claim_form_values(form) -> tuple[dict, dict]:
    """(values, files) from a bound claim form."""
    values = {
        k: v
        for k, v in form.data.items()
        if k in form.fields and not isinstance(form.fields[k], forms.FileField)
    }
    files = {k: v for k, v in form.files.items() if k in form.fields}
    return values, files


SENSITIVE_CHOICES = [("", _("不是")), ("health", _("健康信息")), ("financial", _("银行账户"))]


class ClaimFieldForm(forms.Form):
    """One question of a claim type's form, in the words of the officer who writes it."""

    name = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    label = forms.CharField(label=_("问什么（显示给会员）"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("怎么填"), choices=FieldKind.choices, initial=FieldKind.TEXT)
    required = forms.BooleanField(label=_("必填"), required=False)
    max = MoneyField(label=_("最大值（数字才用）"), required=False)
    choices = forms.CharField(label=_("可选的答案（选项才用，用顿号隔开）"), max_length=500, required=False)
    sensitive = forms.ChoiceField(
        label=_("是否敏感信息（加密保存）"), choices=SENSITIVE_CHOICES, required=False
    )
    is_amount = forms.BooleanField(label=_("这是申请金额（从经费支出）"), required=False)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if data.get("label") and kind == FieldKind.CHOICE and not _split_choices(data.get("choices", "")):
            self.add_error("choices", _("请列出可选的答案"))
        if data.get("is_amount") and kind != FieldKind.NUMBER:
            self.add_error("is_amount", _("申请金额要选“数字”"))
        return data


def _split_choices(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[、,，/;；\n]+", text or "") if c.strip()]


class BaseClaimFieldFormSet(forms.BaseFormSet):
    """The questions in order; a row without a question is left out; at least one, and one
    amount at most."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("删除这一项")

    def clean(self):
        if any(self.errors):
            return
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data.get("label") and not f.cleaned_data.get("DELETE")
        ]
        if not rows:
            raise forms.ValidationError(gettext("至少要有一个问题"))
        if sum(1 for r in rows if r.get("is_amount")) > 1:
            raise forms.ValidationError(gettext("只能有一个申请金额"))

    def fields_and_amount(self) -> tuple[list[dict], str]:
        """(the claim type's field list, the amount field's name). A new question's name is made
        from its words (pinyin); a kept question keeps its name, so filed claims keep their answers."""
        fields: list[dict] = []
        taken: set[str] = set()
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data.get("label") and not f.cleaned_data.get("DELETE")
        ]
        for row in rows:
            if row.get("name"):
                taken.add(row["name"])
        amount = ""
        for n, row in enumerate(rows, start=1):
            name = row.get("name") or _name_for(row["label"], taken, n)
            taken.add(name)
            field = {
                "name": name,
                "label": row["label"],
                "kind": row["kind"],
                "required": bool(row.get("required")),
            }
            if row["kind"] == FieldKind.NUMBER and row.get("max") is not None:
                field["max"] = float(row["max"])
            if row["kind"] == FieldKind.CHOICE:
                field["choices"] = _split_choices(row.get("choices", ""))
            if row.get("sensitive"):
                field["sensitive"] = row["sensitive"]
            if row.get("is_amount"):
                amount = name
            fields.append(field)
        return fields, amount


def _name_for(label: str, taken: set[str], n: int) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", "_".join(lazy_pinyin(label)).lower()).strip("_")[:30] or f"field{n}"
    name, i = base, 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    return name


ClaimFieldFormSet = forms.formset_factory(
    ClaimFieldForm, formset=BaseClaimFieldFormSet, extra=2, can_delete=True, max_num=30, validate_max=True
)


def field_rows(fields: list[dict], amount_field: str) -> list[dict]:
    """A claim type's field list as the builder's rows."""
    return [
        {
            "name": f["name"],
            "label": f.get("label") or f["name"],
            "kind": f["kind"],
            "required": bool(f.get("required")),
            "max": f.get("max"),
            "choices": "、".join(f.get("choices", [])),
            "sensitive": f.get("sensitive", ""),
            "is_amount": f["name"] == amount_field,
        }
        for f in fields
    ]


class ClaimTypeForm(AudienceFields):
    name = form_field(ClaimType, "name")
    code = form_field(ClaimType, "code", required=False, label=_("网址代码（可不填，自动生成；保存后不变）"))
    description = form_field(ClaimType, "description", widget=forms.Textarea(attrs={"rows": 2}))
    category = form_field(ClaimType, "category")
    fund = forms.TypedChoiceField(label=_("支出经费"), required=False, coerce=int, empty_value=None)
    approver_role = form_field(ClaimType, "approver_role")
    deadline_days = form_field(ClaimType, "deadline_days")
    delivery = form_field(ClaimType, "delivery")
    active = form_field(ClaimType, "active")
    field_order = ["name", "code", "description", "category", "fund"]

    def __init__(self, *args, funds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].choices = [("", "——")] + [(str(f.pk), str(f)) for f in funds]

    def values(self, *, leave: tuple[str, ...] = ()) -> dict:
        values = super().values(leave=leave)
        if not values.get("code"):
            values["code"] = _name_for(values["name"], set(), 1).replace("_", "-")[:40]
        return values


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("意见"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount = MoneyField(label=_("批准金额（元，不填为申请金额）"), required=False)


class FundForm(forms.Form):
    name = form_field(Fund, "name")
    year = form_field(Fund, "year")
    budget = MoneyField(label=_("预算（元）"))
    signer = forms.ModelChoiceField(label=_("一支笔审批人"), required=False, queryset=None, empty_label="——")
    sign_threshold = MoneyField(label=_("超过多少元须一支笔签批"), required=False)

    def __init__(self, *args, signers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = signers
        self.fields["signer"].label_from_instance = lambda user: user.display_name


class SelfTestForm(forms.Form):
    household_size = forms.IntegerField(label=_("家庭人口（人）"), min_value=1, max_value=30)
    annual_income = MoneyField(label=_("家庭年收入（元）"))
    unavoidable_costs = MoneyField(label=_("看病、事故等必须的支出（元/年）"), required=False)


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("困难类型"), choices=HardshipKind.choices, widget=forms.RadioSelect)
    summary = forms.CharField(label=_("简要说明"), max_length=200, widget=forms.Textarea(attrs={"rows": 3}))
    urgent = forms.BooleanField(label=_("情况紧急（急难）"), required=False)
    household_size = forms.IntegerField(label=_("家庭人口（人）"), min_value=1, max_value=30, required=False)
    annual_income = MoneyField(label=_("家庭年收入（元，需同意提供收入信息）"), required=False)
    unavoidable_costs = MoneyField(label=_("必须的支出（元/年）"), required=False)
    health = forms.CharField(label=_("病情或伤情（需同意提供健康信息）"), max_length=500, required=False)

    def details(self) -> dict:
        keys = ("household_size", "annual_income", "unavoidable_costs", "health")
        return {k: self.cleaned_data.get(k) for k in keys if self.cleaned_data.get(k) not in (None, "")}


class StaffCaseForm(CaseForm):
    member = forms.CharField(label=_("会员（手机号、用户名或会员号）"), max_length=50)
    field_order = ["member"]


class AdvanceForm(forms.Form):
    note = forms.CharField(label=_("本环节记录"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("签字的家庭经济状况核查授权书（照片或 PDF）"), required=False)
    owner = forms.ChoiceField(label=_("下一环节负责人"), required=False)
    level = forms.ChoiceField(
        label=_("认定等级"), required=False, choices=[("", "——"), *HardshipLevel.choices]
    )
    amount = MoneyField(label=_("帮扶金额（元）"), required=False)
    fund = forms.ChoiceField(label=_("支出经费"), required=False)

    def __init__(self, *args, stage: str, owners=(), funds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("（不变）"))] + [(str(u.pk), u.display_name) for u in owners]
        self.fields["fund"].choices = [("", "——")] + [
            (str(f.pk), f"{f} · " + gettext("余 %(r)s 元") % {"r": f.remaining}) for f in funds
        ]
        if stage != "verification":
            del self.fields["attachment"]
        if stage != "decision":
            for name in ("level", "amount", "fund"):
                del self.fields[name]
        if stage == "follow_up":
            del self.fields["owner"]


class NoticeForm(forms.Form):
    until = DayField(label=_("公示截止日期"), widget=DateInput())


class PairingForm(forms.Form):
    member = forms.CharField(label=_("帮扶对象（手机号、用户名或会员号）"), max_length=50)
    cadre = forms.ChoiceField(label=_("结对干部"))
    plan = forms.CharField(label=_("帮扶计划"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, cadres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [(str(u.pk), u.display_name) for u in cadres]


class VisitPlanForm(forms.Form):
    member = forms.CharField(label=_("走访对象（手机号、用户名或会员号）"), max_length=50)
    kind = forms.ChoiceField(label=_("类型"), choices=VisitKind.choices)
    planned_on = DayField(label=_("计划日期"), widget=DateInput())


class VisitRecordForm(forms.Form):
    visited_on = DayField(label=_("走访日期"), widget=DateInput())
    record = forms.CharField(label=_("走访记录"), widget=forms.Textarea(attrs={"rows": 3}))
    gifts = forms.CharField(label=_("慰问物品/金额"), required=False, max_length=200)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("这次走访对您有帮助吗？"),
        coerce=int,
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    evaluation = forms.CharField(label=_("想说的话"), required=False, max_length=300)


class ServiceItemForm(forms.Form):
    group = form_field(ServiceItem, "group")
    title = form_field(ServiceItem, "title")
    description = form_field(ServiceItem, "description")


class CampaignForm(AudienceFields):
    name = form_field(Campaign, "name")
    kind = form_field(Campaign, "kind")
    items = form_field(Campaign, "items")
    value = MoneyField(label=_("每人价值（元）"), required=False)
    starts_on = DayField(label=_("开始日期"), widget=DateInput())
    ends_on = DayField(label=_("结束日期"), widget=DateInput())
    field_order = ["name", "kind", "items", "value", "starts_on", "ends_on"]


class DeliverForm(forms.Form):
    member = forms.CharField(label=_("会员号、手机号或工号"), max_length=30)


class ProxyStartForm(forms.Form):
    member = forms.CharField(label=_("会员的手机号、用户名或会员号"), max_length=50)
    method = forms.ChoiceField(
        label=_("会员如何同意"),
        choices=[("signature", _("在我的手机上手写签名")), ("code", _("给会员发验证码"))],
        widget=forms.RadioSelect,
        initial="signature",
    )
    health = forms.BooleanField(
        label=_("会员同意提供健康信息（如体检、疗休养需要；需用验证码方式）"), required=False
    )
    financial = forms.BooleanField(
        label=_("会员同意提供收入与银行账户（如补贴发放需要；需用验证码方式）"), required=False
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def purposes(self) -> list[str]:
        return [p for p in ("health", "financial") if self.cleaned_data.get(p)]


class CodeForm(forms.Form):
    code = forms.CharField(label=_("会员收到的 6 位验证码"), max_length=6, min_length=6)
    code.widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})
