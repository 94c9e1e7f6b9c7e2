"""Encryption of personal data at rest (AES-256-GCM) and keyed digests for lookups.

A value is stored as "v1:" + base64(nonce ‖ ciphertext ‖ tag). The same plaintext encrypts
differently every time, so equality lookups (is this ID number already on the roster?) use a
separate HMAC digest column built with `digest()`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

PREFIX = "v1:"


@cache
def _key() -> bytes:
    key = base64.b64decode(settings.FIELD_ENCRYPTION_KEY)
    if len(key) != 32:
        raise ValueError("FIELD_ENCRYPTION_KEY must be 32 bytes, base64-encoded")
    return key


@cache
def _digest_key() -> bytes:
    # Derived, so that a leaked digest column says nothing about the encryption key.
    return hmac.new(_key(), b"unionhome-digest", hashlib.sha256).digest()


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key()).encrypt(nonce, plaintext.encode(), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    raw = base64.b64decode(token[len(PREFIX) :])
    return AESGCM(_key()).decrypt(raw[:12], raw[12:], None).decode()


def digest(value: str) -> str:
    return hmac.new(_digest_key(), value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field whose database value is AES-GCM ciphertext. Not searchable: pair it with a
    digest column where equality lookups are needed."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


def mask_id_number(value: str | None) -> str:
    """110***********1234: the region's first three digits and the last four."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]


def mask_name(value: str | None) -> str:
    """张** for a card check: the family name only."""
    if not value:
        return ""
    return value[0] + "*" * max(1, len(value) - 1)
