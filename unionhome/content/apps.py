from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "unionhome.content"
    label = "content"
    verbose_name = "资讯与通知"
