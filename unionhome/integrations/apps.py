from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "unionhome.integrations"
    label = "integrations"
    verbose_name = "人事与考勤接口"

    def ready(self) -> None:
        from unionhome.core.audit import describe_actions

        from .actions import ACTIONS

        describe_actions(ACTIONS)
