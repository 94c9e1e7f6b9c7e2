"""Logging in with a code texted to one's phone, and setting a new password the same way: for
members who never remember a password. Both answer the same whether or not a number has an
account (core.otp.send_to_account)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, password_validation
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from . import otp
from .access import work_home
from .errors import DomainError
from .links import link_or
from .phones import code_field, normalise_phone, phone_error, phone_field, show_demo_code
from .throttle import address_key

LOGIN_TEXT = _l("【网上职工之家】您的登录验证码 %(code)s，10分钟内有效。请勿告诉任何人。")
RESET_TEXT = _l("【网上职工之家】您正在重设密码，验证码 %(code)s，10分钟内有效。不是本人操作请忽略。")
BACKEND = "unionhome.core.auth.PhoneOrUsernameBackend"


class PhoneCodeForm(forms.Form):
    phone = phone_field()
    code = code_field()

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if reason := phone_error(phone):
            raise forms.ValidationError(reason)
        return phone


class ResetForm(PhoneCodeForm):
    new_password1 = forms.CharField(
        label=_l("新密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_l("至少 8 位，可以全是数字；不要用生日、手机号或 12345678 这样的"),
    )
    new_password2 = forms.CharField(
        label=_l("再输一遍新密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def _account(phone: str):
    return get_user_model().objects.filter(phone=phone, is_active=True).order_by("pk").first()


def _send(request, form, *, purpose: str, text) -> int:
    """Text a code if the number has an account; the same message either way. The status."""
    phone = form.cleaned_data["phone"]
    try:
        code = otp.send_to_account(
            exists=_account(phone) is not None,
            purpose=purpose,
            phone=phone,
            text=str(text),
            address=address_key(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return exc.status
    messages.info(request, _("如果这个号码已经注册，验证码已经发出，10分钟内有效。"))
    show_demo_code(request, code)
    return 200


def _checked(form, *, purpose: str):
    """The account whose phone the code proves, or None with the reason on the form."""
    phone, code = form.cleaned_data["phone"], form.cleaned_data.get("code", "")
    user = _account(phone)
    if not code:
        form.add_error("code", _("请填写短信验证码"))
    elif not otp.verify(purpose=purpose, target=phone, code=code) or user is None:
        form.add_error("code", _("验证码不对或已过期，请重新获取"))
    else:
        return user
    return None


def login_sms(request):
    form = PhoneCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send":
            status = _send(request, form, purpose="login", text=LOGIN_TEXT)
        elif (user := _checked(form, purpose="login")) is not None:
            login(request, user, backend=BACKEND)
            default = work_home(user) or "/"
            return HttpResponseRedirect(link_or(request.POST.get("next") or request.GET.get("next"), default))
        else:
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request, "core/login_sms.html", {"form": form, "next": request.GET.get("next", "")}, status=status
    )


def password_reset(request):
    form = ResetForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send":
            status = _send(request, form, purpose="reset", text=RESET_TEXT)
        elif _password_ok(form) and (user := _checked(form, purpose="reset")) is not None:
            user.set_password(form.cleaned_data["new_password1"])
            user.save()  # ends every session and token of the account (core.models.User.save)
            messages.success(request, _("新密码已设好，请用它登录。"))
            return redirect("login")
        else:
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "core/password_reset.html", {"form": form}, status=status)


def _password_ok(form) -> bool:
    """The new password, checked before the code is used up, so a weak one costs no code."""
    first, second = form.cleaned_data.get("new_password1", ""), form.cleaned_data.get("new_password2", "")
    if not first:
        form.add_error("new_password1", _("请设一个新密码"))
        return False
    if first != second:
        form.add_error("new_password2", _("两次输入的密码不一样"))
        return False
    try:
        password_validation.validate_password(first, _account(form.cleaned_data["phone"]))
    except forms.ValidationError as exc:
        form.add_error("new_password1", exc)
        return False
    return True
