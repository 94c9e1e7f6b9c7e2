from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "unionhome.activities"
    label = "activities"
    verbose_name = "活动、抢票与场地"
