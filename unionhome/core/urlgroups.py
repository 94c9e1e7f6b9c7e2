"""URL patterns grouped by their first path segment.

Django tries a URLconf's patterns one after another. The API has well over a hundred routes, so
a call near the end of the list was matched against every one before it. Grouping the routes by
their first segment (`appeals`, `offers`, `me` …) under one prefix each makes a lookup try the
few groups and then the few routes of its own group. The order of routes within a group is kept,
and a group whose prefix matches but whose routes do not lets the search go on, so every path
resolves exactly as before (`tests/core/test_urlgroups.py`)."""

from __future__ import annotations

from django.urls import URLPattern, include, path
from django.urls.resolvers import RoutePattern


def grouped(patterns: list) -> list:
    exact: dict[str, list] = {}
    below: dict[str, list] = {}
    for pattern in patterns:
        literal = isinstance(pattern, URLPattern) and isinstance(pattern.pattern, RoutePattern)
        head, slash, tail = str(pattern.pattern).partition("/")
        if not literal or "<" in head:
            return patterns  # a first segment that is not plain text: leave the order alone
        exact.setdefault(head, [])
        below.setdefault(head, [])
        if slash:
            below[head].append(path(tail, pattern.callback, pattern.default_args, pattern.name))
        else:
            exact[head].append(pattern)
    result = []
    for head in exact:  # first-seen order
        result += exact[head]
        if below[head]:
            result.append(path(f"{head}/", include(below[head])))
    return result
