"""Human text for the actions this app writes to the audit trail (core.audit), registered from
its AppConfig.ready."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "assistant.handoff": _("智能客服转人工"),
    "assistant.entry.created": _("新增知识条目"),
    "assistant.entry.updated": _("修改知识条目"),
    "assistant.entry.retired": _("停用知识条目"),
    "assistant.question.dismissed": _("忽略未答问题"),
}
