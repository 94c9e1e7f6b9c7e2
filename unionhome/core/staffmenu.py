"""The staff workbench's menu in six groups (会员 / 诉求 / 活动 / 福利 / 内容 / 系统): on a phone
one button that opens it, on a desktop a sidebar. Entries name their pages by URL name."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str
    superuser: bool = False  # the system's administrator only (the admin site)
    path: str = ""  # a fixed path instead of a URL name


GROUPS = [
    (
        _("会员"),
        [
            Entry("staff-desk", _("主席工作台")),
            Entry("insights", _("工作成效")),
            Entry("insights-plan", _("季度计划与排名")),
            Entry("insights-review", _("月度复盘")),
            Entry("staff-democracy", _("职代会与表决")),
            Entry("staff-matters", _("民主管理事项")),
            Entry("staff-suggestions", _("合理化建议")),
            Entry("staff-topics", _("平台劳动者议题")),
            Entry("staff-home", _("概览")),
            Entry("staff-members", _("会员")),
            Entry("staff-joins", _("入会审核")),
            Entry("staff-transfers", _("转会")),
            Entry("staff-roster", _("花名册")),
            Entry("staff-deletions", _("删除申请")),
            Entry("proxy", _("代办")),
        ],
    ),
    (
        _("诉求"),
        [
            Entry("staff-appeals", _("诉求工作台")),
            Entry("staff-hotline", _("热线登记")),
            Entry("staff-rectification", _("整改清单")),
            Entry("staff-risks", _("风险研判")),
            Entry("staff-figures", _("诉求数据")),
            Entry("insights-demand", _("需求分析")),
            Entry("staff-legal", _("法律服务")),
            Entry("staff-stations", _("服务站二维码")),
        ],
    ),
    (
        _("活动"),
        [
            Entry("staff-activities", _("活动与抢票")),
            Entry("staff-checkin", _("扫码签到")),
            Entry("staff-venues", _("共享场地")),
            Entry("staff-discounts", _("普惠优惠")),
            Entry("staff-learning", _("课程")),
            Entry("staff-exams", _("考试")),
            Entry("staff-questions", _("题库")),
            Entry("staff-certificates", _("证书")),
            Entry("staff-contests", _("技能比武")),
        ],
    ),
    (
        _("福利"),
        [
            Entry("staff-benefits", _("福利审批")),
            Entry("staff-benefit-types", _("申领类型")),
            Entry("staff-funds", _("经费台账")),
            Entry("staff-hardship", _("帮扶台账")),
            Entry("staff-visits", _("结对走访")),
            Entry("insights-care", _("工时关怀")),
            Entry("staff-groups", _("服务群体")),
            Entry("staff-campaigns", _("送清凉送温暖")),
        ],
    ),
    (
        _("内容"),
        [
            Entry("staff-news", _("资讯管理")),
            Entry("staff-notices", _("定向通知")),
            Entry("staff-kb", _("知识库")),
        ],
    ),
    (
        _("系统"),
        [
            Entry("staff-orgs", _("组织")),
            Entry("staff-departments", _("部门与承办人")),
            Entry("staff-integrations", _("企业系统对接")),
            Entry("", _("工作日调整"), superuser=True, path="/admin/core/workdayoverride/"),
        ],
    ),
]


def staff_menu(request) -> list[dict]:
    """The groups with their links for this person, the current page marked (and its group
    open on a phone)."""
    current = getattr(request.resolver_match, "url_name", None)
    superuser = bool(getattr(request.user, "is_superuser", False))
    groups = []
    for label, entries in GROUPS:
        links = [
            {
                "label": e.label,
                "href": e.path or reverse(e.url_name),
                "current": bool(e.url_name) and e.url_name == current,
            }
            for e in entries
            if superuser or not e.superuser
        ]
        groups.append({"label": label, "links": links, "current": any(link["current"] for link in links)})
    return groups
