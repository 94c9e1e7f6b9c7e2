"""Appeals from the ledgers a union keeps before it comes onto the platform (G1, issue #23 item 2).

Each line is one past appeal: `source_id` (the ledger's own number), `received_at`,
`closed_at` (or empty: still open), `category`, `site` (a site's name), `channel`, `rating`
(1–5 or empty), `withdrawn`. From JSON Lines or an .xlsx with the same columns (English or the
Chinese a ledger uses: 来源编号, 受理时间, 办结时间, 类别, 地点, 渠道, 评价, 已撤回). Every good
line is kept and every bad one reported with its line and field; a `source_id` already imported
into the union is skipped, so importing the same ledger twice changes nothing. An imported
appeal counts in every figure exactly as one received here: it is an Appeal like any other,
numbered LS<year><key>, its text saying where it came from."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core import rows
from unionhome.core.audit import log_action
from unionhome.core.bounds import day_error
from unionhome.core.models import Org, Site
from unionhome.core.scoping import ensure_role_over, within

from .models import Appeal, Category, Channel, Status

MAX_LINES = 100_000
SOURCE_MAX = 64
HEADERS = {
    "来源编号": "source_id",
    "受理时间": "received_at",
    "办结时间": "closed_at",
    "类别": "category",
    "地点": "site",
    "工作地点": "site",
    "渠道": "channel",
    "评价": "rating",
    "已撤回": "withdrawn",
}
FIELDS = ("source_id", "received_at", "closed_at", "category", "site", "channel", "rating", "withdrawn")
YES = {"true", "1", "yes", "是", "y", "已撤回"}
NO = {"false", "0", "no", "否", "n", ""}


@dataclass
class Result:
    imported: int = 0
    skipped: int = 0
    errors: list[dict] = field(default_factory=list)


class Bad(Exception):
    def __init__(self, field_name: str, reason: str):
        self.field, self.reason = field_name, reason


def lines_of_jsonl(body: bytes) -> list[tuple[int, dict | None, str]]:
    """(line number, the object or None, why not) for each non-empty line."""
    out = []
    for number, raw in enumerate(body.decode("utf-8-sig", errors="replace").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            out.append((number, None, _("这一行不是 JSON")))
            continue
        out.append(
            (number, value, "") if isinstance(value, dict) else (number, None, _("这一行不是一个对象"))
        )
    return out


def lines_of_sheet(sheet_rows: list[tuple]) -> list[tuple[int, dict | None, str]]:
    """The rows of a workbook's first sheet, the first holding the column names."""
    if not sheet_rows:
        return []
    names = [HEADERS.get(str(v).strip(), str(v).strip()) if v is not None else "" for v in sheet_rows[0]]
    out = []
    for number, row in enumerate(sheet_rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue
        out.append((number, {n: v for n, v in zip(names, row, strict=False) if n in FIELDS}, ""))
    return out


def _moment(value, name: str, *, required: bool) -> dt.datetime | None:
    if value in (None, ""):
        if required:
            raise Bad(name, _("必填"))
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time.min)
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip().replace("/", "-"))
        except ValueError:
            raise Bad(name, _("时间格式应为 2024-03-01 或 2024-03-01T09:30:00")) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the union's own time
    if reason := day_error(moment):
        raise Bad(name, reason)
    return moment


def _choice(value, name: str, choices) -> str:
    text = str(value or "").strip()
    for code, label in choices:
        if text in (code, str(label)):
            return code
    raise Bad(
        name,
        _("“%(v)s”不是有效的选项，可选：%(opts)s") % {"v": text, "opts": "、".join(c for c, _l in choices)},
    )


def _clean(line: dict, sites: dict[str, Site]) -> dict:
    source = str(line.get("source_id") or "").strip()
    if not source:
        raise Bad("source_id", _("必填"))
    if len(source) > SOURCE_MAX:
        raise Bad("source_id", _("最多 %(n)d 个字符") % {"n": SOURCE_MAX})
    received = _moment(line.get("received_at"), "received_at", required=True)
    closed = _moment(line.get("closed_at"), "closed_at", required=False)
    if closed is not None and closed < received:
        raise Bad("closed_at", _("办结时间不能早于受理时间"))
    category = _choice(line.get("category") or "other", "category", Category.choices)
    channel = _choice(line.get("channel") or "visit", "channel", Channel.choices)
    site_name = str(line.get("site") or "").strip()
    site = sites.get(site_name) if site_name else None
    if site_name and site is None:
        raise Bad("site", _("未知的工作地点：%(site)s") % {"site": site_name})
    rating = line.get("rating")
    if rating in (None, ""):
        rating = None
    else:
        try:
            rating = int(float(rating)) if float(rating).is_integer() else None
        except (TypeError, ValueError):
            rating = None
        if rating is None or not 1 <= rating <= 5:
            raise Bad("rating", _("评价应为 1 到 5 的整数，或留空"))
        if closed is None:
            raise Bad("rating", _("没有办结时间的诉求不能有评价"))
    withdrawn = line.get("withdrawn")
    if isinstance(withdrawn, bool):
        pass
    elif str(withdrawn or "").strip().lower() in YES:
        withdrawn = True
    elif str(withdrawn or "").strip().lower() in NO:
        withdrawn = False
    else:
        raise Bad("withdrawn", _("应为 true 或 false（是/否）"))
    return {
        "source_id": source,
        "received_at": received,
        "closed_at": closed,
        "category": category,
        "channel": channel,
        "site": site,
        "rating": rating,
        "withdrawn": withdrawn,
    }


def import_appeals(*, org: Org, lines: list[tuple[int, dict | None, str]], actor) -> Result:
    ensure_role_over(actor, org)
    result = Result()
    if len(lines) > MAX_LINES:
        result.errors.append(
            {
                "line": MAX_LINES + 1,
                "field": "",
                "reason": _("一次最多导入 %(n)d 行：请分成几个文件") % {"n": MAX_LINES},
            }
        )
        lines = lines[:MAX_LINES]
    sites = {s.name: s for s in within(Site.objects, org.enterprise() or org)}
    known = set(within(Appeal.objects, org).exclude(source_id="").values_list("source_id", flat=True))
    good = []
    for number, line, why in lines:
        if line is None:
            result.errors.append({"line": number, "field": "", "reason": why})
            continue
        try:
            clean = _clean(line, sites)
        except Bad as bad:
            result.errors.append({"line": number, "field": bad.field, "reason": bad.reason})
            continue
        if clean["source_id"] in known:
            result.skipped += 1
            continue
        known.add(clean["source_id"])
        good.append(clean)
    with transaction.atomic():
        for clean in good:
            pk = rows.next_id(Appeal)
            closed = clean["closed_at"]
            status = (
                Status.SUBMITTED if closed is None else Status.RATED if clean["rating"] else Status.CLOSED
            )
            Appeal.objects.create(
                pk=pk,
                number=f"LS{timezone.localtime(clean['received_at']):%Y}{pk:06d}",
                org=org,
                site=clean["site"],
                channel=clean["channel"],
                text=_("（历史台账导入，原编号 %(id)s）") % {"id": clean["source_id"]},
                received_at=clean["received_at"],
                category=clean["category"],
                category_confirmed=True,
                status=status,
                closed_at=closed,
                rating=clean["rating"],
                rated_at=closed if clean["rating"] else None,
                withdrawn_at=(closed or clean["received_at"]) if clean["withdrawn"] else None,
                source_id=clean["source_id"],
            )
        result.imported = len(good)
        log_action(
            org,
            "appeals.history.imported",
            actor,
            {"imported": result.imported, "skipped": result.skipped, "errors": len(result.errors)},
        )
    return result
