from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "unionhome.appeals"
    label = "appeals"
    verbose_name = "诉求闭环"
