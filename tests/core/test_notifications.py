from django.utils import translation
from django.utils.translation import gettext_lazy as _l

from unionhome.appeals.models import Outcome
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


def test_a_message_is_written_in_its_recipients_language(db, settings):
    """Whoever causes it, and in whatever language they work, each recipient reads the message in
    their own; a placeholder's value that is itself translatable (a choice's label) follows."""
    settings.NOTIFY_CHANNELS = []
    english, chinese, unset = UserFactory(language="en"), UserFactory(language="zh-hans"), UserFactory()
    title = notifications.Message(_l("候补成功：%(t)s"), t="观影")
    body = notifications.Message(_l("诉求 %(n)s 已办结（%(o)s），请评价"), n="SQ1", o=Outcome.RESOLVED.label)
    with translation.override("en"):  # e.g. staff who work in English
        for user in (english, chinese, unset):
            notifications.notify(user, title, body)
    with translation.override("zh-hans"):
        notifications.notify(english, (_l("【急难】"), title), _l("请到“我的票券”查看二维码。"))
    assert list(Notification.objects.filter(user=english).values_list("title", "body")) == [
        ("[Urgent] You got a place: 观影", "See the QR code in My tickets."),
        ("You got a place: 观影", "Appeal SQ1 closed (Resolved); please rate it"),
    ]
    for user in (chinese, unset):
        assert Notification.objects.values_list("title", "body").get(user=user) == (
            "候补成功：观影",
            "诉求 SQ1 已办结（已解决），请评价",
        )


def test_fan_out_puts_a_message_into_words_once_per_language(db, settings, django_assert_max_num_queries):
    settings.NOTIFY_CHANNELS = []
    users = [UserFactory(language="en" if i % 3 == 0 else "") for i in range(30)]
    notifications.BATCH, old = 10, notifications.BATCH
    try:
        # Per batch: the recipients' languages, then the insert (+ savepoint noise).
        with django_assert_max_num_queries(6 + 2):
            assert notifications.notify_many([u.pk for u in users], _l("入会申请已通过")) == 30
    finally:
        notifications.BATCH = old
    titles = dict(Notification.objects.values_list("user_id", "title"))
    assert {titles[u.pk] for u in users if u.language == "en"} == {"Join application approved"}
    assert {titles[u.pk] for u in users if u.language != "en"} == {"入会申请已通过"}


def test_plain_text_goes_as_typed(db):
    """A notice's title as staff typed it is not looked up in the catalogue."""
    user = UserFactory(language="en")
    notifications.notify(user, "入会申请已通过")
    assert Notification.objects.get(user=user).title == "入会申请已通过"


def test_wechat_gateway_gets_each_recipients_words_and_a_failing_one_stops_nothing(
    db, settings, stub_server, django_capture_on_commit_callbacks
):
    settings.NOTIFY_CHANNELS = ["wechat"]
    settings.WECHAT_GATEWAY_URL = stub_server.url + "/wechat"
    english, chinese = UserFactory(language="en"), UserFactory()
    title = notifications.Message(_l("候补成功：%(t)s"), t="观影")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_many([english, chinese], title, url="/tickets/")
    sent = sorted(
        (r["json"]["to"], r["json"]["title"]) for r in stub_server.requests if r["path"] == "/wechat"
    )
    assert sent == sorted([(english.phone, "You got a place: 观影"), (chinese.phone, "候补成功：观影")])
    stub_server.reply = 503  # the gateway is down: logged, and the rest of the batch still goes
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert notifications.deliver(ids, ["wechat", "console"]) == 2


def test_email_channel_sends_to_those_with_an_address(
    db, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.NOTIFY_CHANNELS = ["email"]
    with_address, without = UserFactory(email="wang@example.org", language="en"), UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_many([with_address, without], _l("入会申请已通过"), "欢迎")
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [
        (["wang@example.org"], "Join application approved", "欢迎")
    ]


def _logged(caplog) -> str:
    """Every log record's words and arguments, as one text to search."""
    return "\n".join(f"{r.getMessage()} {r.args!r} {r.msg!r}" for r in caplog.records)


def test_a_secret_message_reaches_the_member_but_never_the_log(
    db, settings, caplog, stub_server, django_capture_on_commit_callbacks
):
    """The console channel logs an ordinary message's title (what a developer reads), but of a
    secret one only its ids; a failing gateway's error for a secret is logged by its class."""
    settings.NOTIFY_CHANNELS = ["console", "sms"]
    settings.SMS_GATEWAY_URL = stub_server.url + "/sms"
    user = UserFactory()
    caplog.set_level("DEBUG")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user, "入会申请已通过")
        secret = notifications.notify(
            user, notifications.Message(_l("代办验证码：%(code)s"), code="493817"), "秘密 493817", secret=True
        )
        notifications.notify_many([user], "验证码 271828", "271828", secret=True)
    assert "入会申请已通过" in _logged(caplog)
    assert f"notification {secret.pk} to user {user.pk}" in _logged(caplog)
    assert "493817" not in _logged(caplog) and "271828" not in _logged(caplog)
    # The member still gets it, in the inbox and by SMS.
    assert Notification.objects.get(pk=secret.pk).title == "代办验证码：493817"
    assert any("493817" in r["json"]["title"] for r in stub_server.requests if r["path"] == "/sms")
    stub_server.reply = 503
    caplog.clear()
    assert notifications.deliver([secret.pk], ["sms", "console"], secret=True) == 1
    assert "493817" not in _logged(caplog) and "failed" in _logged(caplog)


def test_a_secret_is_not_mailed(db, settings, mailoutbox, caplog, django_capture_on_commit_callbacks):
    """A one-time code is for the phone it proves; and a developer's mail backend prints mail to
    the server's log."""
    settings.NOTIFY_CHANNELS = ["email"]
    user = UserFactory(email="wang@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user, "验证码 271828", "271828", secret=True)
        notifications.notify(user, "入会申请已通过")
    assert [m.subject for m in mailoutbox] == ["入会申请已通过"]
    assert "271828" not in _logged(caplog)
