"""Demo news (a few items per column) and a notice already sent to one site."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from unionhome.core.models import Org, Role, RoleAssignment, Site

from . import services
from .models import Article, ArticleStatus, Column, Notice

# (column, title, summary, body HTML, pinned, days ago)
ARTICLES = [
    (
        Column.ABOUT,
        "我们的工会",
        "物业公司工会简介与联系方式",
        "<p>公司工会成立于2015年，服务全公司22个小区的保安、保洁、维修和绿化职工。</p>"
        "<p>工会办公室在公司总部一楼，工作日 8:30–17:30 有人值班；夜班职工可在平台随时留言或拨打 12351。</p>",
        True,
        300,
    ),
    (
        Column.ABOUT,
        "工会委员会分工",
        "谁负责什么，一看就知道",
        "<ul><li>主席：全面工作、经费审批</li><li>副主席：权益保障、劳动争议调解</li>"
        "<li>女职工委员：女职工权益、母婴室</li><li>组织委员：入会、转会、会员卡</li></ul>",
        False,
        200,
    ),
    (
        Column.NEWS,
        "“送清凉”走进22个小区",
        "为户外一线职工送去防暑用品",
        "<p>7月以来，工会分三批走访22个小区，为保安、保洁、绿化职工送去绿豆汤、藿香正气水和防晒袖套。</p>"
        "<p>高温天气请注意在职工驿站休息、补水。</p>",
        True,
        120,
    ),
    (
        Column.NEWS,
        "维修技能比武圆满结束",
        "12名维修工获评“技术能手”",
        "<p>本次比武设水电维修、电梯困人救援两个项目，获奖职工将优先推荐参加市级竞赛。</p>",
        False,
        60,
    ),
    (
        Column.NEWS,
        "职工子女暑期托管班开班",
        "解决双职工家庭看护难题",
        "<p>托管班设在公司培训中心，每天 8:00–17:30，提供午餐和作业辅导，名额80个。</p>",
        False,
        30,
    ),
    (
        Column.ORGANISATION,
        "新入职员工入会指南",
        "入职即可在线申请入会",
        "<p>新员工在“我要入会”填写工号，与花名册核对一致的，当场入会，无需再跑办公室。</p>",
        False,
        90,
    ),
    (
        Column.ORGANISATION,
        "第三届职工代表大会召开",
        "审议通过集体合同和年度福利方案",
        "<p>68名职工代表审议通过了《工资专项集体合同》和年度福利方案，提案17件全部立案。</p>",
        False,
        45,
    ),
    (
        Column.RIGHTS,
        "被拖欠工资怎么办？工会来帮你",
        "收集证据、申请调解、法律援助",
        "<p>遇到欠薪，请保存好工资条、考勤记录和聊天记录，在平台“我要反映”提交，工会5个工作日内协调。</p>",
        False,
        20,
    ),
    (
        Column.RIGHTS,
        "工会法律援助服务点开放",
        "每周三下午律师坐班",
        "<p>工会与律师事务所合作，每周三 14:00–17:00 在工会办公室提供免费法律咨询。</p>",
        False,
        10,
    ),
    (
        Column.POLICY,
        "本市最低工资标准调整",
        "自今年7月1日起执行",
        "<p>本市月最低工资标准上调，小时最低工资同步调整。低于标准的，单位应当补足差额。</p>",
        False,
        100,
    ),
    (
        Column.POLICY,
        "高温津贴发放标准",
        "6月至9月按月发放",
        "<p>露天作业及室内温度33℃以上的，单位应按月发放高温津贴，不得以防暑降温饮料充抵。</p>",
        False,
        150,
    ),
    (
        Column.GUIDE,
        "住房公积金提取指南",
        "租房、购房、退休提取一步步办",
        "<h3>租房提取</h3><ol><li>登录公积金中心网上服务平台</li><li>选择“租房提取”，填写租房信息</li>"
        "<li>审核通过后次月到账</li></ol><h3>退休提取</h3><p>持身份证到公积金中心柜台或在线办理，一次提清。</p>",
        True,
        80,
    ),
    (
        Column.GUIDE,
        "劳保用品申领流程",
        "线上申请，驿站智能柜领取",
        "<ol><li>在“福利申领”选择劳保用品</li><li>工会审核后发送取件码</li><li>到所在小区驿站智能柜取件</li></ol>",
        False,
        25,
    ),
]

NOTICE_TITLE = "本周六小区消防演练通知"
NOTICE_BODY = "本周六上午9点在小区中心广场进行消防演练，当班保安和保洁请提前10分钟到场，穿工作服。"


def build(enterprise: Org) -> int:
    if Article.objects.filter(org=enterprise).exists():
        return 0
    author_id = (
        RoleAssignment.objects.filter(org=enterprise, role=Role.STAFF)
        .values_list("user_id", flat=True)
        .first()
    )
    now = timezone.now()
    rows = [
        Article(
            org=enterprise,
            column=column,
            title=title,
            summary=summary,
            body=services.clean_html(body),
            pinned=pinned,
            status=ArticleStatus.PUBLISHED,
            published_at=now - dt.timedelta(days=days, hours=2),
            author_id=author_id,
        )
        for column, title, summary, body, pinned, days in ARTICLES
    ]
    Article.objects.bulk_create(rows)
    site = Site.objects.filter(org__path__startswith=enterprise.path).order_by("pk").first()
    if site is not None and not Notice.objects.filter(org=enterprise).exists():
        notice = Notice.objects.create(
            org=enterprise,
            title=NOTICE_TITLE,
            body=NOTICE_BODY,
            audience={"sites": [site.pk]},
            created_by_id=author_id,
        )
        services.notice_fan_out(notice.pk)
    return len(rows)


def demo_step(context: dict) -> None:
    """The demo's news and notices (core.demo)."""
    build(context["enterprise"])
