"""Human text for the actions this app writes to the audit trail (core.audit), registered from
its AppConfig.ready."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "members.proxy.code_sent": _("发送代办验证码"),
    "members.proxy.granted": _("会员同意代办"),
    "members.proxy.revoked": _("会员撤销代办授权"),
    # written before proxy consent moved here from benefits
    "benefits.proxy.code_sent": _("发送代办验证码"),
    "benefits.proxy.granted": _("会员同意代办"),
    "benefits.proxy.revoked": _("会员撤销代办授权"),
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
    "members.department.added": _("新增部门"),
    "members.department.retired": _("停用部门"),
    "members.department.restored": _("恢复部门"),
    "members.department.handler_added": _("指定部门承办人"),
    "members.department.handler_removed": _("移除部门承办人"),
}
