"""Human text for the actions this app writes to the audit trail (core.audit), registered from
its AppConfig.ready."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "content.article.saved": _("保存资讯文章"),
    "content.notice.sent": _("发送定向通知"),
}
