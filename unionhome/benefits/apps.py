from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "unionhome.benefits"
    label = "benefits"
    verbose_name = "福利申领与帮扶"

    def ready(self) -> None:
        from unionhome.core import demo
        from unionhome.core.audit import describe_actions
        from unionhome.core.panels import panel

        from .actions import ACTIONS

        describe_actions(ACTIONS)
        panel(20, "unionhome.benefits.panels.to_sign")
        panel(40, "unionhome.benefits.panels.overdue_cases")
        panel(50, "unionhome.benefits.panels.fund_balances")
        demo.step(60, "unionhome.benefits.demo.demo_step")
