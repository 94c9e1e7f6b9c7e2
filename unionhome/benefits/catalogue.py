"""The default claim catalogue: the services of seed 000 table 1 (一线职工专项服务, 异地职工) and
the health and recuperation items of seed 003 §4.3. Staff edit or switch off any of them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from unionhome.core.models import Org
from unionhome.core.scoping import within

from .models import ClaimCategory, ClaimType, Delivery, Fund

FRONTLINE = {"posts": ["security", "cleaning", "repair", "greening"]}


def _f(name, label, kind, required=False, **more) -> dict:
    return {"name": name, "label": str(label), "kind": kind, "required": required, **more}


DEFAULT_TYPES = [
    {
        "code": "overtime",
        "name": _("加班补贴申报"),
        "description": _("一线保安、保洁、维修职工按月申报加班补贴，附考勤记录。"),
        "category": ClaimCategory.FRONTLINE,
        "audience": FRONTLINE,
        "deadline_days": 5,
        "amount_field": "amount",
        "uses_fund": True,
        "fields": [
            _f("month", _("加班月份"), "month", True),
            _f("hours", _("加班时长（小时）"), "number", True, max=120),
            _f("amount", _("申请金额（元）"), "number", True, max=2000),
            _f("attendance", _("考勤记录（照片或 PDF）"), "file", True),
        ],
    },
    {
        "code": "supplies",
        "name": _("劳保用品申领"),
        "description": _("工作服、防滑鞋、手套、雨衣、防暑用品，批准后到站点领取或配送到岗。"),
        "category": ClaimCategory.FRONTLINE,
        "audience": FRONTLINE,
        "deadline_days": 3,
        "delivery": Delivery.OFFLINE,
        "fields": [
            _f("item", _("用品"), "choice", True, choices=["工作服", "防滑鞋", "手套", "雨衣", "防暑用品"]),
            _f("size", _("尺码"), "text"),
            _f("quantity", _("数量"), "number", True, max=5),
        ],
    },
    {
        "code": "festival",
        "name": _("节日慰问申报"),
        "description": _("春节、端午、中秋慰问品线上登记，站点发放。"),
        "category": ClaimCategory.FRONTLINE,
        "deadline_days": 5,
        "delivery": Delivery.OFFLINE,
        "fields": [
            _f("festival", _("节日"), "choice", True, choices=["春节", "端午节", "中秋节"]),
            _f("pickup", _("领取方式"), "choice", True, choices=["站点领取", "配送到岗"]),
        ],
    },
    {
        "code": "transport",
        "name": _("交通补贴申报"),
        "description": _("异地职工探亲往返交通费用补贴，附车票。"),
        "category": ClaimCategory.TRAVEL,
        "deadline_days": 5,
        "amount_field": "amount",
        "uses_fund": True,
        "fields": [
            _f("trip_on", _("出行日期"), "date", True),
            _f("route", _("出发地—目的地"), "text", True),
            _f("amount", _("车票金额（元）"), "number", True, max=1500),
            _f("bank_account", _("收款银行卡号"), "text", True, sensitive="financial"),
            _f("ticket", _("车票或行程单"), "file", True),
        ],
    },
    {
        "code": "home_leave",
        "name": _("探亲假申请"),
        "description": _("异地职工探亲假线上申请。"),
        "category": ClaimCategory.TRAVEL,
        "deadline_days": 3,
        "fields": [
            _f("starts_on", _("开始日期"), "date", True),
            _f("ends_on", _("结束日期"), "date", True),
            _f("destination", _("探亲地点"), "text", True),
        ],
    },
    {
        "code": "certificate",
        "name": _("证书申报"),
        "description": _("取得职业技能等级证书后申报奖励。"),
        "category": ClaimCategory.SKILLS,
        "deadline_days": 10,
        "amount_field": "amount",
        "uses_fund": True,
        "fields": [
            _f("certificate", _("证书名称"), "text", True),
            _f("level", _("等级"), "choice", True, choices=["初级工", "中级工", "高级工", "技师"]),
            _f("amount", _("奖励金额（元）"), "number", True, max=1000),
            _f("scan", _("证书照片"), "file", True),
        ],
    },
    {
        "code": "health_check",
        "name": _("体检预约"),
        "description": _("年度职工体检预约；有需要特别关注的健康情况可以告诉工会。"),
        "category": ClaimCategory.HEALTH,
        "deadline_days": 3,
        "delivery": Delivery.OFFLINE,
        "fields": [
            _f("preferred_on", _("希望体检日期"), "date", True),
            _f("hospital", _("体检机构"), "choice", True, choices=["区职工医院", "社区卫生服务中心"]),
            _f("health_notes", _("需要关注的健康情况"), "text", sensitive="health"),
        ],
    },
    {
        "code": "recuperation",
        "name": _("疗休养申请"),
        "description": _("职工疗休养报名，由工会主席审批。"),
        "category": ClaimCategory.HEALTH,
        "deadline_days": 10,
        "approver_role": "chair",
        "delivery": Delivery.OFFLINE,
        "fields": [
            _f("batch", _("批次"), "choice", True, choices=["春季", "秋季"]),
            _f("years", _("连续工作年限"), "number", True, max=50),
            _f("health_notes", _("健康情况"), "text", sensitive="health"),
        ],
    },
]


def catalogue_install(*, org: Org, fund: Fund | None = None) -> int:
    """Create the default claim types for `org` that it does not have yet; returns how many."""
    made = 0
    for position, spec in enumerate(DEFAULT_TYPES):
        spec = dict(spec)
        uses_fund = spec.pop("uses_fund", False)
        defaults = {
            **{k: (str(v) if k in ("name", "description") else v) for k, v in spec.items() if k != "code"},
            "position": position,
            "fund": fund if uses_fund else None,
        }
        _row, created = within(ClaimType.objects, org).get_or_create(
            org=org, code=spec["code"], defaults=defaults
        )
        made += created
    return made
