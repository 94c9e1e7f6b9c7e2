"""The OpenAPI document: valid, and every operation documents the errors it can give.

The rules are core.openapi's: 401 with a login, 403 on a write with a login (a page session
without its CSRF token), 422 with any input, 404 when the path names a record; every error's
body is ErrorOut. The contract run (.ci/schemathesis.sh) fuzzes the live server; the last test
here is its quick, deterministic cousin: every operation called as a stranger, a member and staff
answers a status its document lists, and never a 500."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.test import Client

from unionhome.core.api import ErrorOut

from ..conftest import bearer

SAFE = {"get", "head", "options"}
ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture
def document(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def each_operation(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_document_is_valid_openapi(document):
    schemathesis.openapi.from_dict(document).validate()


def test_every_reference_resolves(document):
    schemas = document["components"]["schemas"]
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', _dumps(document)))
    assert refs, "the document uses no components at all"
    assert refs <= set(schemas), f"unresolved: {sorted(refs - set(schemas))}"


def test_every_operation_documents_its_common_errors(document):
    missing = []
    for path, method, operation in each_operation(document):
        codes = set(operation["responses"])
        params = operation.get("parameters", [])
        needed = set()
        if operation.get("security"):
            needed.add("401")
            if method not in SAFE:
                needed.add("403")
        if params or "requestBody" in operation:
            needed.add("422")
        if any(p["in"] == "path" for p in params):
            needed.add("404")
        if needed - codes:
            missing.append(f"{method.upper()} {path}: {sorted(needed - codes)}")
    assert not missing, "\n".join(missing)


def test_every_error_answer_is_an_error_out(document):
    wrong = []
    for path, method, operation in each_operation(document):
        for code, answer in operation["responses"].items():
            if code.startswith("4"):
                schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
                if schema.get("$ref") != ERROR_REF:
                    wrong.append(f"{method.upper()} {path} {code}: {schema}")
    assert not wrong, "\n".join(wrong)


def test_error_out_is_what_the_handlers_send(personas):
    client = Client()
    unauthenticated = client.get("/api/v1/me").json()
    invalid = client.post(
        "/api/v1/auth/token", {"username": ""}, content_type="application/json"
    ).json()  # the token endpoint takes no login: its body is validated at once
    assert ErrorOut.model_validate(unauthenticated).code == "unauthenticated"
    assert ErrorOut.model_validate(invalid).fields


def _dumps(document) -> str:
    import json

    return json.dumps(document)


def _path_with_ids(path: str, operation: dict) -> str:
    """The path with every parameter filled with a record nobody has."""
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            value = "2147483647" if param["schema"].get("type") == "integer" else "nobody"
            path = path.replace("{" + param["name"] + "}", value)
    return path


# The endpoints a call with an empty body can not leave alone: the login throttles and locks
# out; join is limited per address (their answers are covered in tests/core and tests/members).
UNCALLED = re.compile(r"^/api/v1/(auth/token|join(/confirm)?)$")


@pytest.mark.parametrize("who", ["stranger", "member", "staff"])
def test_every_operation_answers_a_documented_status(personas, document, who):
    """Each operation called with the simplest request — no query, an empty JSON body, ids of
    records that do not exist — as a stranger, a member and staff."""
    client = Client()
    headers = {} if who == "stranger" else bearer(client, {"member": "member", "staff": "staff"}[who])
    undocumented = []
    for path, method, operation in each_operation(document):
        if UNCALLED.match(path):
            continue
        url = _path_with_ids(path, operation)
        call = getattr(client, method)
        if method in SAFE:
            response = call(url, **headers)
        else:
            response = call(url, data={}, content_type="application/json", **headers)
        if str(response.status_code) not in operation["responses"]:
            body = response.content[:200].decode(errors="replace")
            undocumented.append(f"{method.upper()} {url} → {response.status_code} {body}")
    assert not undocumented, "\n".join(undocumented)


def test_no_two_schemas_share_a_name():
    """The document names each schema by its class name; two classes of one name (two NoticeOut)
    silently became one, and one endpoint was documented with the other's fields."""
    from pydantic import BaseModel

    from unionhome.api import api
    from unionhome.core.openapi import operations

    seen: dict[str, set] = {}

    def walk(model):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return
        if model in seen.setdefault(model.__name__, set()):
            return
        seen[model.__name__].add(model)
        for field in model.model_fields.values():
            for inner in _types_in(field.annotation):
                walk(inner)

    for operation in operations(api):
        for model in [*operation.models, *operation.response_models.values()]:
            walk(model)
    twice = {
        name: sorted(c.__module__ for c in classes)
        for name, classes in seen.items()
        if len([c for c in classes if c.__module__.startswith("unionhome")]) > 1
    }
    assert not twice, twice


def _types_in(annotation):
    import typing

    yield annotation
    for arg in typing.get_args(annotation):
        yield from _types_in(arg)


@pytest.mark.parametrize("body", ["[null, null]", '"text"', "null", "3"])
def test_a_body_that_is_not_an_object_is_refused(personas, body):
    client = Client()
    headers = bearer(client, "member")
    answer = client.patch("/api/v1/me", body, content_type="application/json", **headers)
    assert answer.status_code == 400 and answer.json()["code"] == "bad_request"
    personas.member.refresh_from_db()
    assert personas.member.status == "active"


def test_a_form_with_no_boundary_is_a_400_not_a_500(personas):
    client = Client()
    headers = bearer(client, "member")
    client.raise_request_exception = False
    for url in ("/api/v1/claims/1/files", "/api/v1/hardship/cases/1/advance-with-file"):
        answer = client.post(url, b"--x\r\n", content_type="multipart/form-data", **headers)
        assert answer.status_code == 400, (url, answer.content)
        assert answer.json()["code"] == "bad_request"


def test_a_dead_token_on_a_write_hears_401_not_a_csrf_complaint(personas):
    """Issue #19, item 16: with no session, a write with a bad token was refused for its missing
    CSRF token (403) instead of its token (401); the same with a stray session cookie."""
    client = Client()
    headers = {"HTTP_AUTHORIZATION": "Bearer not-a-token"}
    body = {"text": "小区门岗的工资拖欠了两个月没有发"}
    answer = client.post("/api/v1/appeals", body, content_type="application/json", **headers)
    assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"
    client.cookies["sessionid"] = "forged"
    answer = client.post("/api/v1/appeals", body, content_type="application/json", **headers)
    assert answer.status_code == 401


def test_a_page_session_without_its_csrf_token_is_still_refused(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.member_user)
    answer = client.post(
        "/api/v1/me/consents", {"purpose": "notifications", "granted": True}, content_type="application/json"
    )
    assert answer.status_code == 403
