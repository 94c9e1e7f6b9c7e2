from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "unionhome.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.urls import register_converter

        from .bounds import IdConverter

        # `<id:pk>` in every app's URLs: a record id a row could have; a longer number is a 404,
        # not a driver overflow.
        register_converter(IdConverter, "id")
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.backends.signals import connection_created

        from .auth import count_failure, forget_session, record_session

        user_logged_in.connect(record_session, dispatch_uid="unionhome.auth.record_session")
        user_logged_out.connect(forget_session, dispatch_uid="unionhome.auth.forget_session")
        user_login_failed.connect(count_failure, dispatch_uid="unionhome.auth.count_failure")

        from .sqlite import start_checkpointer

        connection_created.connect(start_checkpointer, dispatch_uid="unionhome.sqlite.checkpointer")

        from huey.contrib.djhuey import HUEY

        from .guard import task_ends, task_starts

        HUEY.pre_execute(name="scope_guard_off")(task_starts)
        HUEY.post_execute(name="scope_guard_back")(task_ends)

        from django.contrib import admin

        # The admin reads every org (core.guard): it opens for an active superuser only, whom
        # core.scoping lets see everything anyway.
        admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
