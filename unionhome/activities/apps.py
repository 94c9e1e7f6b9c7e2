from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "unionhome.activities"
    label = "activities"
    verbose_name = "活动、抢票与场地"

    def ready(self) -> None:
        from unionhome.core import demo
        from unionhome.core.audit import describe_actions

        from .actions import ACTIONS

        describe_actions(ACTIONS)
        demo.step(50, "unionhome.activities.demo.demo_step")
