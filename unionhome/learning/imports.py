"""A question bank from a spreadsheet, as unions keep them: one question a row, under a title
row or two, with the columns 题型, 题目, 选项A … 选项F, 答案, 标签, 难度, 解析 (common variants
of each name accepted). 答案 is the letters of the right options for a choice question (A, ABD,
A,B), 对/错 (正确/错误, √/×, 是/否) for true/false, and the accepted answers for a fill-in,
separated by | or ；. Each bad row is reported with its row number in the sheet and the reason;
the good rows are kept."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from unionhome.core.errors import DomainError
from unionhome.core.models import Org
from unionhome.core.spreadsheets import read_table
from unionhome.members import roster_cells as cells

from .models import Question
from .services import clean_question

MAX_ROWS = 5000
LETTERS = "ABCDEF"
HEADERS = {
    "kind": ("题型", "类型", "题目类型", "kind"),
    "text": ("题目", "题干", "试题", "问题", "text"),
    "answer": ("答案", "正确答案", "标准答案", "参考答案", "answer"),
    "tags": ("标签", "知识点", "分类", "岗位", "tags"),
    "difficulty": ("难度", "难度等级", "difficulty"),
    "explanation": ("解析", "答案解析", "说明", "explanation"),
    **{f"option{x}": (f"选项{x}", f"选项 {x}", x, f"{x}选项", f"option{x}") for x in LETTERS},
}
_NAMES = {cells.header_key(n): ours for ours, names in HEADERS.items() for n in names}
KINDS = {
    "单选": "single", "单选题": "single", "single": "single",
    "多选": "multiple", "多选题": "multiple", "multiple": "multiple",
    "判断": "truefalse", "判断题": "truefalse", "truefalse": "truefalse", "是非题": "truefalse",
    "填空": "fill", "填空题": "fill", "fill": "fill",
}  # fmt: skip
TRUE = {"对", "正确", "√", "✓", "是", "t", "true", "y", "yes"}
FALSE = {"错", "错误", "×", "✗", "否", "f", "false", "n", "no"}
COLUMN_OF = {
    "kind": "题型",
    "text": "题目",
    "options": "选项",
    "answer": "答案",
    "tags": "标签",
    "difficulty": "难度",
}


def _header(rows) -> tuple[int, dict[str, int]] | None:
    for at, row in enumerate(rows[: cells.HEADER_ROWS]):
        columns: dict[str, int] = {}
        for i, value in enumerate(row):
            ours = _NAMES.get(cells.header_key(value))
            if ours and ours not in columns:
                columns[ours] = i
        if {"kind", "text", "answer"} <= set(columns):
            return at, columns
    return None


def _question(values: dict) -> dict:
    """The row as `clean_question` takes it; a reason (DomainError) for what cannot be read."""
    kind = KINDS.get(cells.text(values.get("kind")).lower())
    if kind is None:
        raise DomainError("invalid", "", fields={"kind": _("题型应为单选、多选、判断或填空")})
    options = [cells.text(values.get(f"option{x}")) for x in LETTERS]
    while options and not options[-1]:
        options.pop()
    raw = cells.text(values.get("answer"))
    if kind in ("single", "multiple"):
        letters = re.sub(r"[\s,，、;；]", "", raw.upper())
        if not letters or any(x not in LETTERS[: len(options)] for x in letters):
            raise DomainError("invalid", "", fields={"answer": _("答案应是选项的字母，如 A 或 ABD")})
        answer = [options[LETTERS.index(x)] for x in dict.fromkeys(letters)]
    elif kind == "truefalse":
        word = raw.lower()
        if word not in TRUE | FALSE:
            raise DomainError("invalid", "", fields={"answer": _("判断题的答案写“对”或“错”")})
        answer = [word in TRUE]
    else:
        answer = [a.strip() for a in re.split(r"[|｜;；]", raw) if a.strip()]
    difficulty = values.get("difficulty")
    if difficulty in (None, ""):
        difficulty = 1
    elif isinstance(difficulty, float) and difficulty.is_integer():
        difficulty = int(difficulty)
    elif isinstance(difficulty, str) and difficulty.strip().isascii() and difficulty.strip().isdigit():
        difficulty = int(difficulty.strip())
    return {
        "kind": kind,
        "text": cells.text(values.get("text")),
        "options": options,
        "answer": answer,
        "tags": cells.text(values.get("tags")),
        "difficulty": difficulty,
        "explanation": cells.text(values.get("explanation")),
    }


def questions_import(*, org: Org, by, data: bytes) -> dict:
    sheet = read_table(data, max_rows=MAX_ROWS + cells.HEADER_ROWS + 1, max_cols=32)
    if sheet.more:
        raise DomainError(
            "too_many",
            _("一次最多 %(n)d 题：请分成几个文件") % {"n": MAX_ROWS},
            fields={"file": str(MAX_ROWS)},
        )
    found = _header(sheet.rows)
    if found is None:
        return {
            "created": 0,
            "errors": [{"row": 1, "column": "", "reason": _("找不到表头：至少需要“题型”“题目”“答案”三列")}],
        }
    at, columns = found
    good, errors = [], []
    for number, row in enumerate(sheet.rows[at + 1 :], start=at + 2):
        values = {n: row[i] for n, i in columns.items() if i < len(row)}
        if all(cells.text(v) == "" for v in values.values()):
            continue
        try:
            good.append(clean_question(_question(values)))
        except DomainError as refused:
            for field, reason in refused.fields.items():
                errors.append({"row": number, "column": COLUMN_OF.get(field, field), "reason": reason})
    with transaction.atomic():
        Question.objects.bulk_create([Question(org=org, created_by=by, **q) for q in good])
    return {"created": len(good), "errors": errors}
