"""Human text for the actions this app writes to the audit trail (core.audit), registered from
its AppConfig.ready."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
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
}
