"""The five service areas of the member home page (seed 000 §3.2.1) and what each holds.

An item without a URL is not built yet and is shown as such, never as a dead link."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    name: str
    url: str = ""


@dataclass(frozen=True)
class Area:
    slug: str
    name: str
    desc: str
    items: list[Item] = field(default_factory=list)

    @property
    def open_items(self) -> list[Item]:
        """What can be used today: the tile lists these, and a tile with none is not shown."""
        return [i for i in self.items if i.url]


AREAS = [
    Area(
        "rights",
        _("权益保障"),
        _("诉求反映、法律服务、转会接续"),
        [
            Item(_("我要反映诉求"), "/appeals/new/"),
            Item(_("我的诉求"), "/appeals/"),
            Item(_("劳动合同咨询与法律援助"), "/legal/"),
            Item(_("转会与异地接转"), "/transfer/"),
        ],
    ),
    Area(
        "skills",
        _("技能提升"),
        _("岗位培训、技能比武、证书申报"),
        # 证书申报 is a claim type (benefits' catalogue, code "certificate").
        [
            Item(_("在线课程与考试"), "/learning/"),
            Item(_("技能比武"), "/contests/"),
            Item(_("证书申报"), "/benefits/new/certificate/"),
        ],
    ),
    Area(
        "life",
        _("生活服务"),
        _("福利申领、困难帮扶、活动报名"),
        [
            Item(_("福利申领"), "/benefits/"),
            Item(_("困难帮扶"), "/care/"),
            Item(_("活动报名"), "/activities/"),
            Item(_("抢票与抽签"), "/offers/"),
            Item(_("普惠优惠"), "/discounts/"),
            Item(_("我的票券"), "/tickets/"),
        ],
    ),
    Area(
        "interact",
        _("互动交流"),
        _("24小时问答、工会资讯、职工论坛"),
        [Item(_("24小时问答"), "/assistant/"), Item(_("工会资讯"), "/news/"), Item(_("职工论坛"))],
    ),
    Area(
        "manage",
        _("管理服务"),
        _("入会、会员卡、个人资料"),
        [
            Item(_("申请入会"), "/join/"),
            Item(_("电子会员卡"), "/card/"),
            Item(_("职代会与民主表决"), "/democracy/"),
            Item(_("我的资料与隐私"), "/profile/"),
            Item(_("我的消息"), "/inbox/"),
        ],
    ),
]
BY_SLUG = {a.slug: a for a in AREAS}


def areas_in_use() -> list[Area]:
    """The home page's tiles: no tile that opens onto nothing."""
    return [a for a in AREAS if a.open_items]


# The three things members come for most, one tap from the home page's top.
SHORTCUTS = [
    Item(_("我要反映诉求"), "/appeals/new/"),
    Item(_("福利申领"), "/benefits/"),
    Item(_("电子会员卡"), "/card/"),
]
