"""Staff forms for courses, lessons, exams, the question bank and certificates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionhome.core.uploads import import_too_large
from unionhome.members.forms import AudienceFields

from .models import ContestRule, Kind, LessonKind


class CourseForm(AudienceFields):
    title = forms.CharField(label=_("课程名称"), max_length=120)
    summary = forms.CharField(
        label=_("简介"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    exam = forms.TypedChoiceField(label=_("结业考试"), required=False, coerce=int, empty_value=None)
    exam_required = forms.BooleanField(label=_("学完必考（考试通过才算结业）"), required=False)
    shared = forms.BooleanField(label=_("下级工会可用"), required=False, initial=True)

    def __init__(self, *args, exams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exam"].choices = [("", _("不设考试"))] + [(e.pk, e.title) for e in exams]


class LessonForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=LessonKind.choices)
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(
        label=_("正文（图文课）"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(
        label=_("PDF 文档（文档课）"), required=False, help_text=_("不超过 20 MB；会员在课程页里逐页阅读")
    )
    media_url = forms.CharField(label=_("视频或文档地址"), max_length=300, required=False)
    seconds = forms.IntegerField(label=_("视频时长（秒）"), min_value=0, max_value=36000, required=False)
    activity = forms.TypedChoiceField(
        label=_("线下课对应的活动"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", _("不是线下课"))] + [(a.pk, a.title) for a in activities]


class ExamForm(forms.Form):
    """An exam with up to three drawing rules (a row left empty is no rule)."""

    RULES = 3
    title = forms.CharField(label=_("考试名称"), max_length=120)
    minutes = forms.IntegerField(label=_("限时（分钟）"), min_value=1, max_value=600, initial=30)
    attempts = forms.IntegerField(label=_("可考次数"), min_value=1, max_value=20, initial=2)
    pass_mark = forms.IntegerField(label=_("及格线（%）"), min_value=1, max_value=100, initial=60)
    partial_credit = forms.BooleanField(label=_("多选题部分得分"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(self.RULES):
            n = i + 1
            self.fields[f"rules.{i}.kind"] = forms.ChoiceField(
                label=_("规则 %(n)d：题型") % {"n": n}, choices=[("", "—"), *Kind.choices], required=False
            )
            self.fields[f"rules.{i}.tags"] = forms.CharField(
                label=_("规则 %(n)d：标签（可多个，逗号分开）") % {"n": n}, max_length=200, required=False
            )
            self.fields[f"rules.{i}.count"] = forms.IntegerField(
                label=_("规则 %(n)d：题数") % {"n": n}, min_value=1, max_value=200, required=False
            )
            self.fields[f"rules.{i}.max_difficulty"] = forms.IntegerField(
                label=_("规则 %(n)d：最高难度（1–5）") % {"n": n}, min_value=1, max_value=5, required=False
            )

    def data_for_service(self) -> dict:
        d = self.cleaned_data
        rules = []
        for i in range(self.RULES):
            if d.get(f"rules.{i}.kind") and d.get(f"rules.{i}.count"):
                rule = {
                    "kind": d[f"rules.{i}.kind"],
                    "tags": d.get(f"rules.{i}.tags") or "",
                    "count": d[f"rules.{i}.count"],
                }
                if d.get(f"rules.{i}.max_difficulty"):
                    rule["max_difficulty"] = d[f"rules.{i}.max_difficulty"]
                rules.append(rule)
        return {k: d[k] for k in ("title", "minutes", "attempts", "pass_mark", "partial_credit")} | {
            "rules": rules
        }


class QuestionImportForm(forms.Form):
    file = forms.FileField(label=_("题库文件（.xlsx、.xls 或 .csv）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError(_("请上传 Excel（.xlsx 或 .xls）或 .csv 文件"))
        if reason := import_too_large(f.size):
            raise forms.ValidationError(reason)
        return f


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("证书验证码"), max_length=32)


class ContestForm(AudienceFields):
    """A contest with up to four criteria (a row left empty is no criterion)."""

    CRITERIA = 4
    title = forms.CharField(label=_("比武名称"), max_length=120)
    summary = forms.CharField(
        label=_("简介"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rule = forms.ChoiceField(label=_("计分规则"), choices=ContestRule.choices)
    judges = forms.CharField(label=_("评委用户名（逗号分开，第一位是总裁判长）"), max_length=2000)
    exclude_own_org = forms.BooleanField(label=_("评委回避本单位选手"), required=False, initial=True)
    submissions = forms.BooleanField(label=_("需要提交作品（说明和照片、视频或文件）"), required=False)
    exam = forms.TypedChoiceField(
        label=_("笔试（通过才进入决赛评分）"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, exams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exam"].choices = [("", _("不设笔试"))] + [(e.pk, e.title) for e in exams]
        for i in range(self.CRITERIA):
            n = i + 1
            self.fields[f"criteria.{i}.name"] = forms.CharField(
                label=_("评分项 %(n)d") % {"n": n}, max_length=30, required=False
            )
            self.fields[f"criteria.{i}.weight"] = forms.FloatField(
                label=_("评分项 %(n)d 的权重") % {"n": n}, min_value=0.01, max_value=100, required=False
            )

    def data_for_service(self) -> dict:
        d = self.cleaned_data
        criteria = [
            {"name": d[f"criteria.{i}.name"].strip(), "weight": d.get(f"criteria.{i}.weight") or 1}
            for i in range(self.CRITERIA)
            if (d.get(f"criteria.{i}.name") or "").strip()
        ]
        judges = [u for u in d["judges"].replace("，", ",").replace(" ", ",").split(",") if u.strip()]
        return {
            "title": d["title"], "summary": d["summary"], "rule": d["rule"], "judges": judges,
            "exclude_own_org": d["exclude_own_org"], "submissions": d["submissions"], "exam": d.get("exam"),
            "criteria": criteria, "audience": self.audience(),
        }  # fmt: skip


class WorkForm(forms.Form):
    work = forms.CharField(label=_("作品说明"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("照片、视频或文件（可不传）"), required=False)


class ReviewForm(forms.Form):
    reason = forms.CharField(label=_("复核理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
