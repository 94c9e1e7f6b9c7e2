from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "unionhome.appeals"
    label = "appeals"
    verbose_name = "诉求闭环"

    def ready(self) -> None:
        from unionhome.core import demo, warmup
        from unionhome.core.audit import describe_actions
        from unionhome.core.panels import panel

        from .actions import ACTIONS

        describe_actions(ACTIONS)
        panel(10, "unionhome.appeals.panels.urgent_appeals")
        panel(30, "unionhome.appeals.panels.overdue_appeals")
        demo.step(20, "unionhome.appeals.demo.demo_step")
        warmup.artefact(
            "appeal classifier",
            prepare="unionhome.appeals.classifier.prepare",
            load="unionhome.appeals.classifier.load",
            loaded="unionhome.appeals.classifier.is_loaded",
        )
