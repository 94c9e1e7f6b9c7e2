"""Rate limits count across calls, refuse past the limit, and believe a forwarded address only
from our own proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from unionhome.core import throttle


def test_hits_within_the_limit_pass_and_the_next_is_refused():
    assert [throttle.hit("t", "k", limit=3, window=60) for _ in range(4)] == [True, True, True, False]
    assert throttle.hit("t", "other", limit=3, window=60)  # another target has its own count


def test_require_raises_a_429_with_a_message():
    throttle.require("t", "k", limit=1, window=120)
    with pytest.raises(throttle.Throttled) as caught:
        throttle.require("t", "k", limit=1, window=120)
    assert caught.value.status == 429
    assert caught.value.code == "throttled"
    assert "2" in caught.value.message


def test_over_does_not_count_and_forget_resets():
    throttle.hit("t", "k", limit=1, window=60)
    assert throttle.over("t", "k", limit=1)
    throttle.forget("t", "k")
    assert not throttle.over("t", "k", limit=1)


def test_forwarded_for_is_ignored_unless_behind_our_proxy(settings):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.9")
    settings.BEHIND_PROXY = False
    assert throttle.client_ip(request) == "10.0.0.9"
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = 1
    assert throttle.client_ip(request) == "1.2.3.4"


def test_a_client_cannot_prepend_an_address_to_escape_the_limit(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 5.5.5.5", REMOTE_ADDR="10.0.0.9")
    assert throttle.client_ip(request) == "5.5.5.5"  # the entry our proxy appended
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.9")
    assert throttle.client_ip(request) == "10.0.0.9"
