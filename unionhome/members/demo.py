"""The demo union: the case enterprise of seed 000 §4.

A property-management company union under a street-level union; 22 residential communities as
sites; 800 employees, 85% frontline security, cleaning and repair staff, older on average; 97.5%
registered on the platform (seed 000 table 2). A second, small enterprise union sits beside it so
that "staff of another union" and transfers can be tried. Everything is fictional; ID numbers
are well-formed (GB 11643 check digit) but belong to nobody.

`build()` is idempotent: when the demo union exists it changes nothing and returns the accounts.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from unionhome.core.crypto import digest
from unionhome.core.models import Department, Org, OrgKind, Role, RoleAssignment, Site

from . import groups, idcard
from .models import Consent, ConsentPurpose, EmploymentType, Gender, Member, MemberStatus, Post, Shift
from .services import name_initials

PASSWORD = "unionhome2026"
STREET = "春晖街道总工会"
ENTERPRISE = "安居物业管理有限公司工会"
OTHER = "洁美家政服务有限公司工会"
N_MEMBERS = 800
N_UNREGISTERED = 20  # 780 of 800 registered: 97.5%

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_M = [
    "建国",
    "国强",
    "志强",
    "建华",
    "海涛",
    "永刚",
    "卫东",
    "文斌",
    "春生",
    "长林",
    "德明",
    "宝山",
    "振华",
    "庆丰",
    "福来",
    "守成",
    "立新",
    "金山",
    "红军",
    "铁柱",
    "保平",
    "玉林",
    "树林",
    "成",
    "军",
    "伟",
    "勇",
    "磊",
    "强",
    "刚",
    "杰",
    "斌",
]
GIVEN_F = [
    "秀英",
    "桂英",
    "秀兰",
    "玉兰",
    "桂兰",
    "凤英",
    "淑珍",
    "丽华",
    "春梅",
    "秀珍",
    "玉梅",
    "金凤",
    "彩霞",
    "红梅",
    "翠花",
    "美玲",
    "淑芬",
    "艳",
    "霞",
    "芳",
    "娟",
    "敏",
    "静",
    "丽",
    "燕",
    "红",
]
COMMUNITIES = [
    "翠湖",
    "枫林",
    "锦绣",
    "和平里",
    "春晖",
    "望京花园",
    "龙湖",
    "阳光",
    "金色家园",
    "幸福里",
    "绿洲",
    "紫荆",
    "银杏",
    "明珠",
    "丽景",
    "长安",
    "怡景",
    "嘉园",
    "书香",
    "泉河",
    "雁栖",
    "汇鑫",
]
REGIONS = ["110116", "110116", "110116", "110228", "130323", "130424", "410521", "371122", "140123"]
BRANCHES = [
    ("秩序维护部分会", Post.SECURITY),
    ("环境保洁部分会", Post.CLEANING),
    ("工程维修部分会", Post.REPAIR),
    ("综合管理分会", Post.SERVICE),
]
HANDLER_DEPTS = [("hr", "人力资源部"), ("admin", "行政部"), ("safety", "安全部"), ("legal", "法务部")]


def _post_for(i: int, rng: random.Random) -> str:
    """85% frontline: security 40%, cleaning 28%, repair 12%, greening 5%; then service and management."""
    r = rng.random()
    for limit, post in (
        (0.40, Post.SECURITY),
        (0.68, Post.CLEANING),
        (0.80, Post.REPAIR),
        (0.85, Post.GREENING),
        (0.95, Post.SERVICE),
    ):
        if r < limit:
            return post
    return Post.MANAGEMENT


def _gender_for(post: str, rng: random.Random) -> str:
    share_female = {Post.SECURITY: 0.08, Post.CLEANING: 0.8, Post.REPAIR: 0.05, Post.GREENING: 0.4}.get(
        post, 0.6
    )
    return Gender.FEMALE if rng.random() < share_female else Gender.MALE


def _birth_for(rng: random.Random, today: dt.date) -> dt.date:
    """An older profile: mostly 45–60, a tail of younger staff."""
    age = rng.choice([rng.randint(45, 59)] * 6 + [rng.randint(30, 44)] * 3 + [rng.randint(22, 29)])
    return today - dt.timedelta(days=age * 365 + rng.randint(0, 364))


def _accounts() -> dict:
    User = get_user_model()
    roles = RoleAssignment.objects.filter(org__name__in=[STREET, ENTERPRISE, OTHER]).select_related("user")

    def names(role: str, org: str | None = None) -> list[str]:
        return sorted(
            {r.user.username for r in roles if r.role == role and (org is None or r.org.name == org)}
        )

    return {
        "password": PASSWORD,
        "admin": "admin",
        "chair": "chair",
        "staff": names(Role.STAFF, ENTERPRISE),
        "handlers": names(Role.HANDLER),
        "volunteers": names(Role.VOLUNTEER),
        "other_union_staff": names(Role.STAFF, OTHER),
        "members": list(
            User.objects.filter(
                member__status=MemberStatus.ACTIVE,
                member__org__path__startswith=Org.objects.get(name=ENTERPRISE).path,
            )
            .order_by("username")
            .values_list("username", flat=True)
        ),
        "unregistered_roster_example": list(
            Member.objects.filter(status=MemberStatus.ROSTER, user=None)
            .order_by("employee_no")
            .values("name", "employee_no", "id_number")[:1]
        ),
    }


def exists() -> bool:
    return Org.objects.filter(name=ENTERPRISE, kind=OrgKind.ENTERPRISE).exists()


@transaction.atomic
def build(seed: int = 2026) -> dict:
    if exists():
        return _accounts()
    rng = random.Random(seed)
    today = timezone.localdate()
    User = get_user_model()
    password = make_password(PASSWORD)  # one hash for every demo login: 800 argon2 runs would take a minute

    street = Org.objects.create(name=STREET, kind=OrgKind.HIGHER, city="北京")
    enterprise = Org.objects.create(name=ENTERPRISE, kind=OrgKind.ENTERPRISE, parent=street, city="北京")
    branches = {
        post: Org.objects.create(name=name, kind=OrgKind.BRANCH, parent=enterprise) for name, post in BRANCHES
    }
    Org.objects.create(name="秩序维护部第一小组", kind=OrgKind.GROUP, parent=branches[Post.SECURITY])
    Org.objects.create(name="秩序维护部第二小组", kind=OrgKind.GROUP, parent=branches[Post.SECURITY])
    other = Org.objects.create(name=OTHER, kind=OrgKind.ENTERPRISE, parent=street, city="北京")
    sites = [
        Site.objects.create(org=enterprise, name=f"{c}小区", address=f"春晖街道{c}路{i + 1}号")
        for i, c in enumerate(COMMUNITIES)
    ]
    other_site = Site.objects.create(org=other, name="洁美家政服务站", address="春晖街道幸福路8号")

    members: list[Member] = []
    users: list = []
    used_names: set[str] = set()
    for i in range(N_MEMBERS):
        post = _post_for(i, rng)
        gender = _gender_for(post, rng)
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN_M if gender == Gender.MALE else GIVEN_F)
            if name not in used_names or rng.random() < 0.05:
                break
        used_names.add(name)
        birth = _birth_for(rng, today)
        id_number = idcard.make_id(rng.choice(REGIONS), birth, i, gender)
        phone = f"1{rng.choice('35789')}{rng.randint(0, 9)}{i + 10000000:08d}"[:11]
        registered = i >= N_UNREGISTERED
        hired = today - dt.timedelta(days=rng.choice([rng.randint(30, 360)] + [rng.randint(400, 5000)] * 5))
        branch = branches[
            post
            if post in branches
            else (Post.SERVICE if post in (Post.SERVICE, Post.MANAGEMENT) else Post.CLEANING)
        ]
        member = Member(
            org=branch,
            site=rng.choice(sites),
            name=name,
            name_initials=name_initials(name),
            gender=gender,
            birth_date=birth,
            phone=phone,
            employee_no=f"AJ{i + 1:04d}",
            post=post,
            employment_type=rng.choice(
                [EmploymentType.FORMAL] * 6
                + [EmploymentType.DISPATCHED] * 2
                + [EmploymentType.OUTSOURCED, EmploymentType.SEASONAL]
            ),
            shift=rng.choice([Shift.ROTATING, Shift.NIGHT, Shift.DAY])
            if post == Post.SECURITY
            else rng.choice([Shift.DAY] * 3 + [Shift.ROTATING]),
            hired_on=hired,
            skills=rng.choice(["", "消防设施操作", "电工", "管道维修", "绿化养护", "电梯安全管理"]),
            posted_away=rng.random() < 0.03,
            hardship=rng.random() < 0.02,
            status=MemberStatus.ACTIVE if registered else MemberStatus.ROSTER,
            joined_on=hired + dt.timedelta(days=rng.randint(0, 60)) if registered else None,
        )
        member.id_number = id_number
        member.id_digest = digest(id_number)
        if registered:
            users.append(User(username=f"m{i + 1:04d}", phone=phone, first_name=name, password=password))
        members.append(member)

    User.objects.bulk_create(users, batch_size=500)
    by_username = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    for i, member in enumerate(members):
        user = by_username.get(f"m{i + 1:04d}")
        member.user = user
    Member.objects.bulk_create(members, batch_size=500)
    members = list(Member.objects.filter(org__path__startswith=enterprise.path).order_by("employee_no"))
    active = [m for m in members if m.status == MemberStatus.ACTIVE]
    for m in active:
        m.assign_member_no()
    Member.objects.bulk_update(active, ["member_no"], batch_size=500)
    groups.recompute_many(members, today)
    Consent.objects.bulk_create(
        [
            Consent(member=m, purpose=p, granted=True, recorded_by=m.user)
            for m in members
            if m.user_id
            for p in (ConsentPurpose.SERVICE, ConsentPurpose.ID_NUMBER, ConsentPurpose.NOTIFICATIONS)
        ],
        batch_size=1000,
    )

    def person(
        username: str,
        name: str,
        role: str,
        org: Org,
        department: str = "",
        *,
        member_of: Member | None = None,
        superuser=False,
    ):
        user = (
            member_of.user
            if member_of
            else User.objects.create(
                username=username,
                first_name=name,
                password=password,
                is_superuser=superuser,
                is_staff=superuser,
            )
        )
        if member_of:
            user.username = username
            user.save(update_fields=["username"])
        RoleAssignment.objects.create(user=user, org=org, role=role, department=department)
        return user

    person("admin", "系统管理员", Role.ADMIN, street, superuser=True)
    person("chair", "周建国", Role.CHAIR, enterprise)
    person("staff1", "李秀梅", Role.STAFF, enterprise)
    person("staff2", "王志刚", Role.STAFF, enterprise)
    for code, dept in HANDLER_DEPTS:
        Department.objects.create(org=enterprise, name=dept)
        person(f"handler_{code}", f"{dept}承办人", Role.HANDLER, enterprise, dept)
    younger = [m for m in members if m.user_id and m.birth_date and (today - m.birth_date).days < 35 * 365][
        :3
    ]
    for n, m in enumerate(younger, start=1):
        person(f"volunteer{n}", m.name, Role.VOLUNTEER, enterprise, member_of=m)
    person("staff_other", "赵丽", Role.STAFF, other)

    # The other union has a few members of its own.
    for j in range(5):
        gender = Gender.FEMALE
        birth = _birth_for(rng, today)
        u = User.objects.create(
            username=f"o{j + 1:04d}",
            first_name=f"钱{GIVEN_F[j]}",
            password=password,
            phone=f"1860000{j + 1:04d}",
        )
        m = Member.objects.create(
            org=other,
            site=other_site,
            user=u,
            name=u.first_name,
            name_initials=name_initials(u.first_name),
            gender=gender,
            birth_date=birth,
            phone=u.phone,
            employee_no=f"JM{j + 1:03d}",
            post=Post.CLEANING,
            status=MemberStatus.ACTIVE,
            joined_on=today - dt.timedelta(days=400),
        )
        m.assign_member_no()
        m.save(update_fields=["member_no"])
        groups.recompute(m)
    return _accounts()


def demo_step(context: dict) -> None:
    """The demo's first part (core.demo): the union, its people and accounts."""
    from unionhome.core.models import Org

    context["existed"] = exists()
    context["accounts"] = build()
    context["enterprise"] = Org.objects.get(name=ENTERPRISE)
    context["other"] = Org.objects.filter(name=OTHER).first()
