"""The demo union's democracy (core.demo): the third congress's second session with 60
representatives, proposals in every state, the collective contract's package voted by secret
ballot and counted, and a members' poll open now."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from unionhome.core.guard import system
from unionhome.core.models import Org
from unionhome.core.scoping import within
from unionhome.members.models import Member, MemberStatus, Post

from . import congress as congresses
from . import polls
from .models import Congress, Proposal

SEED = 25
PROPOSALS = [
    ("夜班休息室加装空调", "夏天夜班休息室温度超过 32 度，职工休息不好，建议加装空调。", "closed"),
    ("提高夜班补贴标准", "夜班补贴 5 年未调整，建议与本市最低工资同步增长。", "answered"),
    ("保洁工具间增设更衣柜", "保洁员没有地方换衣服、放个人物品。", "accepted"),
    ("维修班组配备登高车", "高处维修靠梯子，风险大、效率低。", "overdue"),
    ("食堂增加夜宵", "夜班职工凌晨没有地方吃饭。", "suggestion"),
    ("为外派项目职工办理交通补贴", "外派项目离家远，通勤费用高。", "submitted"),
    ("建立职工书屋", "利用活动室一角放置图书，方便倒班职工借阅。", "seconding"),
]


def demo_step(context: dict) -> None:
    enterprise: Org = context["enterprise"]
    with system():
        if within(Congress.objects, enterprise).exists():
            return
        rng = random.Random(SEED)
        today = timezone.localdate()
        congress = congresses.congress_create(
            org=enterprise,
            data={
                "title": "第三届职工代表大会第二次会议",
                "term": 3,
                "session": 2,
                "opens_on": today - dt.timedelta(days=20),
            },
        )
        people = list(
            within(Member.objects, enterprise)
            .filter(status=MemberStatus.ACTIVE, user__isnull=False)
            .order_by("pk")[:400]
        )
        rng.shuffle(people)
        categories = ["frontline"] * 32 + ["technical"] * 14 + ["manager"] * 10 + ["other"] * 4
        reps = []
        for member, category in zip(people[:60], categories, strict=True):
            delegation = {
                Post.SECURITY: "保安代表团",
                Post.CLEANING: "保洁代表团",
                Post.REPAIR: "维修代表团",
            }.get(member.post, "综合代表团")
            reps.append(
                congresses.representative_add(
                    congress=congress, member=member, delegation=delegation, category=category
                )
            )
        _proposals(congress, reps, rng)
        package = _polls(enterprise, congress, reps, rng)
        _matters(enterprise, congress, package)
        _suggestions(people[60:70])
        _contract(enterprise)
        _topics(enterprise, people[70:90])


def _proposals(congress: Congress, reps: list, rng: random.Random) -> None:
    start = timezone.now() - dt.timedelta(days=18)
    for i, (title, body, state) in enumerate(PROPOSALS):
        author = reps[i * 3]
        p = congresses.proposal_submit(
            congress=congress, user=author.member.user, title=title, body=body, now=start
        )
        if state == "seconding":
            Proposal.objects.filter(pk=p.pk).update(second_until=timezone.now() + dt.timedelta(days=5))
            continue
        for seconder in (reps[i * 3 + 1], reps[i * 3 + 2]):
            congresses.second(proposal=p, user=seconder.member.user, now=start)
        if state == "submitted":
            continue
        if state == "suggestion":
            congresses.review(proposal=p, accept=False, reason="属于食堂日常管理，转后勤部作为建议办理。")
            continue
        department, handler = ("行政部", "handler_admin") if i % 2 else ("人力资源部", "handler_hr")
        congresses.review(proposal=p, accept=True, departments=department, days=15)
        if state == "overdue":
            late = timezone.localdate() - dt.timedelta(days=3)
            Proposal.objects.filter(pk=p.pk).update(due_on=late)
            congresses.current_steps(p).update(due_on=late)
            continue
        if state == "accepted":
            continue
        for step in congresses.current_steps(p):
            congresses.step_answer(
                step,
                actor=get_user_model().objects.get(username=handler),
                text="已与相关班组核实，方案和预算已报公司办公会。",
            )
        congresses.answer(proposal=p, text="已列入本年度预算，下月完成。")
        if state == "closed":
            congresses.rate(proposal=p, user=author.member.user, rating="satisfied")


def _polls(org: Org, congress: Congress, reps: list, rng: random.Random) -> None:
    now = timezone.now()
    package = polls.poll_create(
        org=org,
        data={"title": "集体合同草案逐项表决", "kind": "items", "electorate": "congress",
              "options": ["工资年增长不低于 5%", "加班工资以基本工资为基数", "高温津贴 6–9 月每月 300 元", "带薪年休假不少于 7 天"],
              "opens_at": now - dt.timedelta(days=20, hours=2), "closes_at": now - dt.timedelta(days=20)},
    )  # fmt: skip
    during = now - dt.timedelta(days=20, hours=1)
    for rep in reps[:52]:
        choices = {
            item: rng.choices(["for", "against", "abstain"], weights=[85, 8, 7])[0]
            for item in package.options
        }
        polls.vote(poll=package, user=rep.member.user, choices=choices, now=during)
    polls.paper_add(
        poll=package,
        tellers=["张建军", "李秀兰"],
        voters=3,
        counts={item: {"for": 3} for item in package.options},
        now=now,
    )
    _members_poll(org, now)
    return package


def _members_poll(org: Org, now) -> None:
    polls.poll_create(
        org=org,
        data={"title": "职工之家活动室选址", "kind": "single", "electorate": "members", "options": ["一楼大厅旁", "二楼会议室", "食堂旁"],
              "opens_at": now - dt.timedelta(hours=1), "closes_at": now + dt.timedelta(days=7)},
    )  # fmt: skip


def _matters(org: Org, congress: Congress, package) -> None:
    """The register: the collective contract through its vote to its filing, the welfare fund's
    disclosure whose answer is overdue, and the rules for electing representatives under way."""
    from unionhome.democracy import matters

    contract = matters.matter_create(org=org, data={"kind": "negotiation", "title": "2027 年度集体合同", "congress": congress.pk,
                                                     "summary": "工资增长、加班工资基数、高温津贴、带薪年休假四项条款。"})  # fmt: skip
    for step, note in (
        ("offer", "工会向企业发出集体协商要约。"),
        ("meet", "双方协商三轮，加班工资基数按基本工资计算达成一致。"),
    ):
        matters.step_done(matter=contract, by=None, step=step, note=note)
    matters.step_done(
        matter=contract, by=None, step="vote", note="职代会逐项表决，四项全部通过。", poll=package.pk
    )
    matters.step_done(matter=contract, by=None, step="sign", note="双方代表签字。")
    disclosure = matters.matter_create(org=org, data={"kind": "disclosure", "title": "上年度职工福利费使用情况公开",
                                                       "answer_due": timezone.localdate() - dt.timedelta(days=2)})  # fmt: skip
    for step, note in (
        ("draft", "财务部整理福利费明细。"),
        ("check", "经审会审核。"),
        ("publish", "在职工之家公开。"),
    ):
        matters.step_done(matter=disclosure, by=None, step=step, note=note)
    rules = matters.matter_create(
        org=org, data={"kind": "deliberation", "title": "职工代表选举办法（修订）", "congress": congress.pk}
    )
    matters.step_done(matter=rules, by=None, step="collect", note="各代表团征集意见 23 条。")


SUGGESTIONS = [
    (
        "电梯维保改到夜间",
        "白天维保影响业主出行，投诉多。",
        True,
        ["assessed", "adopted", "implemented"],
        "36000",
        "1500",
    ),
    ("垃圾分类投放点加装洗手池", "保洁员和业主都需要。", False, ["assessed", "adopted"], "0", "500"),
    ("巡逻改为电动巡逻车", "小区面积大，步行巡逻覆盖不过来。", False, ["assessed"], "80000", ""),
    ("停车场照明换成感应灯", "夜里一直亮着浪费电。", True, [], "", ""),
    ("统一采购清洁剂", "各项目自己买，价格高、质量不一。", False, ["rejected"], "", ""),
]


def _suggestions(people: list) -> None:
    from unionhome.democracy import suggestions

    for i, (title, body, anonymous, steps, value, reward) in enumerate(SUGGESTIONS):
        s = suggestions.submit(user=people[i].user, title=title, body=body, anonymous=anonymous)
        for supporter in people[i + 1 : i + 4]:
            suggestions.support(suggestion=s, user=supporter.user)
        for status in steps:
            reason = "已由物资部统一招标，暂不调整。" if status == "rejected" else ""
            suggestions.assess(suggestion=s, status=status, reason=reason,
                               value=value if status == "assessed" else None, reward=reward if status == "adopted" else None)  # fmt: skip


def _contract(org: Org) -> None:
    """The collective contract with six checkable clauses and two quarters of the enterprise's
    figures: in the last quarter the high-temperature allowance of August was paid late."""
    from unionhome.democracy import contracts

    today = timezone.localdate()
    last = (today.month - 1) // 3 or 4
    year = today.year if last != 4 else today.year - 1
    before = last - 1 or 4
    before_year = year if last != 1 else year - 1
    contract = contracts.contract_create(
        org=org,
        data={
            "title": f"{year} 年度集体合同", "starts_on": dt.date(year, 1, 1), "ends_on": dt.date(year, 12, 31),
            "items": [
                {"code": "wage_growth", "name": "工资同比增长（%）"},
                {"code": "paid_leave_days", "name": "带薪年休假天数"},
                {"code": "overtime_pay", "name": "加班工资总额（元）", "monthly": True},
                {"code": "overtime_hours", "name": "加班总工时", "monthly": True},
                {"code": "base_hourly_wage", "name": "基本工资折算小时工资（元）"},
                {"code": "high_temp", "name": "高温津贴（元/人）", "monthly": True},
                {"code": "protection_spend", "name": "劳动保护支出（元）"},
                {"code": "women_barred_posts", "name": "安排在女职工禁忌岗位的女职工人数"},
            ],
            "clauses": [
                {"text": "职工工资年增长不低于 5%", "kind": "minimum", "rule": {"item": "wage_growth", "min": 5}},
                {"text": "带薪年休假不少于 7 天", "kind": "minimum", "rule": {"item": "paid_leave_days", "min": 7}},
                {"text": "加班工资以基本工资为计算基数，不低于 150%", "kind": "formula",
                 "rule": {"expr": "overtime_pay >= overtime_hours * base_hourly_wage * 1.5"}},
                {"text": "6–9 月发放高温津贴，每月不低于 300 元，次月 15 日前发放", "kind": "monthly",
                 "rule": {"item": "high_temp", "min": 300, "months": [6, 7, 8, 9], "pay_by": 15}},
                {"text": "劳动保护支出每季度不低于 2 万元", "kind": "minimum", "rule": {"item": "protection_spend", "min": 20000}},
                {"text": "女职工禁忌从事的岗位不安排女职工", "kind": "maximum", "rule": {"item": "women_barred_posts", "max": 0}},
            ],
        },
    )  # fmt: skip
    for y, q in ((before_year, before), (year, last)):
        quarter = f"{y}Q{q}"
        end = contracts.period_end(quarter)
        on_time = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=8), dt.time(10)))
        contracts.deliver(contract=contract, period=quarter, values={"wage_growth": 6.2, "paid_leave_days": 7,
                          "base_hourly_wage": 28, "protection_spend": 26000, "women_barred_posts": 0}, now=on_time)  # fmt: skip
        for month in contracts.quarter_months(y, q):
            m = int(month[5:])
            sent = timezone.make_aware(
                dt.datetime.combine(contracts.period_end(month) + dt.timedelta(days=5), dt.time(10))
            )
            contracts.deliver(
                contract=contract, period=month, values={"overtime_pay": 1800, "overtime_hours": 40}, now=sent
            )
            if m in (6, 7, 8, 9):
                late = (y, q) == (year, last) and m == 8
                paid = contracts.period_end(month) + dt.timedelta(days=20 if late else 10)
                contracts.deliver(
                    contract=contract,
                    period=month,
                    values={"high_temp": 300},
                    paid_on={"high_temp": paid},
                    now=sent,
                )
        contracts.quarter_check(contract=contract, quarter=quarter, owner="人力资源部")


TOPICS = [
    ("overtime", "超时判定不算商家出餐时间", "商家出餐慢，系统也算骑手超时，扣钱。"),
    ("overtime", "暴雨天不放宽送达时限", "恶劣天气照样按平时时限考核。"),
    ("commission", "抽成比例不公开", "每单平台抽多少，骑手看不到。"),
    ("rest", "连续接单不让下线休息", "高峰期系统派单不停，没法吃饭。"),
    ("appeal", "差评申诉没人复核", "顾客恶意差评，申诉三天没有回音。"),
    ("penalty", "罚款口径不统一", "同样的情况，不同站点罚得不一样。"),
]


def _topics(org: Org, people: list) -> None:
    from unionhome.democracy import topics

    raised = []
    for i, (kind, title, body) in enumerate(TOPICS):
        topic = topics.raise_topic(user=people[i].user, kind=kind, title=title, body=body)
        for supporter in people[i + 1 : i + 1 + (8 - i)]:
            topics.support(topic=topic, user=supporter.user)
        raised.append(topic)
    item = topics.group(
        org=org,
        topic_ids=[raised[0].pk, raised[1].pk],
        title="超时判定规则协商",
        summary="骑手反映最集中的议题。",
    )
    topics.to_matter(item=item)
