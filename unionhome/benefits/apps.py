from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "unionhome.benefits"
    label = "benefits"
    verbose_name = "福利申领与帮扶"
