"""One `notify()`: write the in-app inbox, then hand each message to the channel adapters
(console, e-mail, and SMS / WeChat through the operator's gateway) as background tasks, after
commit.

A message is written in its recipient's language (`User.language`, Chinese when unset), not in
the language of whoever caused it: a member who reads English hears in English that the Chinese-
speaking staff member routed their appeal, and a deadline reminder written by the task queue is
in each recipient's own language too. So the texts given to `notify` are kept translatable until
then: a catalogue string (`gettext_lazy`), or a `Message` of one with its values; plain text
(a notice's title as staff typed it) goes as it is.

A message that carries a one-time code, a password or any other secret is sent with
`secret=True` (`notify(user, Message(_l("验证码：%(code)s"), code=code), secret=True)`, and the
same for `notify_many`). It still reaches the member's own inbox and their SMS or WeChat, since
that is how the code gets to them; it is not mailed (a code is for the phone it proves, and a
developer's mail backend prints to the log); a channel that writes to the server's log (the
console) says only "notification <id> to user <id>", never its words; and a failing gateway is
logged by the error's class alone. Logs are read by developers and operators and kept and copied
far longer than a code lives."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.functional import Promise

from . import rows
from .models import Notification
from .outbox import later
from .scoping import own

log = logging.getLogger("unionhome.notify")
BATCH = 1000


class ChannelAdapter(Protocol):
    """Delivers one notification. `is_secret(notification)` says whether it carries a secret: an
    adapter that logs must then leave its words out."""

    name: str

    def send(self, notification: Notification) -> None: ...


def is_secret(notification: Notification) -> bool:
    return bool(getattr(notification, "secret", False))


class ConsoleAdapter:
    """Writes to the log: the embedded default, and what a developer reads. A secret message is
    logged by its ids only."""

    name = "console"

    def send(self, notification: Notification) -> None:
        if is_secret(notification):
            log.info("notification %s to user %s (secret, not logged)", notification.pk, notification.user_id)
            return
        log.info("notify user=%s title=%s", notification.user_id, notification.title)


class EmailAdapter:
    """Mail to the user's address. A secret is not mailed: a one-time code is for the phone it
    proves, and a mail backend on a developer's or a demo machine prints to the server's log."""

    name = "email"

    def send(self, notification: Notification) -> None:
        address = notification.user.email
        if is_secret(notification):
            log.info("notification %s to user %s not mailed (secret)", notification.pk, notification.user_id)
            return
        if address:
            send_mail(notification.title, notification.body, settings.DEFAULT_FROM_EMAIL, [address])


class GatewayAdapter:
    """SMS or WeChat: POST {"to", "title", "body", "url"} to the gateway the operator runs (an
    SMS provider's or the WeChat official account's relay). Offered only when its URL is set."""

    def __init__(self, name: str, setting: str):
        self.name = name
        self.setting = setting

    @property
    def url(self) -> str:
        return getattr(settings, self.setting, "")

    def send(self, notification: Notification) -> None:
        phone = notification.user.phone
        if not self.url or not phone:
            return
        from .http import post_json

        post_json(
            self.url,
            {"to": phone, "title": notification.title, "body": notification.body, "url": notification.url},
        )


ADAPTERS: dict[str, ChannelAdapter] = {
    a.name: a
    for a in (
        ConsoleAdapter(),
        EmailAdapter(),
        GatewayAdapter("sms", "SMS_GATEWAY_URL"),
        GatewayAdapter("wechat", "WECHAT_GATEWAY_URL"),
    )
}


def optional_channels() -> list[str]:
    """The channels a sender may choose for a notice, besides the inbox."""
    return [name for name in ("sms", "wechat") if getattr(ADAPTERS[name], "url", "")]


def text_phone(phone: str, body: str) -> None:
    """A text to a phone with no account behind it (an inbox needs one): sent through the SMS
    gateway after the transaction commits; without a gateway, only logged (by its length)."""
    from .tasks import send_text

    later(send_text, phone, body)


def text_deliver(phone: str, body: str) -> None:
    if not settings.SMS_GATEWAY_URL:
        log.info("text of %d characters not sent: no SMS gateway", len(body))
        return
    from .http import post_json

    post_json(settings.SMS_GATEWAY_URL, {"to": phone, "title": "", "body": body, "url": ""})


def register_adapter(adapter: ChannelAdapter) -> None:
    ADAPTERS[adapter.name] = adapter


class Message:
    """A catalogue string and the values for its placeholders, put into words only for each
    recipient: `Message(_l("候补成功：%(t)s"), t=offer.title)` with `_l` = gettext_lazy. A value
    may itself be translatable (a choice's label, another Message)."""

    __slots__ = ("text", "values")

    def __init__(self, text: Promise | str, **values):
        self.text = text
        self.values = values

    def __str__(self) -> str:  # in the active language, like a lazy string
        text = str(self.text)
        if not self.values:
            return text
        return text % {k: str(v) if isinstance(v, Promise | Message) else v for k, v in self.values.items()}

    def __repr__(self) -> str:
        return f"Message({self.text!r}, **{self.values!r})"


Text = str | Promise | Message | tuple  # a tuple: its parts one after another (e.g. "【急难】" + title)


def in_language(text: Text, language: str | None) -> str:
    """`text` in `language` (a code of settings.LANGUAGES; the default when empty)."""
    if isinstance(text, str):
        return text
    with translation.override(language or settings.LANGUAGE_CODE):
        return _words(text)


def _words(text: Text) -> str:
    return "".join(_words(part) for part in text) if isinstance(text, tuple) else str(text)


def _translatable(*texts: Text) -> bool:
    return any(not isinstance(t, str) for t in texts)


def notify(
    user,
    title: Text,
    body: Text = "",
    url: str = "",
    *,
    ref: str = "",
    secret: bool = False,
    urgent: bool = False,
) -> Notification:
    """One message to one user. `secret`: it carries a code or another secret (see above).
    `urgent`: pinned at the top of the inbox until read."""
    language = user.language
    notification = Notification.objects.create(
        user=user,
        title=in_language(title, language),
        body=in_language(body, language),
        url=url,
        ref=ref,
        urgent=urgent,
    )
    notification.secret = secret
    _queue_delivery([notification.pk], secret=secret)
    return notification


def notify_many(
    users: Iterable,
    title: Text,
    body: Text = "",
    url: str = "",
    *,
    ref: str = "",
    channels=None,
    secret: bool = False,
    urgent: bool = False,
) -> int:
    """Fan-out in batches of bulk inserts: one statement per thousand members, not one each.
    `users`: users or their keys. A translatable message is put into words once per language,
    the recipients' languages read with each batch. `channels` adds channels (e.g. sms) to the
    configured ones for this message; `secret` as for `notify`."""
    count = 0
    batch: list[int] = []
    for user in users:
        batch.append(user if isinstance(user, int) else user.pk)
        if len(batch) >= BATCH:
            count += _flush(batch, title, body, url, ref, channels, secret, urgent)
            batch = []
    if batch:
        count += _flush(batch, title, body, url, ref, channels, secret, urgent)
    return count


def _flush(
    user_ids: list[int], title: Text, body: Text, url: str, ref: str, channels, secret: bool, urgent: bool
) -> int:
    languages = {}
    if _translatable(title, body):
        languages = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "language"))
    words: dict[str, tuple[str, str]] = {}
    batch = []
    for user_id in user_ids:
        language = languages.get(user_id) or settings.LANGUAGE_CODE
        if language not in words:
            words[language] = (in_language(title, language), in_language(body, language))
        title_words, body_words = words[language]
        batch.append(
            Notification(user_id=user_id, title=title_words, body=body_words, url=url, ref=ref, urgent=urgent)
        )
    created = Notification.objects.bulk_create(batch)
    ids = [n.pk for n in created if n.pk]
    if ids:
        _queue_delivery(ids, channels, secret=secret)
    return len(batch)


def _queue_delivery(ids: list[int], extra=None, *, secret: bool = False) -> None:
    from .tasks import deliver_notifications

    channels = [c for c in dict.fromkeys([*settings.NOTIFY_CHANNELS, *(extra or [])]) if c in ADAPTERS]
    if channels:
        # The flag goes with the task (whose row holds ids only), read again by `deliver`.
        later(deliver_notifications, ids, channels, secret)


def deliver(ids: list[int], channels: list[str], *, secret: bool = False) -> int:
    sent = 0
    for notification in Notification.objects.filter(pk__in=ids).select_related("user"):
        notification.secret = secret
        for channel in channels:
            try:
                ADAPTERS[channel].send(notification)
            except OSError as exc:  # one unreachable gateway must not stop the rest of the batch
                # A gateway's error may quote what it was sent: for a secret, its class alone.
                reason = exc.__class__.__name__ if secret else exc
                log.warning("channel %s failed for notification %s: %s", channel, notification.pk, reason)
                continue
            sent += 1
    return sent


def unread_count(user) -> int:
    """The inbox badge, on every page: one count on the (user, read_at) index, hand-written
    (see core.rows)."""
    row = rows.fetch_one(
        f"SELECT COUNT(*) FROM {Notification._meta.db_table} WHERE user_id = %s AND read_at IS NULL",  # noqa: S608 — table name from the model
        [user.pk],
    )
    return row[0]


def inbox(user, limit: int = 100) -> list[Notification]:
    """The user's own notifications, newest first."""
    return list(own(Notification.objects, user, field="user")[: max(1, min(limit, 200))])


@dataclass
class Thread:
    """Messages with the same title shown as one row: the newest, and how many more."""

    lead: Notification
    others: list[Notification] = field(default_factory=list)

    @property
    def unread(self) -> bool:
        return any(n.read_at is None for n in (self.lead, *self.others))

    @property
    def ids(self) -> list[int]:
        return [n.pk for n in (self.lead, *self.others)]


def inbox_threads(user, limit: int = 100) -> tuple[list[Thread], list[Thread]]:
    """(urgent unread, the rest): urgent alerts not yet read are pinned above everything; the
    rest are grouped by title, newest first, so "新的福利申领" three times is one row of three."""
    pinned: list[Thread] = []
    threads: dict[str, Thread] = {}
    for n in inbox(user, limit):
        if n.urgent and n.read_at is None:
            pinned.append(Thread(n))
        elif n.title in threads:
            threads[n.title].others.append(n)
        else:
            threads[n.title] = Thread(n)
    return pinned, list(threads.values())


def open_message(user, notification_id: int) -> Notification | None:
    """The user opens one of their messages: it is read from now on. None if it is not theirs."""
    found = own(Notification.objects, user, field="user").filter(pk=notification_id).first()
    if found is not None and found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


def mark_read(user, notification_id: int | None = None, *, ids: list[int] | None = None) -> int:
    """Mark the user's own messages read: one, some (`ids`), or all of them."""
    qs = own(Notification.objects, user, field="user").filter(read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
