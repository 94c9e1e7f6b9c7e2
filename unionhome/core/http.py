"""One outbound HTTP call for the whole platform: JSON POSTed to an operator-configured URL
(SMS and WeChat gateways, the optional language model). Only http(s) URLs are accepted."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request


def post_json(url: str, payload: dict, *, headers: dict | None = None, timeout: float = 10) -> dict | None:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(  # noqa: S310 — scheme checked above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        body = response.read()
    return json.loads(body) if body else None
