"""Demo benefits: the default claim catalogue, a fund with a budget and a 一支笔 signer, a year of
claims in every state, three hardship cases at different stages, pairings and visits, the
service items of the six groups, and a summer 送清凉 campaign part handed out."""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from unionhome.core.models import AuditLog, Org, Role, RoleAssignment
from unionhome.members import proxy as proxies
from unionhome.members.models import Consent, ConsentPurpose, Member, MemberStatus

from . import campaigns, funds, hardship, services
from .catalogue import catalogue_install
from .models import ClaimType, Fund


def _holder(org: Org, role: str, username: str | None = None):
    rows = RoleAssignment.objects.filter(org=org, role=role).select_related("user").order_by("pk")
    if username:
        rows = rows.filter(user__username=username)
    row = rows.first()
    return row.user if row else None


def sample_png(width: int = 40, height: int = 20) -> bytes:
    """A real PNG (a diagonal stroke on white) standing in for a photographed attendance sheet, a
    ticket or a signature; written by hand so no imaging library is needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\x00" + b"".join(b"\x00\x00\x00" if x == y * 2 else b"\xff\xff\xff" for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 0))
        + chunk(b"IEND", b"")
    )


def signature_png(name: str = "李") -> bytes:
    """A signature as the proxy page's pad draws it: dark strokes on a white 600×240 canvas."""
    import io

    from PIL import Image, ImageDraw

    canvas = Image.new("RGB", (600, 240), "white")
    pen = ImageDraw.Draw(canvas)
    seed = sum(map(ord, name))
    points = [(40 + i * 26, 120 + ((seed * (i + 3)) % 90) - 45) for i in range(20)]
    pen.line(points, fill=(17, 17, 17), width=4, joint="curve")
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample_png(), content_type="image/png")


def _backdate(row, days: int) -> None:
    """Move a demo record and its timeline `days` into the past."""
    shift = dt.timedelta(days=days)
    model = type(row)
    fields = {f.name for f in model._meta.fields}
    changes = {
        name: getattr(row, name) - shift
        for name in ("created_at", "submitted_at", "decided_at", "delivered_at")
        if name in fields and getattr(row, name)
    }
    if "due_on" in fields and row.due_on:
        changes["due_on"] = row.due_on - shift
    model.objects.filter(pk=row.pk).update(**changes)
    for log in AuditLog.objects.filter(object_type=row._meta.label_lower, object_id=str(row.pk)):
        AuditLog.objects.filter(pk=log.pk).update(at=log.at - shift)


VALUES = {
    "overtime": lambda rng: {
        "month": "2026-07",
        "hours": str(rng.randint(8, 40)),
        "amount": str(rng.choice([200, 300, 450, 600])),
    },
    "supplies": lambda rng: {
        "item": rng.choice(["工作服", "防滑鞋", "手套", "雨衣"]),
        "size": "L",
        "quantity": "1",
    },
    "festival": lambda rng: {"festival": rng.choice(["春节", "端午节", "中秋节"]), "pickup": "站点领取"},
    "home_leave": lambda rng: {"starts_on": "2026-10-01", "ends_on": "2026-10-07", "destination": "河南信阳"},
    "certificate": lambda rng: {"certificate": "保安员证", "level": "初级工", "amount": "300"},
    "health_check": lambda rng: {"preferred_on": "2026-09-15", "hospital": "区职工医院"},
}
FILES = {"overtime": "attendance", "certificate": "scan"}
# The states a year of claims ends in, in proportion.
ENDINGS = ["delivered"] * 6 + ["approved"] * 2 + ["submitted"] * 3 + ["returned", "rejected", "draft"]


def build(enterprise: Org) -> int:
    if ClaimType.objects.filter(org=enterprise).exists():
        return 0
    rng = random.Random(2027)
    chair = _holder(enterprise, Role.CHAIR)
    staff = _holder(enterprise, Role.STAFF)
    volunteer = _holder(enterprise, Role.VOLUNTEER)
    year = timezone.localdate().year
    fund = funds.fund_save(
        actor=chair,
        org=enterprise,
        name="职工福利经费",
        year=year,
        budget=Decimal("200000"),
        signer=chair,
        sign_threshold=Decimal("1000"),
    )
    funds.fund_save(
        actor=chair,
        org=enterprise,
        name="困难职工帮扶资金",
        year=year,
        budget=Decimal("80000"),
        signer=chair,
        sign_threshold=Decimal("2000"),
    )
    catalogue_install(org=enterprise, fund=fund)
    campaigns.service_items_default(org=enterprise)
    members = list(
        Member.objects.filter(
            org__path__startswith=enterprise.path, status=MemberStatus.ACTIVE, user__isnull=False
        )
        .select_related("user", "org")
        .order_by("pk")
    )
    made = 0
    types = {t.code: t for t in ClaimType.objects.filter(org=enterprise)}
    for i in range(60):
        code = list(VALUES)[i % len(VALUES)]
        ctype = types[code]
        candidates = [m for m in members if services.claim_type_allowed(ctype, m)]
        if not candidates:
            continue
        member = rng.choice(candidates)
        ending = ENDINGS[i % len(ENDINGS)]
        files = {FILES[code]: _upload(f"{FILES[code]}.png")} if code in FILES else {}
        claim = services.claim_save(
            actor=member.user, ctype=ctype, values=VALUES[code](rng), files=files, submit=ending != "draft"
        )
        approver = chair if ctype.approver_role == "chair" or (claim.amount or 0) > 1000 else staff
        if ending in ("approved", "delivered"):
            services.claim_approve(claim=claim, actor=approver, note="符合规定，同意")
        if ending == "delivered":
            services.claim_deliver(claim=claim, actor=staff, note="已发放")
        if ending == "returned":
            services.claim_return(claim=claim, actor=staff, note="考勤记录不清楚，请重新拍照上传")
        if ending == "rejected":
            services.claim_reject(claim=claim, actor=staff, reason="不在申报期内")
        # Spread over the past year; open ones are recent so their deadlines are live.
        days = rng.randint(20, 360) if ending in ("delivered", "rejected") else rng.randint(0, 3)
        _backdate(claim, days)
        made += 1
    _hardship(enterprise, members, staff, chair, rng)
    _campaign(enterprise, staff)
    if volunteer and members:
        _proxy_example(volunteer, members[-1], types["supplies"])
    return made


def _hardship(enterprise: Org, members: list[Member], staff, chair, rng) -> None:
    help_fund = Fund.objects.get(org=enterprise, name="困难职工帮扶资金")
    people = members[3:6]
    for member in people:
        for purpose in (ConsentPurpose.HEALTH, ConsentPurpose.FINANCIAL):
            Consent.objects.create(member=member, purpose=purpose, granted=True, recorded_by=member.user)
    # 1: urgent, just received.
    hardship.hardship_case_open(
        actor=people[0].user,
        kind="emergency",
        summary="家中突发火灾，住房受损",
        urgent=True,
        details={"household_size": 4, "annual_income": "52000", "unavoidable_costs": "60000"},
    )
    # 2: in consultation after a home visit.
    second = hardship.hardship_case_open(
        actor=staff,
        member=people[1],
        kind="illness",
        summary="爱人重病长期住院",
        details={"household_size": 3, "annual_income": "60000", "health": "家属肾衰竭透析"},
    )
    hardship.case_advance(case=second, actor=staff, note="已电话联系，约定入户")
    hardship.case_advance(
        case=second,
        actor=staff,
        note="入户核实：医疗费用清单、收入证明已核对",
        attachment=_upload("authorisation.png"),
    )
    # 3: decided, paid, on public notice, in follow-up; paired with the chair, visited twice.
    third = hardship.hardship_case_open(
        actor=staff, member=people[2], kind="injury", summary="工伤后康复期收入下降"
    )
    hardship.case_advance(case=third, actor=staff, note="受理")
    hardship.case_advance(case=third, actor=staff, note="入户核实", attachment=_upload("authorisation.png"))
    hardship.case_advance(case=third, actor=staff, note="会商：工会、人力资源部、班组长一致同意")
    hardship.case_advance(
        case=third, actor=chair, note="批准", level="relative", amount=Decimal("3000"), fund=help_fund
    )
    hardship.notice_publish(case=third, actor=staff, until=timezone.localdate() + dt.timedelta(days=7))
    pairing = hardship.pairing_create(
        actor=staff, cadre=chair, member=people[2], plan="每月上门一次，协助康复期调岗", case=third
    )
    for weeks in (6, 2):
        visit = hardship.visit_plan(
            actor=staff,
            member=people[2],
            planned_on=timezone.localdate() - dt.timedelta(weeks=weeks),
            pairing=pairing,
            visitor=chair,
        )
        hardship.visit_record(
            visit=visit,
            actor=chair,
            visited_on=visit.planned_on,
            record="了解康复情况，送米面油",
            gifts="米面油",
        )
        hardship.visit_evaluate(
            visit=visit, actor=people[2].user, rating=rng.choice([4, 5]), evaluation="很贴心"
        )
    hardship.visit_plan(
        actor=staff,
        member=people[1],
        planned_on=timezone.localdate() + dt.timedelta(days=3),
        kind="illness",
        visitor=staff,
    )


def _campaign(enterprise: Org, staff) -> None:
    today = timezone.localdate()
    summer = campaigns.campaign_save(
        actor=staff,
        org=enterprise,
        name=f"{today.year} 夏季送清凉",
        kind="cool",
        items="绿豆汤、藿香正气水、防暑毛巾",
        audience={"posts": ["security", "cleaning", "greening", "repair"]},
        value=Decimal("60"),
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=30),
    )
    summer.status = "creating"
    summer.save(update_fields=["status"])
    campaigns.entitlements_create(summer.pk)
    delivered = summer.entitlements.order_by("pk")[: summer.entitlements.count() // 2]
    for row in delivered:
        campaigns.entitlement_deliver(actor=staff, entitlement=row)


def _proxy_example(volunteer, member: Member, supplies: ClaimType) -> None:
    consent = proxies.proxy_sign(actor=volunteer, member=member, png=signature_png(member.name))
    if services.claim_type_allowed(supplies, member):
        services.claim_save(
            actor=volunteer,
            ctype=supplies,
            values={"item": "防滑鞋", "size": "41", "quantity": "1"},
            submit=True,
            proxy=consent,
        )


def demo_step(context: dict) -> None:
    """The demo's claims, funds, hardship cases and campaigns (core.demo)."""
    build(context["enterprise"])
