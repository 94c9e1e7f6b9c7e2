from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "unionhome.content"
    label = "content"
    verbose_name = "资讯与通知"

    def ready(self) -> None:
        from unionhome.core import demo
        from unionhome.core.audit import describe_actions

        from .actions import ACTIONS

        describe_actions(ACTIONS)
        demo.step(40, "unionhome.content.demo.demo_step")
