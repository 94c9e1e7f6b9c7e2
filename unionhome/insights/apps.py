from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "unionhome.insights"
    label = "insights"
    verbose_name = "数据洞察"
