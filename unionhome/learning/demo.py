"""The demo union's learning (core.demo, after the activities and benefits): a question bank of
property-services safety and skills, three courses for 保安, 保洁 and 维修 (the repair course
with an offline practical session), their exams taken by some members, and certificates."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from unionhome.core.guard import system
from unionhome.core.models import Org
from unionhome.core.scoping import within
from unionhome.members.models import Member, MemberStatus, Post, SkillLevel

from . import courses, documents, services
from .models import Course, Question

SEED = 24
S, M, T, F = "single", "multiple", "truefalse", "fill"

# (kind, text, options, answer, tags, difficulty)
QUESTIONS = [
    (
        S,
        "发现初起火灾，第一步应当：",
        ["立即报警并呼喊周围人员", "先回宿舍取贵重物品", "乘电梯下楼", "等火势变大再处理"],
        ["立即报警并呼喊周围人员"],
        "消防,安全",
        1,
    ),
    (S, "火警电话是：", ["119", "110", "120", "122"], ["119"], "消防,安全", 1),
    (
        S,
        "干粉灭火器使用时，喷嘴应对准：",
        ["火焰根部", "火焰顶部", "烟雾最浓处", "天花板"],
        ["火焰根部"],
        "消防",
        2,
    ),
    (
        S,
        "电气设备着火时，首先应：",
        ["切断电源", "用水扑救", "打开门窗", "用湿毛巾拍打"],
        ["切断电源"],
        "消防,电工",
        2,
    ),
    (
        M,
        "高层住宅发生火灾时，正确的逃生做法有：",
        ["用湿毛巾捂住口鼻", "沿疏散楼梯向下", "乘坐电梯", "低姿前行"],
        ["用湿毛巾捂住口鼻", "沿疏散楼梯向下", "低姿前行"],
        "消防,安全",
        2,
    ),
    (T, "消防通道可以临时停放电动车。", [], [False], "消防,保安", 1),
    (T, "灭火器压力表指针在红色区域表示压力不足。", [], [True], "消防", 2),
    (F, "灭火器压力表指针应在____色区域。", [], ["绿", "绿色"], "消防", 2),
    (
        S,
        "巡逻中发现可疑人员，保安员应：",
        ["礼貌询问并持续关注，必要时报告", "直接动手驱赶", "置之不理", "没收其物品"],
        ["礼貌询问并持续关注，必要时报告"],
        "保安",
        1,
    ),
    (
        S,
        "门岗登记外来人员，应核对：",
        ["有效证件和来访事由", "只看长相", "只问姓名", "不用登记"],
        ["有效证件和来访事由"],
        "保安",
        1,
    ),
    (
        M,
        "保安员交接班时应交接：",
        ["值班记录", "钥匙和对讲机", "未处理完的事项", "个人工资条"],
        ["值班记录", "钥匙和对讲机", "未处理完的事项"],
        "保安",
        2,
    ),
    (T, "保安员可以搜查业主的随身物品。", [], [False], "保安,法律", 2),
    (T, "发现电梯困人，应先安抚被困人员，再通知维保单位。", [], [True], "保安,电梯", 1),
    (
        S,
        "电梯困人时，被困人员应当：",
        ["按警铃或拨打电梯内紧急电话等待救援", "扒开轿厢门爬出", "在轿厢内跳动", "撬开天窗"],
        ["按警铃或拨打电梯内紧急电话等待救援"],
        "电梯,安全",
        1,
    ),
    (F, "电梯困人时应拨打电梯内的____电话。", [], ["紧急", "应急", "报警"], "电梯", 2),
    (
        S,
        "夜间巡逻发现单元门未关好，应：",
        ["关好并记录，必要时通知业主", "不管它", "拍照发朋友圈", "把门锁坏"],
        ["关好并记录，必要时通知业主"],
        "保安",
        1,
    ),
    (
        M,
        "处置突发事件时保安员的正确做法有：",
        ["先保证自身和他人安全", "及时报告", "保护现场", "擅自发布消息"],
        ["先保证自身和他人安全", "及时报告", "保护现场"],
        "保安,安全",
        3,
    ),
    (
        S,
        "地面湿滑作业时应：",
        ["摆放“小心地滑”警示牌", "不用提示", "让行人自己注意", "用报纸盖住"],
        ["摆放“小心地滑”警示牌"],
        "保洁,安全",
        1,
    ),
    (
        S,
        "洁厕剂（酸性）和84消毒液混用会：",
        ["产生有毒氯气", "效果更好", "没有影响", "变成清水"],
        ["产生有毒氯气"],
        "保洁,化学品",
        2,
    ),
    (T, "不同种类的清洁剂可以随意混合使用。", [], [False], "保洁,化学品", 1),
    (
        M,
        "使用强酸强碱类清洁剂时应佩戴：",
        ["橡胶手套", "护目镜", "口罩", "金属手镯"],
        ["橡胶手套", "护目镜", "口罩"],
        "保洁,化学品",
        2,
    ),
    (
        S,
        "高处擦玻璃作业应当：",
        ["系好安全带并有人监护", "站在窗台上", "单人作业", "探身出窗外"],
        ["系好安全带并有人监护"],
        "保洁,高处作业",
        2,
    ),
    (F, "化学品的安全技术说明书简称____。", [], ["MSDS", "SDS"], "保洁,化学品", 3),
    (T, "垃圾分类中，废电池属于有害垃圾。", [], [True], "保洁,垃圾分类", 1),
    (
        S,
        "厨余垃圾应投放到哪种颜色的垃圾桶（多数城市）？",
        ["绿色", "红色", "蓝色", "黑色"],
        ["绿色"],
        "保洁,垃圾分类",
        1,
    ),
    (
        S,
        "清洗地下车库时发现积水漫过配电箱，应：",
        ["远离并报告，由电工断电处理", "继续冲洗", "用拖把去擦配电箱", "打开配电箱查看"],
        ["远离并报告，由电工断电处理"],
        "保洁,电工,安全",
        2,
    ),
    (
        M,
        "清洁剂存放要求包括：",
        ["分类存放", "标签清楚", "远离食品", "装进饮料瓶"],
        ["分类存放", "标签清楚", "远离食品"],
        "保洁,化学品",
        2,
    ),
    (
        S,
        "发现水管接头漏水，维修前首先应：",
        ["关闭上游阀门", "直接拆开接头", "用胶带缠住就走", "通知保洁拖地"],
        ["关闭上游阀门"],
        "维修,管道",
        1,
    ),
    (
        S,
        "PPR 管热熔连接时，加热后应：",
        ["迅速对接并保持不转动", "边插边旋转", "冷却后再对接", "涂胶水"],
        ["迅速对接并保持不转动"],
        "维修,管道",
        3,
    ),
    (F, "管道维修后应做____试验，确认不漏水。", [], ["打压", "试压", "压力"], "维修,管道", 2),
    (T, "维修带压管道前必须先泄压。", [], [True], "维修,管道,安全", 1),
    (
        S,
        "疏通下水管道时，最安全的做法是：",
        ["使用疏通机并佩戴手套", "用手直接掏", "倒入大量强酸", "用火烧"],
        ["使用疏通机并佩戴手套"],
        "维修,管道",
        2,
    ),
    (
        M,
        "进入化粪池、污水井等有限空间作业前必须：",
        ["先通风", "检测气体", "有人监护", "单独下井"],
        ["先通风", "检测气体", "有人监护"],
        "维修,有限空间,安全",
        3,
    ),
    (T, "有限空间作业可以一个人完成，不需要监护。", [], [False], "维修,有限空间", 1),
    (
        S,
        "电工作业前验电应使用：",
        ["合格的验电器", "手背碰一下", "看指示灯", "凭经验"],
        ["合格的验电器"],
        "维修,电工",
        2,
    ),
    (
        S,
        "停电检修时，开关处应悬挂：",
        ["“禁止合闸，有人工作”标示牌", "“欢迎光临”", "不挂任何牌子", "“小心地滑”"],
        ["“禁止合闸，有人工作”标示牌"],
        "维修,电工",
        2,
    ),
    (F, "我国居民生活用电的电压一般为____伏。", [], ["220"], "电工", 1),
    (T, "漏电保护器可以用铜丝短接后继续使用。", [], [False], "维修,电工", 1),
    (
        M,
        "以下属于个人防护用品的有：",
        ["安全帽", "绝缘手套", "安全带", "扳手"],
        ["安全帽", "绝缘手套", "安全带"],
        "安全,维修",
        1,
    ),
    (
        S,
        "登高 2 米以上作业属于：",
        ["高处作业", "普通作业", "地面作业", "室内作业"],
        ["高处作业"],
        "高处作业,安全",
        1,
    ),
    (T, "使用梯子作业时应有人扶梯。", [], [True], "高处作业,维修", 1),
    (
        S,
        "触电急救的第一步是：",
        ["使触电者尽快脱离电源", "直接用手拉人", "先打电话再说", "泼水降温"],
        ["使触电者尽快脱离电源"],
        "急救,电工",
        2,
    ),
    (S, "急救电话是：", ["120", "119", "110", "12345"], ["120"], "急救", 1),
    (
        S,
        "成人心肺复苏胸外按压的频率是每分钟：",
        ["100–120 次", "30–40 次", "200 次以上", "60 次以下"],
        ["100–120 次"],
        "急救",
        3,
    ),
    (F, "心肺复苏中，胸外按压与人工呼吸的比例是 30:____。", [], ["2"], "急救", 3),
    (T, "中暑时应把病人移到阴凉通风处并补充淡盐水。", [], [True], "急救,防暑", 1),
    (
        M,
        "高温天气户外作业应：",
        ["避开正午高温时段", "多喝水", "适当休息", "穿厚衣服捂汗"],
        ["避开正午高温时段", "多喝水", "适当休息"],
        "防暑,安全",
        1,
    ),
    (
        S,
        "每月加班时间一般不得超过：",
        ["36 小时", "60 小时", "100 小时", "不限"],
        ["36 小时"],
        "法律,权益",
        2,
    ),
    (T, "用人单位安排加班应当支付加班工资。", [], [True], "法律,权益", 1),
    (
        S,
        "法定节假日安排加班，加班工资不低于工资的：",
        ["300%", "150%", "200%", "100%"],
        ["300%"],
        "法律,权益",
        2,
    ),
    (F, "劳动合同应在用工之日起____个月内订立。", [], ["1", "一"], "法律,权益", 2),
    (T, "工伤职工在停工留薪期内原工资福利待遇不变。", [], [True], "法律,工伤", 2),
    (
        S,
        "发生工伤后，用人单位应在多少日内提出工伤认定申请？",
        ["30 日", "7 日", "90 日", "1 年"],
        ["30 日"],
        "法律,工伤",
        3,
    ),
    (
        M,
        "工会可以为职工提供的帮助有：",
        ["法律咨询", "困难帮扶", "技能培训", "替职工上班"],
        ["法律咨询", "困难帮扶", "技能培训"],
        "权益",
        1,
    ),
    (S, "维修工具使用后应：", ["清点归位", "随手丢弃", "带回家", "放在楼道"], ["清点归位"], "维修", 1),
    (
        S,
        "更换灯具前应：",
        ["断开电源", "带电操作更快", "只关墙上开关不验电也行", "用湿手操作"],
        ["断开电源"],
        "维修,电工",
        1,
    ),
    (T, "水泵房内可以堆放杂物。", [], [False], "维修,消防", 1),
    (
        S,
        "冬季防止室外水管冻裂，可以：",
        ["做好保温包裹", "把阀门开到最大", "用火烤", "不用管"],
        ["做好保温包裹"],
        "维修,管道",
        2,
    ),
    (
        M,
        "维修作业现场应当：",
        ["设置围挡或警示", "做到工完料净场地清", "保护业主财物", "留下剩余材料"],
        ["设置围挡或警示", "做到工完料净场地清", "保护业主财物"],
        "维修",
        2,
    ),
    (F, "安全生产方针是：安全第一、____为主、综合治理。", [], ["预防"], "安全", 2),
    (T, "发现安全隐患，职工有权向工会反映。", [], [True], "安全,权益", 1),
    (
        S,
        "保安员制止违法行为时，应当：",
        ["依法采取适当措施并及时报警", "以暴制暴", "不闻不问", "扣押当事人"],
        ["依法采取适当措施并及时报警"],
        "保安,法律",
        3,
    ),
]

COURSES = [
    {
        "title": "保安员岗位安全与应急处置",
        "summary": "巡逻、门岗、电梯困人和突发事件的处置要点，学完参加考试，合格发证。",
        "posts": [Post.SECURITY],
        "exam": (
            "保安员岗位考试",
            [
                {"tags": ["保安"], "kind": S, "count": 4},
                {"tags": ["保安"], "kind": T, "count": 2},
                {"tags": ["消防"], "kind": S, "count": 3},
            ],
        ),
        "lessons": [
            (
                "text",
                "门岗与巡逻的基本要求",
                "核对证件和来访事由，做好登记；巡逻时发现异常先报告、再处置，保护好自己。",
            ),
            ("video", "电梯困人的处置流程", "", 240),
            (
                "text",
                "突发事件：先安全、再报告、保现场",
                "遇到突发事件，首先保证自身和他人安全，及时报告，保护现场，不擅自对外发布消息。",
            ),
        ],
    },
    {
        "title": "保洁作业安全与清洁剂使用",
        "summary": "地面湿滑、高处擦窗和清洁剂混用的风险，以及垃圾分类。",
        "posts": [Post.CLEANING],
        "exam": (
            "保洁员安全考试",
            [
                {"tags": ["保洁"], "kind": S, "count": 5},
                {"tags": ["保洁"], "kind": M, "count": 2},
                {"tags": ["保洁"], "kind": T, "count": 2},
            ],
        ),
        "lessons": [
            (
                "text",
                "清洁剂不能混用",
                "酸性洁厕剂和 84 消毒液混用会产生有毒氯气；不同清洁剂分类存放、标签清楚。",
            ),
            ("text", "湿滑地面和高处作业", "拖地时摆放警示牌；高处擦窗要系安全带、有人监护，不探身出窗外。"),
            (
                "document",
                "保洁员安全手册（三页）",
                "一、清洁剂分类存放，标签朝外，不用饮料瓶分装。\n二、84 消毒液与洁厕灵混用会产生氯气，头晕胸闷立即离开并报告。\n"
                "三、拖地先放警示牌，湿滑区域干透再撤。\n四、高处擦窗系安全带，有人监护。\n五、垃圾分类：可回收物、有害垃圾、厨余垃圾、其他垃圾。\n"
                "六、手被化学品灼伤，立即用流动清水冲洗 15 分钟。",
            ),
        ],
    },
    {
        "title": "管道维修实操",
        "summary": "从关阀泄压到打压试验，线上学理论，线下实操课签到，学完必考。",
        "posts": [Post.REPAIR],
        "exam": (
            "管道维修结业考试",
            [
                {"tags": ["维修"], "kind": S, "count": 6},
                {"tags": ["维修"], "kind": T, "count": 3},
                {"tags": ["维修"], "kind": M, "count": 1},
            ],
        ),
        "required": True,
        "lessons": [
            ("video", "关阀、泄压与更换接头", "", 420),
            (
                "text",
                "有限空间作业：先通风、再检测、后作业",
                "进入化粪池、污水井前必须通风、检测气体、有人监护，严禁单独下井。",
            ),
            ("session", "管道维修线下实操课", "", 0),
        ],
    },
]


def demo_step(context: dict) -> None:
    enterprise: Org = context["enterprise"]
    with system():
        if within(Question.objects, enterprise).exists():
            return
        rng = random.Random(SEED)
        with transaction.atomic():
            Question.objects.bulk_create(
                [
                    Question(
                        org=enterprise,
                        kind=kind,
                        text=text,
                        options=options,
                        answer=answer,
                        tags="|" + tags.replace(",", "|") + "|",
                        difficulty=difficulty,
                    )  # fmt: skip
                    for kind, text, options, answer, tags, difficulty in QUESTIONS
                ]
            )
            _levels(enterprise, rng)
            made = [_course(enterprise, spec) for spec in COURSES]
        _sittings(enterprise, made, rng)
        _contests(enterprise, context.get("other"), rng)


def _levels(enterprise: Org, rng: random.Random) -> None:
    """Skill levels for the frontline: most juniors and intermediates, a few seniors."""
    levels = (
        [SkillLevel.JUNIOR] * 4 + [SkillLevel.MIDDLE] * 4 + [SkillLevel.SENIOR] * 2 + [SkillLevel.TECHNICIAN]
    )
    for member in within(Member.objects, enterprise).filter(
        post__in=[Post.SECURITY, Post.CLEANING, Post.REPAIR]
    ):
        member.skill_level = rng.choice(levels)
        member.save(update_fields=["skill_level"])


def _course(enterprise: Org, spec: dict) -> Course:
    title, rules = spec["exam"]
    exam = services.exam_create(
        org=enterprise, data={"title": title, "rules": rules, "minutes": 20, "attempts": 2, "pass_mark": 60}
    )
    course = courses.course_create(
        org=enterprise,
        data={"title": spec["title"], "summary": spec["summary"], "audience": {"posts": spec["posts"]},
              "exam": exam.pk, "exam_required": spec.get("required", False)},
    )  # fmt: skip
    for kind, name, body, *seconds in spec["lessons"]:
        data = {"kind": kind, "title": name, "body": "" if kind == "document" else body}
        data["seconds"] = seconds[0] if seconds else 0
        if kind == "session":
            data["activity"] = _session(enterprise, name).pk
        lesson = courses.lesson_add(course=course, data=data)
        if kind == "document":
            documents.attach(lesson, _handbook(name, body.split("\n")))
    return course


def _handbook(title: str, lines: list[str]):
    """A small PDF handbook, two lines to a page, as a union would upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for first in range(0, len(lines), 2):
        c.setFont("STSong-Light", 26)
        c.drawString(60, 770, title)
        c.setFont("STSong-Light", 15)
        for i, line in enumerate(lines[first : first + 2]):
            c.drawString(60, 700 - 40 * i, line)
        c.showPage()
    c.save()
    return SimpleUploadedFile("handbook.pdf", out.getvalue(), content_type="application/pdf")


def _session(enterprise: Org, title: str):
    from unionhome.activities.models import Activity

    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=9, hours=2)
    return Activity.objects.create(
        org=enterprise, title=title, description="在维修班组实训间，带好工作服和手套。", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3), capacity=30, remaining=30, signup_closes_at=starts - dt.timedelta(days=1),
    )  # fmt: skip


def _sittings(enterprise: Org, made: list[Course], rng: random.Random) -> None:
    """Some members of each course's post read its lessons and sit its exam, most of them
    knowing most answers: a few fail, most pass and get certificates."""
    for course, spec in zip(made, COURSES, strict=True):
        takers = list(
            within(Member.objects, enterprise)
            .filter(post__in=spec["posts"], status=MemberStatus.ACTIVE, user__isnull=False)
            .order_by("pk")[:12]
        )
        for member in takers[: rng.randint(6, 10)]:
            for lesson in course.lessons.all():
                if lesson.kind in ("text", "document"):
                    courses.lesson_open(member, lesson)
                    courses.reached_end(member, lesson)
            attempt = services.attempt_start(exam=course.exam, member=member)
            knows = rng.uniform(0.5, 1.0)
            answers = {
                str(q.pk): (
                    q.answer if rng.random() < knows else ([] if q.kind != "truefalse" else [not q.answer[0]])
                )
                for q in services.paper(attempt)
            }
            services.attempt_submit(attempt=attempt, answers=answers)


JUDGES = 5


def _contests(enterprise: Org, other: Org | None, rng: random.Random) -> None:
    """The street's pipe-repair contest, judged by five (three of the street's skill masters and
    two from another enterprise, none marking their own enterprise's entrants), its entries
    marked and the results published; and the security contest, open for entries."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from unionhome.core.models import Role, RoleAssignment
    from unionhome.members.demo import PASSWORD

    from . import contests

    street = enterprise.parent or enterprise
    password = make_password(PASSWORD)
    User = get_user_model()
    for i in range(1, JUDGES + 1):
        user, created = User.objects.get_or_create(
            username=f"judge{i}", defaults={"password": password, "first_name": f"评委{i}"}
        )
        home = street if i <= 3 or other is None else other
        RoleAssignment.objects.get_or_create(user=user, org=home, role=Role.STAFF)
    pipes = contests.contest_create(
        org=street,
        data={"title": "管道维修技能比武", "summary": "笔试之外，现场完成一次 PPR 管热熔连接和打压试验。",
              "criteria": [{"name": "操作规范", "weight": 30}, {"name": "连接质量", "weight": 40},
                           {"name": "安全文明", "weight": 20}, {"name": "用时", "weight": 10}],
              "rule": "trimmed_mean", "judges": [f"judge{i}" for i in range(1, JUDGES + 1)],
              "tiebreak": ["连接质量", "操作规范"], "audience": {"posts": [Post.REPAIR]}},
    )  # fmt: skip
    entrants = (
        within(Member.objects, street)
        .filter(post=Post.REPAIR, status=MemberStatus.ACTIVE)
        .order_by("pk")[:10]
    )
    for member in entrants:
        entry = contests.entry_add(contest=pipes, member=member)
        skill = rng.uniform(62, 92)
        for judge in pipes.judges.select_related("user", "org"):
            if contests.conflicted(judge, entry):
                continue
            strict = {1: -6, 2: 0, 3: 4, 4: -2, 5: 8}[judge.number]  # judges differ: the rule evens them out
            scores = {
                c["name"]: max(0, min(100, round(skill + strict + rng.uniform(-6, 6))))
                for c in pipes.criteria
            }
            contests.mark(contest=pipes, user=judge.user, entry_id=entry.pk, scores=scores)
    contests.close(contest=pipes, user=pipes.chief)
    contests.contest_create(
        org=enterprise,
        data={"title": "保安员技能比武", "summary": "消防器材使用、突发事件处置，现场比拼。",
              "criteria": [{"name": "处置流程", "weight": 50}, {"name": "器材使用", "weight": 50}],
              "rule": "mean", "judges": ["judge1", "judge2", "judge3"], "audience": {"posts": [Post.SECURITY]},
              "signup_closes_at": timezone.now() + dt.timedelta(days=14)},
    )  # fmt: skip
