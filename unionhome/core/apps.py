from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "unionhome.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .sqlite import start_checkpointer

        connection_created.connect(start_checkpointer, dispatch_uid="unionhome.sqlite.checkpointer")
