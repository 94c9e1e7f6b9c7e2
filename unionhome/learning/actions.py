"""Human text for the actions this app writes to the audit trail (core.audit), registered from
its AppConfig.ready."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "learning.certificate.revoked": _("撤销证书"),
}
