from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "unionhome.benefits"
    label = "benefits"
    verbose_name = "福利申领与帮扶"

    def ready(self) -> None:
        from unionhome.core import demo
        from unionhome.core.audit import describe_actions

        from .actions import ACTIONS

        describe_actions(ACTIONS)
        demo.step(60, "unionhome.benefits.demo.demo_step")
