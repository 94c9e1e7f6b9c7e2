from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionhome.core.bounds import DayField, MomentField
from unionhome.core.fields import form_field
from unionhome.core.forms import DateInput, DateTimeInput
from unionhome.members.forms import AudienceFields

from .models import Activity, Booking, Discount, DiscountCategory, Offer, OfferMode, Venue

WHEN = DateTimeInput()


class ActivityForm(AudienceFields):
    title = form_field(Activity, "title")
    description = form_field(Activity, "description", widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = MomentField(label=_("开始时间"), widget=WHEN)
    ends_at = MomentField(label=_("结束时间"), widget=WHEN)
    signup_closes_at = MomentField(label=_("报名截止（不填为开始时间）"), required=False, widget=WHEN)
    place = form_field(Activity, "place")
    online_url = form_field(Activity, "online_url")
    capacity = form_field(Activity, "capacity")
    materials = forms.FileField(label=_("活动资料（PDF 或图片，活动后会员可下载）"), required=False)
    field_order = [
        "title",
        "description",
        "starts_at",
        "ends_at",
        "signup_closes_at",
        "place",
        "online_url",
        "capacity",
    ]


class OfferForm(AudienceFields):
    title = form_field(Offer, "title")
    description = form_field(Offer, "description", widget=forms.Textarea(attrs={"rows": 3}))
    mode = forms.ChoiceField(label=_("方式"), choices=OfferMode.choices, widget=forms.RadioSelect)
    quantity = form_field(Offer, "quantity")
    per_member = form_field(Offer, "per_member")
    opens_at = MomentField(label=_("开始时间"), widget=WHEN)
    closes_at = MomentField(label=_("结束时间（抽签：报名截止，随后开奖）"), widget=WHEN)
    field_order = ["title", "description", "mode", "quantity", "per_member", "opens_at", "closes_at"]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("打分"),
        coerce=int,
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("说说感受（可不填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CheckinForm(forms.Form):
    token = forms.CharField(
        label=_("票券码"),
        max_length=200,
        help_text=_("扫码枪扫描、摄像头识别，或手工输入二维码下方的 10 位数字"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "inputmode": "text"}),
    )


class VenueForm(forms.Form):
    name = form_field(Venue, "name", label=_("场地名称"))
    address = form_field(Venue, "address")
    capacity = form_field(Venue, "capacity", required=False)
    description = form_field(Venue, "description", widget=forms.Textarea(attrs={"rows": 2}))
    shared_under = forms.ChoiceField(label=_("共享给"), required=False)
    auto_approve = forms.BooleanField(label=_("预约自动批准"), required=False)

    def __init__(self, *args, share_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_under"].choices = [("", _("只给本工会使用"))] + [
            (str(o.pk), _("%(org)s 下的所有工会") % {"org": o.name}) for o in share_choices
        ]

    def clean_capacity(self) -> int:
        return self.cleaned_data.get("capacity") or 0

    def clean_shared_under(self) -> int | None:
        return int(self.cleaned_data["shared_under"]) if self.cleaned_data.get("shared_under") else None


class BookingForm(forms.Form):
    day = DayField(label=_("日期"), widget=DateInput())
    start = forms.TimeField(
        label=_("开始（整点或半点）"), widget=forms.TimeInput(attrs={"type": "time", "step": 1800})
    )
    end = forms.TimeField(label=_("结束"), widget=forms.TimeInput(attrs={"type": "time", "step": 1800}))
    purpose = form_field(Booking, "purpose")


class DiscountForm(forms.Form):
    merchant = form_field(Discount, "merchant")
    category = forms.ChoiceField(label=_("类别"), choices=DiscountCategory.choices)
    title = form_field(Discount, "title")
    description = form_field(Discount, "description", widget=forms.Textarea(attrs={"rows": 3}))
    address = form_field(Discount, "address")
    phone = form_field(Discount, "phone")
    valid_from = DayField(label=_("开始日期"), widget=DateInput())
    valid_until = DayField(label=_("截止日期"), widget=DateInput())
