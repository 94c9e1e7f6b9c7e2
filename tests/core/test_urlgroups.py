"""Grouping the API's routes by first segment resolves every path as the flat list did."""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, resolve, reverse
from django.urls.exceptions import Resolver404

from unionhome.api import api
from unionhome.core.urlgroups import grouped


def _samples(patterns) -> list[str]:
    """One concrete path per route, every converter filled with a plausible value."""
    return [re.sub(r"<[^>]+>", "7", str(p.pattern)) for p in patterns]


def test_every_api_path_resolves_to_the_same_view():
    patterns, _app, _ns = api.urls
    flat = URLResolver(*_root(patterns))
    nested = URLResolver(*_root(grouped(patterns)))
    samples = _samples(patterns) + ["appealsx", "me/x/y", "nothing-here", "offers/7/claims/extra"]
    assert len(patterns) > 100
    for sample in samples:
        try:
            expected = flat.resolve(sample)
        except Resolver404:
            with pytest.raises(Resolver404):
                nested.resolve(sample)
            continue
        got = nested.resolve(sample)
        assert (got.func, got.kwargs, got.url_name) == (expected.func, expected.kwargs, expected.url_name), (
            sample
        )


def _root(patterns):
    from django.urls.resolvers import RegexPattern

    return RegexPattern(r"^"), patterns


def test_the_live_urlconf_uses_the_groups():
    match = resolve("/api/v1/offers/7/claims")
    assert (match.url_name, match.kwargs) == ("claim_create", {"offer_id": "7"})
    assert reverse(f"{match.namespace}:{match.url_name}", kwargs={"offer_id": 7}) == "/api/v1/offers/7/claims"
    assert len(grouped(api.urls[0])) < len(api.urls[0]) * 0.6
