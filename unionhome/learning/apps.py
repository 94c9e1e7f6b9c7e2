from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "unionhome.learning"
    label = "learning"
    verbose_name = "技能提升"

    def ready(self):
        from unionhome.core import demo
        from unionhome.core.audit import describe_actions

        from .actions import ACTIONS

        describe_actions(ACTIONS)
        demo.step(65, "unionhome.learning.demo.demo_step")
