from django.apps import AppConfig


class DemocracyConfig(AppConfig):
    name = "unionhome.democracy"
    label = "democracy"
    verbose_name = "民主管理"

    def ready(self):
        from unionhome.core import demo

        demo.step(75, "unionhome.democracy.demo.demo_step")
