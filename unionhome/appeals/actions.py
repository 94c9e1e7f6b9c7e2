"""Human text for the actions this app writes to the audit trail (core.audit), registered from
its AppConfig.ready."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "appeals.appeal.submitted": _("诉求已提交"),
    "appeals.history.imported": _("导入历史诉求台账"),
    "appeals.appeal.routed": _("已受理"),
    "appeals.appeal.dispatched": _("已转部门会办"),
    "appeals.dispatch.answered": _("承办部门已反馈"),
    "appeals.dispatch.answered_for": _("工会代部门反馈"),
    "appeals.dispatch.withdrawn": _("撤回会办单"),
    "appeals.dispatch.resent": _("会办单改派或催办"),
    "appeals.appeal.closed": _("已办结"),
    "appeals.appeal.followed_up": _("已回访"),
    "appeals.appeal.rated": _("职工已评价"),
    "appeals.appeal.answered": _("各部门均已反馈"),
    "appeals.appeal.dispatch_ended": _("会办已结束（有部门撤回）"),
    "appeals.appeal.supplemented": _("职工补充了材料"),
    "appeals.appeal.urged": _("职工催办"),
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
