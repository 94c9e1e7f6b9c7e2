from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "unionhome.members"
    label = "members"
    verbose_name = "会员与组织"

    def ready(self) -> None:
        from unionhome.core import demo
        from unionhome.core.audit import describe_actions

        from .actions import ACTIONS

        describe_actions(ACTIONS)
        demo.step(10, "unionhome.members.demo.demo_step")
