from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from unionhome.core.bounds import AGE_MAX, AGE_MIN, LifeDayField
from unionhome.core.crypto import mask_phone
from unionhome.core.fields import form_field
from unionhome.core.forms import DateInput
from unionhome.core.models import Department, Org, OrgKind, Role, Site
from unionhome.core.phones import code_field, phone_field
from unionhome.core.scoping import by_rule, within
from unionhome.core.uploads import import_too_large

from . import idcard, roster_cells
from .models import ConsentPurpose, Member, Post, ServiceGroup, Shift, SkillLevel


class AccountFields(forms.Form):
    """For someone who has no account yet: the join form creates one."""

    password1 = forms.CharField(
        label=_("设置密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 位，可以全是数字；不要用手机号或 12345678 这样的"),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致"))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class JoinForm(forms.Form):
    org = forms.ModelChoiceField(label=_("所在工会"), queryset=Org.objects.none(), empty_label=_("请选择"))
    name = forms.CharField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = phone_field()
    code = code_field(help_text=_("先点“发送验证码”，把手机收到的6位数字填在这里"))
    employee_no = forms.CharField(
        label=_("工号"), max_length=30, required=False, help_text=_("填写工号，与单位花名册一致时可立即入会")
    )
    site = forms.ModelChoiceField(
        label=_("工作地点"), queryset=Site.objects.none(), required=False, empty_label=_("请选择")
    )
    post = forms.ChoiceField(label=_("岗位"), choices=Post.choices, initial=Post.OTHER)
    id_number = forms.CharField(
        label=_("身份证号（选填）"),
        max_length=18,
        required=False,
        help_text=_("加密保存，只显示前3位和后4位"),
    )
    id_consent = forms.BooleanField(
        label=_("我单独同意工会处理我的身份证号（敏感个人信息），用于会员身份核验"), required=False
    )
    service_consent = forms.BooleanField(
        label=_("我已阅读并同意《个人信息保护说明》：工会处理我的个人信息用于会员服务"),
        error_messages={"required": _("请阅读并勾选同意")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(kind=OrgKind.ENTERPRISE).order_by("name")
        sites = by_rule(Site.objects, "the join form lists every workplace to choose from")
        self.fields["site"].queryset = sites.filter(
            org__kind__in=[OrgKind.ENTERPRISE, OrgKind.BRANCH]
        ).order_by("name")

    def clean_phone(self):
        # Whether the phone already has an account is said only after its code is proved
        # (members.views.join): said here, it would tell a stranger whose phone is registered.
        value = idcard.normalise_phone(self.cleaned_data["phone"])
        if reason := idcard.phone_error(value):
            raise forms.ValidationError(reason)
        return value

    def clean_id_number(self):
        value = idcard.normalise_id(self.cleaned_data.get("id_number", ""))
        if value and (reason := idcard.id_error(value)):
            raise forms.ValidationError(reason)
        return value

    def clean(self):
        data = super().clean()
        if data.get("id_number") and not data.get("id_consent"):
            self.add_error("id_consent", _("填写身份证号需要您单独同意"))
        return data


class JoinCodeForm(forms.Form):
    """The code texted to the phone on the roster entry the applicant claims."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "site",
            "post",
            "skill_level",
            "employment_type",
            "shift",
            "hired_on",
            "skills",
            "interests",
        ]
        widgets = {"hired_on": DateInput()}
        labels = {"site": _("工作地点")}
        field_classes = {"hired_on": LifeDayField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.instance.org.enterprise() or self.instance.org
        self.fields["site"].queryset = within(Site.objects, enterprise)
        self.fields["site"].empty_label = _("未选择")


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "name",
            "phone",
            "employee_no",
            "site",
            "post",
            "skill_level",
            "employment_type",
            "shift",
            "hired_on",
            "skills",
            "interests",
            "tags",
            "posted_away",
            "hardship",
        ]
        widgets = {"hired_on": DateInput()}
        labels = {"site": _("工作地点")}
        field_classes = {"hired_on": LifeDayField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enterprise = self.instance.org.enterprise() or self.instance.org
        self.fields["site"].queryset = within(Site.objects, enterprise)
        # The phone is never put into the page: the box starts empty, shows the masked number,
        # and an empty box keeps the number (reading it in full is a logged reveal).
        phone = self.fields["phone"]
        phone.required = False
        phone.label = _("新手机号")
        phone.help_text = _("留空则不修改")
        phone.widget.attrs |= {"placeholder": mask_phone(self.instance.phone), "inputmode": "tel"}
        self.initial["phone"] = ""

    def clean_phone(self):
        value = idcard.normalise_phone(self.cleaned_data.get("phone") or "")
        if not value:
            return self.instance.phone
        if reason := idcard.phone_error(value):
            raise forms.ValidationError(reason)
        return value


class TransferForm(forms.Form):
    to_org = forms.ModelChoiceField(label=_("转入工会"), queryset=Org.objects.none(), empty_label=_("请选择"))
    new_employer = forms.CharField(label=_("新工作单位"), max_length=100, required=False)
    new_employee_no = forms.CharField(label=_("新工号"), max_length=30, required=False)
    reason = forms.CharField(
        label=_("转会原因"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = Org.objects.filter(
            kind__in=[OrgKind.ENTERPRISE, OrgKind.BRANCH]
        ).exclude(pk=member.org_id)


class ConsentForm(forms.Form):
    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for purpose, label in ConsentPurpose.choices:
            self.fields[purpose] = forms.BooleanField(
                label=label, required=False, initial=current.get(purpose, False)
            )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class DeletionForm(forms.Form):
    reason = forms.CharField(
        label=_("原因（选填）"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(label=_("我明白：删除后账号将停用，会籍记录按法律要求匿名保留"))


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看用途"), max_length=200, min_length=2)


class RosterUploadForm(forms.Form):
    org = forms.ModelChoiceField(label=_("导入到"), queryset=Org.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("花名册文件"),
        help_text=_("Excel（.xlsx、.xls）或 .csv 均可；表头上方有标题行也没关系"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    site_column = forms.ChoiceField(
        label=_("工作地点在哪一列"),
        required=False,
        choices=[("", _("“工作地点”列（默认）"))] + [(c, c) for c in roster_cells.SITE_COLUMNS],
        help_text=_("表格里没有“工作地点”列、而是写在“部门”等列时选择"),
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xls", ".csv")):
            raise forms.ValidationError(_("请上传 Excel（.xlsx 或 .xls）或 .csv 文件"))
        if reason := import_too_large(f.size):
            raise forms.ValidationError(reason)
        return f


class AudienceFields(forms.Form):
    """Who an activity, offer, claim type, campaign or notice is for; nothing ticked means every
    member of the union. The one set of audience fields of every form (the API's is
    `audience.AudienceIn`); a form that may also aim at roles sets `with_roles = True`."""

    with_roles = False

    sites = forms.MultipleChoiceField(
        label=_("工作地点（不选为全部）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = forms.MultipleChoiceField(
        label=_("服务群体"), required=False, choices=ServiceGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    posts = forms.MultipleChoiceField(
        label=_("岗位"), required=False, choices=Post.choices, widget=forms.CheckboxSelectMultiple
    )
    levels = forms.MultipleChoiceField(
        label=_("技能等级"), required=False, choices=SkillLevel.choices, widget=forms.CheckboxSelectMultiple
    )
    shifts = forms.MultipleChoiceField(
        label=_("班次"), required=False, choices=Shift.choices, widget=forms.CheckboxSelectMultiple
    )
    age_min = forms.IntegerField(label=_("最小年龄"), required=False, min_value=AGE_MIN, max_value=AGE_MAX)
    age_max = forms.IntegerField(label=_("最大年龄"), required=False, min_value=AGE_MIN, max_value=AGE_MAX)

    roles = forms.MultipleChoiceField(
        label=_("角色"), required=False, choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].choices = [(str(s.pk), s.name) for s in sites]
        if not self.with_roles:
            del self.fields["roles"]

    def audience(self) -> dict:
        data = self.cleaned_data
        audience = {
            "sites": [int(s) for s in data.get("sites") or []],
            "groups": data.get("groups") or [],
            "posts": data.get("posts") or [],
            "levels": data.get("levels") or [],
            "shifts": data.get("shifts") or [],
            "age_min": data.get("age_min"),
            "age_max": data.get("age_max"),
        }
        if self.with_roles:
            audience["roles"] = data.get("roles") or []
        return audience

    def values(self, *, leave: tuple[str, ...] = ()) -> dict:
        """What the form's service takes: every other field as typed (but those in `leave`), and
        the audience as one value."""
        own = set(AudienceFields.base_fields) | set(leave)
        return {k: v for k, v in self.cleaned_data.items() if k not in own} | {"audience": self.audience()}


class DepartmentForm(forms.Form):
    org = forms.ModelChoiceField(label=_("所属单位"), queryset=Org.objects.none(), empty_label=None)
    name = form_field(Department, "name")

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class HandlerForm(forms.Form):
    who = forms.CharField(
        label=_("承办人手机号或工号"),
        max_length=30,
        help_text=_("须是本单位已注册的会员"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
