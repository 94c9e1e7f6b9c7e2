from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "unionhome.core"
    label = "core"
    verbose_name = "核心"
