"""Demo activities: past ones with attendance and ratings, upcoming ones to sign up for, an offer
opening soon and a lottery taking entries, two venues the two enterprise unions share through
the street union, and member discounts."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from unionhome.core.models import Org, Role, RoleAssignment, Site
from unionhome.members.models import Member, MemberStatus

from . import services, venues
from .models import Activity, Booking, BookingSlot, BookingStatus, Discount, Offer, OfferMode, Signup, Venue


def _staff(org: Org):
    row = (
        RoleAssignment.objects.filter(org=org, role=Role.STAFF).select_related("user").order_by("pk").first()
    )
    return row.user if row else None


def _at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def build(enterprise: Org, other: Org | None = None) -> int:
    if Activity.objects.filter(org=enterprise).exists():
        return 0
    rng = random.Random(2026)
    staff = _staff(enterprise)
    members = list(
        Member.objects.filter(
            org__path__startswith=enterprise.path, status=MemberStatus.ACTIVE, user__isnull=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    site = Site.objects.filter(org__path__startswith=enterprise.path).order_by("pk").first()

    def activity(title, starts, hours, place, capacity, description="", audience=None):
        return Activity.objects.create(
            org=enterprise,
            title=title,
            description=description,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours),
            signup_closes_at=starts - dt.timedelta(hours=2),
            place=place,
            capacity=capacity,
            remaining=capacity,
            audience=audience or {},
            created_by=staff,
        )

    # Past: attendance history with check-ins and ratings.
    past = [
        activity(
            "迎新春职工联欢会", _at(-60, 18, 30), 3, "公司总部多功能厅", 120, "猜灯谜、包饺子、文艺表演。"
        ),
        activity("职工健步走", _at(-20, 7), 2, "滨河公园东门集合", 80, "5公里健步走，完成者领取纪念品。"),
    ]
    for item in past:
        taken = rng.sample(members, min(len(members), item.capacity - 10))
        Signup.objects.bulk_create(
            [
                Signup(
                    activity=item,
                    member_id=m,
                    status="confirmed",
                    short_code=services._code(),
                    confirmed_at=item.starts_at - dt.timedelta(days=3),
                    checked_in_at=item.starts_at + dt.timedelta(minutes=rng.randint(-20, 15))
                    if rng.random() < 0.85
                    else None,
                    checked_in_by=staff,
                    rating=rng.choice([5, 5, 4, 4, 3]) if rng.random() < 0.4 else None,
                )
                for m in taken
            ]
        )
        Activity.objects.filter(pk=item.pk).update(remaining=item.capacity - len(taken))

    # Upcoming: one nearly full, one for a site, one for night-shift workers.
    lecture = activity(
        "消防安全知识讲座",
        _at(5, 14),
        2,
        "公司总部三楼会议室",
        40,
        "消防中队教官讲解灭火器使用和火场逃生，现场实操。",
    )
    for m in members[:38]:
        Signup.objects.create(
            activity=lecture,
            member_id=m,
            status="confirmed",
            short_code=services._code(),
            confirmed_at=timezone.now(),
        )
    Activity.objects.filter(pk=lecture.pk).update(remaining=2)
    activity(
        "职工子女暑期书法班",
        _at(12, 9),
        2,
        site.name + "活动室" if site else "活动室",
        20,
        "每周六上午，连续四周，由退休教师授课。",
        {"sites": [site.pk]} if site else {},
    )
    activity(
        "夜班职工免费体检",
        _at(9, 10),
        4,
        "春晖社区卫生服务中心",
        60,
        "针对夜班、倒班职工的专项体检：血压、血糖、心电图、视力。",
        {"groups": ["frontline_shift"]},
    )

    # Offers: a first-come offer opening in two hours, and a lottery taking entries now.
    Offer.objects.create(
        org=enterprise,
        title="周末电影票（每人一张）",
        description="春晖影城任意场次，凭二维码到前台兑换。",
        quantity=100,
        remaining=100,
        opens_at=timezone.now() + dt.timedelta(hours=2),
        closes_at=timezone.now() + dt.timedelta(days=2),
        created_by=staff,
    )
    Offer.objects.create(
        org=enterprise,
        title="全家福摄影（抽签）",
        description="专业摄影师上门拍摄全家福，赠送两张冲印照片。",
        quantity=20,
        remaining=20,
        mode=OfferMode.LOTTERY,
        opens_at=timezone.now() - dt.timedelta(hours=1),
        closes_at=timezone.now() + dt.timedelta(days=3),
        created_by=staff,
    )

    # Venues shared between the two enterprise unions under the street union.
    street = enterprise.parent
    hall = Venue.objects.create(
        org=enterprise,
        name="职工活动室",
        address="安居物业总部一楼",
        capacity=60,
        description="有投影和音响，可开会、培训、文艺排练。",
        shared_under=street,
        auto_approve=True,
    )
    if other is not None:
        classroom = Venue.objects.create(
            org=other,
            name="家政培训教室",
            address="春晖街道幸福路8号二楼",
            capacity=30,
            description="30 套桌椅、白板，适合技能培训。",
            shared_under=street,
        )
        other_staff = _staff(other)
        bookings = [
            (hall, other, other_staff, _at(3, 9), _at(3, 11), "家政员岗前培训", BookingStatus.APPROVED),
            (
                classroom,
                enterprise,
                staff,
                _at(4, 14),
                _at(4, 16),
                "保洁技能比武理论考试",
                BookingStatus.PENDING,
            ),
        ]
        for venue, org, by, starts, ends, purpose, status in bookings:
            if by is None:
                continue
            booking = Booking.objects.create(
                venue=venue,
                org=org,
                booked_by=by,
                starts_at=starts,
                ends_at=ends,
                purpose=purpose,
                status=status,
            )
            slots, t = [], starts
            while t < ends:
                slots.append(BookingSlot(booking=booking, venue=venue, starts_at=t))
                t += venues.SLOT
            BookingSlot.objects.bulk_create(slots)

    # Member discounts from member enterprises.
    today = timezone.localdate()
    Discount.objects.bulk_create(
        [
            Discount(
                org=enterprise,
                merchant="春晖惠民超市",
                category="shopping",
                title="凭会员卡购物九五折",
                description="结账时出示电子会员卡。",
                address="春晖街道建设路12号",
                valid_from=today - dt.timedelta(days=30),
                valid_until=today + dt.timedelta(days=335),
            ),  # fmt: skip
            Discount(
                org=enterprise,
                merchant="明亮眼镜店",
                category="health",
                title="配镜八折，免费验光",
                address="春晖街道建设路30号",
                phone="010-66668888",
                valid_from=today - dt.timedelta(days=10),
                valid_until=today + dt.timedelta(days=170),
            ),  # fmt: skip
            Discount(
                org=enterprise,
                merchant="顺心驾校",
                category="education",
                title="会员学车立减800元",
                description="报名时出示电子会员卡和身份证。",
                valid_from=today,
                valid_until=today + dt.timedelta(days=90),
            ),  # fmt: skip
            Discount(
                org=enterprise,
                merchant="老街坊面馆",
                category="dining",
                title="夜班职工凭工牌加面不加价",
                description="每天 22:00 至次日 6:00。",
                address="春晖街道幸福路2号",
                valid_from=today - dt.timedelta(days=60),
                valid_until=today + dt.timedelta(days=300),
            ),  # fmt: skip
        ]
    )
    return Activity.objects.filter(org=enterprise).count()


def demo_step(context: dict) -> None:
    """The demo's activities, offers, venues and discounts (core.demo)."""
    build(context["enterprise"], context.get("other"))
