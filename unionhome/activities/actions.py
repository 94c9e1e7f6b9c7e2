"""Human text for the actions this app writes to the audit trail (core.audit), registered from
its AppConfig.ready."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "activities.activity.published": _("发布活动"),
    "activities.activity.updated": _("修改活动"),
    "activities.activity.cancelled": _("取消活动"),
    "activities.attendance.exported": _("导出签到表"),
    "activities.signup.cancelled": _("取消报名"),
    "activities.offer.created": _("发布抢票/抽签"),
    "activities.offer.drawn": _("抽签开奖"),
    "activities.claim.cancelled": _("放弃名额"),
    "activities.claim.released": _("释放未领取名额"),
    "activities.venue.saved": _("保存场地"),
    "activities.booking.created": _("预约场地"),
    "activities.booking.approved": _("批准场地预约"),
    "activities.booking.rejected": _("拒绝场地预约"),
    "activities.booking.cancelled": _("取消场地预约"),
    "activities.discount.saved": _("保存普惠优惠"),
}
