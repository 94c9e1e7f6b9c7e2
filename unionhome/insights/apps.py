from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "unionhome.insights"
    label = "insights"
    verbose_name = "数据洞察"

    def ready(self):
        from unionhome.core import demo
        from unionhome.core.panels import member_panel

        demo.step(70, "unionhome.insights.demo.demo_step")
        member_panel(
            10, "unionhome.insights.recommend.panel", ("home", "activities", "news", "benefits", "learning")
        )
