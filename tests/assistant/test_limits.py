"""Knowledge-base entries refuse the same values on the page and the API (the model's limits,
core.fields); the page's boxes of words and lines become the lists the API takes."""

from __future__ import annotations

import pytest

from tests.limits import page_and_api_refuse
from unionhome.assistant.api import EntryIn
from unionhome.assistant.forms import EntryForm

FORM = {"question": "食堂几点开饭？", "answer": "早上六点半。", "category": "other"}


@pytest.mark.parametrize(
    ("field", "on_the_page", "on_the_api"),
    [
        ("question", " ", " "),
        ("question", "问" * 201, "问" * 201),
        ("answer", "答" * 5001, "答" * 5001),
        ("source", "源" * 201, "源" * 201),
        ("category", "gossip", "gossip"),
        ("keywords", " ".join(f"词{i}" for i in range(51)), [f"词{i}" for i in range(51)]),
        ("keywords", "词" * 31, ["词" * 31]),
        ("synonyms", "\n".join(f"问法{i}" for i in range(101)), [f"问法{i}" for i in range(101)]),
        ("synonyms", "问" * 201, ["问" * 201]),
        ("reviewed_on", "9999-01-01", "9999-01-01"),
    ],
)
def test_the_page_and_the_api_refuse_the_same_values(field, on_the_page, on_the_api):
    page_and_api_refuse(EntryForm, EntryIn, FORM, field, on_the_page, on_the_api)


def test_the_page_splits_words_and_lines_into_lists():
    form = EntryForm(
        {**FORM, "keywords": "欠薪, 讨薪、拖欠工资  ", "synonyms": "老板不发工钱咋整\n\n 工资拖了三个月 "}
    )
    assert form.is_valid()
    assert form.cleaned_data["keywords"] == ["欠薪", "讨薪", "拖欠工资"]
    assert form.cleaned_data["synonyms"] == ["老板不发工钱咋整", "工资拖了三个月"]
