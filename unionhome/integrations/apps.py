from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "unionhome.integrations"
    label = "integrations"
    verbose_name = "人事与考勤接口"

    def ready(self) -> None:
        from unionhome.core.audit import describe_actions

        from .actions import ACTIONS

        describe_actions(ACTIONS)

        from django.utils.translation import gettext_lazy as _

        from unionhome.core.sources import source

        source(
            "attendance_overtime", _("考勤：加班工时合计"), "unionhome.integrations.figures.overtime_hours"
        )
        source("attendance_hours", _("考勤：出勤工时合计"), "unionhome.integrations.figures.worked_hours")
