"""The integration every feed test posts to, and how a sender signs and posts."""

import json

import pytest

from unionhome.integrations import services

from ..conftest import api_token


@pytest.fixture
def feed(personas, client):
    token = api_token(client, "staff")
    r = client.post(
        "/api/v1/integrations",
        {"name": "人事系统", "org": personas.tree.union.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 201
    return r.json()


def send(client, feed, events, *, at=None, secret=None, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps({"events": events}, ensure_ascii=False).encode()
    header = services.sign(secret or feed["secret"], body, at)
    return client.post(
        f"/api/v1/integrations/{feed['key']}/events",
        body,
        content_type="application/json",
        HTTP_X_UNIONHOME_SIGNATURE=header,
    )
