"""Forms of the democracy pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from unionhome.core.forms import DateInput, DateTimeInput
from unionhome.members.forms import AudienceFields

from .models import Category, Electorate, Majority, PollKind


class CongressForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=120)
    term = forms.IntegerField(label=_("届"), min_value=1, max_value=100)
    session = forms.IntegerField(label=_("次"), min_value=1, max_value=100)
    opens_on = forms.DateField(label=_("开会日期"), widget=DateInput())


class ContractForm(forms.Form):
    """A collective contract of the standard clauses: a number typed puts its clause in the
    contract; left empty, the contract does not have it."""

    title = forms.CharField(label=_("合同名称"), max_length=160)
    starts_on = forms.DateField(label=_("生效日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("到期日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        from unionhome.core import sources

        from .contracts import STANDARD, YES_NO

        super().__init__(*args, **kwargs)
        for key, standard in STANDARD.items():
            if key in YES_NO:
                self.fields[key] = forms.BooleanField(label=standard.label, required=False)
            else:
                self.fields[key] = forms.DecimalField(
                    label=standard.label, required=False, min_value=0, max_value=1_000_000, decimal_places=4,
                    initial=standard.default, help_text=_("留空：合同没有这一条"),
                )  # fmt: skip
        self.fields["overtime_source"] = forms.ChoiceField(
            label=_("加班工时的来源"), required=False,
            choices=[("", _("企业报送"))] + [(k, v) for k, v in sources.choices() if k == "attendance_overtime"],
        )  # fmt: skip

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and not (dt.date(2000, 1, 1) <= starts < ends <= dt.date(2100, 12, 31)):
            self.add_error("ends_on", _("到期日期应晚于生效日期，都在 2000—2100 年之间"))
        return data

    def chosen(self) -> dict:
        from .contracts import STANDARD

        return {key: self.cleaned_data.get(key) for key in STANDARD}


class RepresentativeForm(forms.Form):
    member = forms.CharField(label=_("会员用户名"), max_length=150)
    delegation = forms.CharField(label=_("代表团"), max_length=60)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("案由"), max_length=120)
    body = forms.CharField(label=_("理由和办法"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("审查意见"), choices=[("1", _("立案")), ("0", _("转为建议"))], coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )  # fmt: skip
    departments = forms.MultipleChoiceField(
        label=_("承办部门（立案时选）"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("部门名单和承办人在“部门”页维护"),
    )  # fmt: skip
    days = forms.IntegerField(label=_("办理期限（工作日）"), min_value=1, max_value=90, initial=15)
    reason = forms.CharField(
        label=_("理由"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].choices = [(name, name) for name in departments]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class PollForm(AudienceFields):
    title = forms.CharField(label=_("表决事项"), max_length=160)
    kind = forms.ChoiceField(label=_("方式"), choices=PollKind.choices)
    options = forms.CharField(
        label=_("选项或表决项（一行一个）"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    max_choices = forms.IntegerField(label=_("多选时最多选几项"), min_value=1, max_value=50, required=False)
    electorate = forms.ChoiceField(label=_("谁来表决"), choices=Electorate.choices)
    opens_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput())
    quorum = forms.DecimalField(
        label=_("法定人数比例（如 0.6667 即三分之二）"), min_value=0, max_value=1, required=False
    )
    majority = forms.ChoiceField(
        label=_("通过规则"), choices=[("", _("按默认")), *Majority.choices], required=False
    )

    def data_for_service(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"], "kind": d["kind"], "electorate": d["electorate"],
            "options": [line.strip() for line in d["options"].splitlines() if line.strip()],
            "max_choices": d.get("max_choices"), "opens_at": d["opens_at"], "closes_at": d["closes_at"],
            "quorum": d.get("quorum"), "majority": d.get("majority") or None, "audience": self.audience(),
        }  # fmt: skip


class PaperForm(forms.Form):
    """The tellers' totals: one number per option, or for a package per item and choice."""

    teller1 = forms.CharField(label=_("计票人一"), max_length=50)
    teller2 = forms.CharField(label=_("计票人二"), max_length=50)
    voters = forms.IntegerField(label=_("纸质票张数"), min_value=0, max_value=1_000_000)

    WORDS = {"for": _("赞成"), "against": _("反对"), "abstain": _("弃权")}

    def __init__(self, *args, poll, **kwargs):
        super().__init__(*args, **kwargs)
        self.poll = poll
        for i, option in enumerate(poll.options):
            if poll.kind == PollKind.ITEMS:
                for choice, word in self.WORDS.items():
                    self.fields[f"c{i}-{choice}"] = forms.IntegerField(
                        label=f"{option}：{word}", min_value=0, max_value=1_000_000, initial=0
                    )
            else:
                self.fields[f"c{i}"] = forms.IntegerField(
                    label=option, min_value=0, max_value=1_000_000, initial=0
                )

    def counts(self) -> dict:
        d = self.cleaned_data
        if self.poll.kind == PollKind.ITEMS:
            return {o: {c: d[f"c{i}-{c}"] for c in self.WORDS} for i, o in enumerate(self.poll.options)}
        return {o: d[f"c{i}"] for i, o in enumerate(self.poll.options)}


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("投票凭证"), max_length=64)


class MatterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=[])
    title = forms.CharField(label=_("事项"), max_length=160)
    summary = forms.CharField(
        label=_("说明"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_due = forms.DateField(label=_("向职工答复的期限（可不填）"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        from .models import MatterKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = MatterKind.choices


class StepForm(forms.Form):
    note = forms.CharField(label=_("纪要或说明"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("附件（图片或 PDF，可不传）"), required=False)
    poll = forms.TypedChoiceField(label=_("表决（这一步需要）"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, polls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["poll"].choices = [("", "—")] + [(p.pk, p.title) for p in polls]


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("建议的题目"), max_length=120)
    body = forms.CharField(
        label=_("内容（现在的问题、建议怎么改、能带来什么）"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    anonymous = forms.BooleanField(
        label=_("对其他会员匿名（工会仍能看到是谁提的，以便奖励）"), required=False
    )


class AssessForm(forms.Form):
    status = forms.ChoiceField(label=_("改为"), choices=[])
    reason = forms.CharField(label=_("意见或理由"), max_length=2000, required=False)
    value = forms.DecimalField(
        label=_("评估价值（元/年）"), min_value=0, max_value=9999999999, required=False, decimal_places=2
    )
    reward = forms.DecimalField(
        label=_("奖励（元）"), min_value=0, max_value=9999999999, required=False, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        from .models import SuggestionStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [c for c in SuggestionStatus.choices if c[0] != "received"]


class DataUploadForm(forms.Form):
    file = forms.FileField(label=_("企业报送的数据（.xlsx、.xls 或 .csv：期间、数据项、数值、发放日期）"))


class CheckForm(forms.Form):
    quarter = forms.CharField(label=_("季度（如 2026Q3）"), max_length=6)
    owner = forms.CharField(label=_("异常复议责任人"), max_length=60, required=False)


class ReviewCloseForm(forms.Form):
    note = forms.CharField(label=_("复议结论"), max_length=2000)


class TopicForm(forms.Form):
    kind = forms.ChoiceField(label=_("议题类别"), choices=[])
    title = forms.CharField(label=_("议题"), max_length=120)
    body = forms.CharField(label=_("具体情况"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        from .models import TopicKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = TopicKind.choices


class GroupForm(forms.Form):
    title = forms.CharField(label=_("协商事项"), max_length=160)
    summary = forms.CharField(
        label=_("说明"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    register = forms.BooleanField(label=_("同时登记为民主管理事项（协商签订）"), required=False)


class ClauseFromItemForm(forms.Form):
    """What a signed negotiation reached, as one checkable clause of a contract: a figure the
    enterprise delivers and its floor or ceiling."""

    contract = forms.TypedChoiceField(label=_("写入哪份集体合同"), coerce=int)
    text = forms.CharField(label=_("条款原文"), max_length=2000)
    kind = forms.ChoiceField(
        label=_("核查方式"), choices=[("maximum", _("不高于")), ("minimum", _("不低于"))]
    )
    figure = forms.CharField(
        label=_("核查的数据（企业按期报送）"), max_length=80, help_text=_("如：平台抽成比例（%）")
    )
    limit = forms.DecimalField(label=_("界限"), min_value=-1_000_000, max_value=1_000_000, decimal_places=4)
    monthly = forms.BooleanField(label=_("按月报送"), required=False)

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [(c.pk, c.title) for c in contracts]

    def clause_for(self, item) -> tuple[dict, list[dict]]:
        d = self.cleaned_data
        code = f"negotiated_{item.pk}"
        limit = int(d["limit"]) if d["limit"] == d["limit"].to_integral_value() else float(d["limit"])
        rule = {"item": code, "max" if d["kind"] == "maximum" else "min": limit}
        return (
            {"text": d["text"], "kind": d["kind"], "rule": rule},
            [{"code": code, "name": d["figure"], "monthly": d["monthly"]}],
        )
