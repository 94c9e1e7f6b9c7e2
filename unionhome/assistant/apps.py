from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "unionhome.assistant"
    label = "assistant"
    verbose_name = "智能客服"

    def ready(self) -> None:
        from unionhome.core import demo, warmup
        from unionhome.core.audit import describe_actions

        from .actions import ACTIONS

        describe_actions(ACTIONS)
        demo.step(30, "unionhome.assistant.services.demo_step")
        warmup.artefact(
            "assistant index",
            prepare="unionhome.assistant.engine.prepare",
            load="unionhome.assistant.engine.load",
            loaded="unionhome.assistant.engine.is_loaded",
        )
