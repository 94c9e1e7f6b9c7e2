from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "unionhome.appeals"
    label = "appeals"
    verbose_name = "诉求闭环"

    def ready(self) -> None:
        from unionhome.core import demo
        from unionhome.core.audit import describe_actions

        from .actions import ACTIONS

        describe_actions(ACTIONS)
        demo.step(20, "unionhome.appeals.demo.demo_step")
