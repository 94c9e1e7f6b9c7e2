"""One way to write the audit trail: `log_action(obj, "members.member.updated", actor, data)`.

The dotted action names are turned into human text in one place (`describe`), and the member's
status timeline is built from the same rows (`timeline_for`)."""

from __future__ import annotations

import functools
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rows
from .models import AuditLog

# Human text for each action; an action not listed here is shown by its dotted name.
ACTION_TEXT: dict[str, Any] = {
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
    "benefits.claim_type.saved": _("保存申领类型"),
    "benefits.claim.drafted": _("创建申领草稿"),
    "benefits.claim.submitted": _("提交申领"),
    "benefits.claim.approved": _("已批准"),
    "benefits.claim.returned": _("退回补充材料"),
    "benefits.claim.rejected": _("未批准"),
    "benefits.claim.delivered": _("已发放"),
    "benefits.claim.viewed_sensitive": _("查看敏感信息"),
    "benefits.claim.file_opened": _("查看申领材料"),
    "benefits.fund.saved": _("保存经费"),
    "benefits.fund.paid": _("经费支出"),
    "benefits.fund.exported": _("导出经费台账"),
    "benefits.proxy.code_sent": _("发送代办验证码"),
    "benefits.proxy.granted": _("会员同意代办"),
    "benefits.hardship.opened": _("受理帮扶申请"),
    "benefits.hardship.assigned": _("指定负责人"),
    "benefits.hardship.verification": _("进入核实"),
    "benefits.hardship.consultation": _("进入会商"),
    "benefits.hardship.decision": _("进入审批决定"),
    "benefits.hardship.follow_up": _("进入回访跟踪"),
    "benefits.hardship.closed": _("帮扶办结"),
    "benefits.hardship.viewed_sensitive": _("查看敏感信息"),
    "benefits.hardship.file_opened": _("查看核查授权书"),
    "benefits.hardship.notice_published": _("发布帮扶公示"),
    "benefits.pairing.created": _("结对帮扶"),
    "benefits.pairing.ended": _("结束结对"),
    "benefits.visit.planned": _("安排走访"),
    "benefits.visit.recorded": _("记录走访"),
    "benefits.visit.evaluated": _("评价走访"),
    "benefits.service_item.saved": _("保存服务项目"),
    "benefits.campaign.saved": _("保存慰问活动"),
    "benefits.campaign.launched": _("发布慰问活动"),
    "benefits.campaign.delivered": _("登记领取"),
    "benefits.campaign.delivered_site": _("登记站点整体领取"),
    "assistant.handoff": _("智能客服转人工"),
    "assistant.entry.created": _("新增知识条目"),
    "assistant.entry.updated": _("修改知识条目"),
    "assistant.entry.retired": _("停用知识条目"),
    "assistant.question.dismissed": _("忽略未答问题"),
    "content.article.saved": _("保存资讯文章"),
    "content.notice.sent": _("发送定向通知"),
    "members.join.submitted": _("提交入会申请"),
    "members.join.approved": _("入会申请已通过"),
    "members.join.auto_approved": _("花名册核验通过，自动入会"),
    "members.join.code_not_sent": _("未能向花名册手机号发送验证码，转人工审核"),
    "members.join.rejected": _("入会申请未通过"),
    "members.transfer.requested": _("申请转会"),
    "members.transfer.accepted": _("转入单位已接收"),
    "members.transfer.rejected": _("转入单位未接收"),
    "members.transfer.cancelled": _("撤回转会申请"),
    "members.member.joined": _("成为会员"),
    "members.member.left": _("退会"),
    "members.member.updated": _("修改资料"),
    "members.member.viewed_sensitive": _("查看敏感信息"),
    "members.member.exported": _("导出本人数据"),
    "members.member.anonymised": _("个人信息已删除（匿名化）"),
    "members.member.employer_changed": _("更换工作单位，会籍保留"),
    "members.consent.granted": _("同意授权"),
    "members.consent.withdrawn": _("撤回授权"),
    "members.deletion.requested": _("申请删除个人信息"),
    "members.deletion.approved": _("删除申请已批准"),
    "members.deletion.rejected": _("删除申请未批准"),
    "members.roster.imported": _("导入花名册"),
    "members.roster.exported": _("导出花名册"),
    "core.auth.token_issued": _("签发接口令牌"),
    "appeals.appeal.submitted": _("诉求已提交"),
    "appeals.appeal.routed": _("已受理"),
    "appeals.appeal.dispatched": _("已转部门会办"),
    "appeals.dispatch.answered": _("承办部门已反馈"),
    "appeals.appeal.closed": _("已办结"),
    "appeals.appeal.followed_up": _("已回访"),
    "appeals.appeal.rated": _("职工已评价"),
    "appeals.appeal.answered": _("各部门均已反馈"),
    "appeals.appeal.reopened": _("重新办理"),
    "appeals.appeal.overdue": _("已超期，已报告工会主席督办"),
    "appeals.appeal.urgent_alert": _("紧急诉求，已通知工会主席"),
    "appeals.appeal.categorised": _("确认诉求类别"),
    "appeals.appeal.assigned": _("指定承办人"),
    "appeals.legal.opened": _("法律服务已登记"),
    "appeals.legal.remind": _("提示"),
    "appeals.legal.consult": _("会商"),
    "appeals.legal.letter": _("发函"),
    "appeals.legal.review": _("整改复核"),
    "appeals.legal.handover": _("移交上级工会或劳动监察"),
    "appeals.legal.agreement": _("调解协议"),
    "appeals.legal.closed": _("已结案"),
}


def object_ref(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def log_action(
    obj: models.Model,
    action: str,
    actor=None,
    data: dict | None = None,
    *,
    org=None,
    timeline: bool = False,
) -> None:
    """Write one audit entry. Its key is not read back, so in a pipelined write
    (`rows.pipelined`) the entry does not wait for the database's answer."""
    object_type, object_id = object_ref(obj)
    if org is None:
        org = getattr(obj, "org", None)
    rows.insert(
        AuditLog(
            actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            org=org,
            data=data or {},
            timeline=timeline,
        ),
        read_pk=False,
    )


def describe(action: str) -> str:
    return str(ACTION_TEXT.get(action, action))


def timeline_for(obj: models.Model):
    object_type, object_id = object_ref(obj)
    return AuditLog.objects.filter(
        object_type=object_type, object_id=object_id, timeline=True
    ).select_related("actor")


def _entry(log: AuditLog) -> dict:
    from django.utils import timezone

    return {"at": timezone.localtime(log.at), "text": describe(log.action), "note": log.data.get("note", "")}


def timeline_entries(obj: models.Model, found: list[tuple] | None = None) -> list[dict]:
    """The timeline as people read it: local time, the action in words, the note. Read by hand
    (core.rows): a member polling a request's status reads it each time. `found`: its rows, when
    they were read with the record (`rows.get_with_children` with `timeline_link`)."""
    if found is None:
        object_type, object_id = object_ref(obj)
        found = rows.fetch_all(_timeline_sql(), [object_type, object_id])
    return [_entry(rows.instance(AuditLog, row)) for row in found]


TIMELINE_ORDER = "c.at, c.id"


def timeline_link(model: type[models.Model], pk) -> tuple[str, list]:
    """The condition that joins a record's timeline entries (as `c`) to a read of the record."""
    return "c.object_type = %s AND c.object_id = %s AND c.timeline", [model._meta.label_lower, str(pk)]


@functools.cache
def _timeline_sql() -> str:
    return (
        f"SELECT {rows.columns(AuditLog, 'a')} FROM {AuditLog._meta.db_table} a"  # noqa: S608 — names from the model
        " WHERE a.object_type = %s AND a.object_id = %s AND a.timeline ORDER BY a.at, a.id"
    )


def timelines_for(objs) -> dict[str, list[dict]]:
    """The timelines of many records of one model in one query, keyed by primary key (as text):
    for lists that show each record's timeline."""
    objs = list(objs)
    if not objs:
        return {}
    logs = AuditLog.objects.filter(
        object_type=objs[0]._meta.label_lower, object_id__in=[str(o.pk) for o in objs], timeline=True
    ).order_by("at", "pk")
    found: dict[str, list[dict]] = {str(o.pk): [] for o in objs}
    for log in logs:
        found[log.object_id].append(_entry(log))
    return found
