from unionhome.core import notifications
from unionhome.core.models import Notification

from ..factories import UserFactory


class Recorder:
    name = "recorder"

    def __init__(self):
        self.sent = []

    def send(self, notification):
        self.sent.append(notification.title)


def test_notify_writes_inbox_and_hands_to_channels(db, settings, django_capture_on_commit_callbacks):
    recorder = Recorder()
    notifications.register_adapter(recorder)
    settings.NOTIFY_CHANNELS = ["recorder"]
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user, "入会申请已通过", "欢迎")
    assert Notification.objects.get(user=user).title == "入会申请已通过"
    assert recorder.sent == ["入会申请已通过"]


def test_fan_out_is_batched(db, settings, django_assert_max_num_queries):
    settings.NOTIFY_CHANNELS = []
    users = [UserFactory() for _ in range(30)]
    notifications.BATCH, old = 10, notifications.BATCH
    try:
        with django_assert_max_num_queries(3 + 2):  # three bulk inserts (+ savepoint noise)
            assert notifications.notify_many([u.pk for u in users], "送清凉") == 30
    finally:
        notifications.BATCH = old
    assert Notification.objects.filter(title="送清凉").count() == 30


def test_unread_count_and_mark_read(db, django_assert_num_queries):
    user = UserFactory()
    for i in range(3):
        notifications.notify(user, f"消息{i}")
    with django_assert_num_queries(1):
        assert notifications.unread_count(user) == 3
    one = Notification.objects.filter(user=user).first()
    assert notifications.mark_read(user, one.pk) == 1
    assert notifications.unread_count(user) == 2
    assert notifications.mark_read(user) == 2
    assert notifications.unread_count(user) == 0


def test_inbox_page_and_api_show_only_own_messages(personas, as_user):
    notifications.notify(personas.member_user, "给王建国")
    notifications.notify(personas.other_user, "给李秀英")
    page = as_user(personas.member_user).get("/inbox/").content.decode()
    assert "给王建国" in page and "给李秀英" not in page
    data = as_user(personas.member_user).get("/api/v1/me/notifications").json()
    assert [n["title"] for n in data["items"]] == ["给王建国"]
    assert data["unread"] == 1
