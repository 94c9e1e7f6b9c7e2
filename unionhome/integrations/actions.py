"""Human text for the actions this app writes to the audit trail (core.audit)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "integrations.integration.created": _("新建人事/考勤接口"),
    "integrations.member.hired": _("人事系统：入职"),
    "integrations.member.left": _("人事系统：离职"),
    "integrations.member.changed": _("人事系统：调岗或调班"),
}
