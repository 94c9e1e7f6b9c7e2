"""The error answers every API operation documents, declared in one place.

Every error is `core.api.ErrorOut`. Some answers follow from an operation's shape, whatever its
handler does, and are added here to all of them:

- 401 when it needs a login: no token, or one that expired or was revoked;
- 403 when it needs a login and is a write: a page session that sent no CSRF token;
- 400 when it reads a body: one that cannot be parsed, or that a service's rules refuse, with a
  reason per field (the rules a schema cannot say: a date the calendar has no room for, a
  username nobody has);
- 422 when it reads any input (path, query or body), which the framework validates first;
- 404 when its path names a record, which may not exist or not be the caller's to see.

What only some handlers answer — 403 not the caller's role, 404 a record named in the body or
the caller's own membership missing, 409 a record no longer in a state that allows it, 429 too
often — each route declares with `@refuses(…)` under its route decorator. tests/core/test_openapi.py
holds every operation to the rules above and calls each one, and the contract run
(.ci/schemathesis.sh) holds every route to what it really answers."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.operation import Operation

from .api import ErrorOut

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_SOURCES = frozenset({"body", "form", "file"})


def refuses(*codes: int):
    """Under a route's decorator: the error answers this handler gives beyond its shape's (see
    above), e.g. `@refuses(403)` for a staff-only list, `@refuses(404, 409)` for a step that
    names a record in its body and may find it already moved on."""

    def mark(view):
        view.refuses = (*getattr(view, "refuses", ()), *codes)
        return view

    return mark


def common_errors(operation: Operation) -> list[int]:
    """The error statuses an operation can give because of its shape alone."""
    codes = []
    if operation.auth_callbacks:
        codes.append(401)
        if set(operation.methods) - SAFE_METHODS:
            codes.append(403)
    sources = {getattr(model, "__ninja_param_source__", None) for model in operation.models}
    if sources & BODY_SOURCES:
        codes.append(400)
    if sources:
        codes.append(422)
    if "path" in sources:
        codes.append(404)
    return codes


def operations(api: NinjaAPI) -> list[Operation]:
    """Every operation as the API serves and documents it (auth inherited from the API)."""
    # The bound routers are what ninja builds its URLs and OpenAPI from; asking for them also
    # freezes the routers, so a route added after this call fails loudly instead of going
    # undocumented.
    return [
        operation
        for bound in api._get_bound_routers()
        for view in bound.path_operations.values()
        for operation in view.operations
    ]


def document_errors(api: NinjaAPI) -> None:
    """Add the common error answers to every operation's responses; call it after the last
    `add_router`. A status a route declares itself is left as it is."""
    for operation in operations(api):
        for code in (*common_errors(operation), *getattr(operation.view_func, "refuses", ())):
            if code not in operation.response_models:
                operation.response_models[code] = operation._create_response_model(ErrorOut)
