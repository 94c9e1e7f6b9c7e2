"""The one check behind every app's test_limits: a page's form and the API's schema accept the
same valid values and refuse the same bad one, on the same field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError


def page_and_api_refuse(
    form: Callable[[dict], Any],
    schema: type[BaseModel],
    valid: dict,
    field: str,
    bad_on_the_page: Any,
    bad_on_the_api: Any = ...,
) -> None:
    """`form(data)` builds the bound form; the API's bad value is the page's unless given."""
    on_the_api = bad_on_the_page if bad_on_the_api is ... else bad_on_the_api
    assert form(valid).is_valid(), form(valid).errors
    schema.model_validate(valid)

    refused_page = form({**valid, field: bad_on_the_page})
    assert not refused_page.is_valid() and set(refused_page.errors) == {field}
    with pytest.raises(ValidationError) as refused:
        schema.model_validate({**valid, field: on_the_api})
    assert {error["loc"][0] for error in refused.value.errors()} == {field}
