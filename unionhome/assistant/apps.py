from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "unionhome.assistant"
    label = "assistant"
    verbose_name = "智能客服"
