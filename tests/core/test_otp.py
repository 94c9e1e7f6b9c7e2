"""One-time codes: used once, void after the allowed tries, sends limited, never logged."""

from __future__ import annotations

import logging

import pytest

from unionhome.core import otp, throttle


@pytest.fixture
def echo(settings):
    settings.SMS_GATEWAY_URL = ""
    settings.SMS_DEV_ECHO = True
    settings.OTP_ATTEMPTS = 3


def _send(target="13800001111", address="10.0.0.1"):
    return otp.send(purpose="t", target=target, phone=target, text="验证码 %(code)s", address=address)


def test_a_right_code_works_once(echo):
    code = _send()
    assert len(code) == 6 and code.isdigit()
    assert otp.verify(purpose="t", target="13800001111", code=code)
    assert not otp.verify(purpose="t", target="13800001111", code=code)


def test_a_code_belongs_to_its_target_and_purpose(echo):
    code = _send()
    assert not otp.verify(purpose="t", target="13800002222", code=code)
    assert not otp.verify(purpose="other", target="13800001111", code=code)
    assert otp.verify(purpose="t", target="13800001111", code=code)


def test_after_the_allowed_tries_even_the_right_code_is_void(echo):
    code = _send()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        assert not otp.verify(purpose="t", target="13800001111", code=wrong)
    assert not otp.verify(purpose="t", target="13800001111", code=code)


def test_sends_are_limited_per_target_and_per_address(echo):
    for _ in range(otp.SENDS_PER_TARGET):
        _send()
    with pytest.raises(throttle.Throttled):
        _send()
    for i in range(otp.SENDS_PER_ADDRESS - otp.SENDS_PER_TARGET):
        _send(target=f"1390000{i:04d}")
    with pytest.raises(throttle.Throttled):
        _send(target="13911119999")


def test_without_a_gateway_or_demo_echo_nothing_pretends_to_send(settings):
    settings.SMS_GATEWAY_URL = ""
    settings.SMS_DEV_ECHO = False
    with pytest.raises(otp.SmsUnavailable):
        _send()


def test_the_gateway_gets_the_code_and_the_log_never_does(settings, monkeypatch, caplog):
    sent = []
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    monkeypatch.setattr("unionhome.core.http.post_json", lambda url, payload, **kw: sent.append(payload))
    caplog.set_level(logging.DEBUG)
    assert _send() is None
    code = sent[0]["body"].removeprefix("验证码 ")
    assert sent[0]["to"] == "13800001111" and len(code) == 6
    assert otp.verify(purpose="t", target="13800001111", code=code)
    assert code not in caplog.text


def test_a_failing_gateway_says_so_without_the_code(settings, monkeypatch, caplog):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"

    def down(url, payload, **kw):
        raise OSError(f"refused {payload['body']}")

    monkeypatch.setattr("unionhome.core.http.post_json", down)
    with pytest.raises(otp.SmsUnavailable):
        _send()
    assert "验证码" not in caplog.text
