"""Recurring issues and the rectification list, the weekly risk review, legal services and the figures."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from unionhome.appeals import legal, recurring, review, services
from unionhome.appeals.insights import appeal_figures
from unionhome.appeals.models import Appeal, LegalKind, RiskKind, Route
from unionhome.core.audit import log_action
from unionhome.core.errors import Conflict, DomainError, NotFound

from ..factories import MemberFactory
from .conftest import at

DORM = "宿舍热水器坏了半个月，报修好几次都没人来，下了班洗不了澡。"
DORM2 = "宿舍的热水器又坏了，报修了好几次都没人来修，洗不了澡。"
OTHER = "想考电工证，公司能不能组织培训，或者报销一部分考证费用？"


def test_similar_appeals_at_one_site_group_and_become_a_rectification_line(
    personas, django_capture_on_commit_callbacks
):
    # The grouping runs in the task queue after the intake commits.
    with django_capture_on_commit_callbacks(execute=True):
        a = services.appeal_submit(actor=personas.member_user, text=DORM)
    with django_capture_on_commit_callbacks(execute=True):
        b = services.appeal_submit(actor=personas.other_user, text=DORM2)
    with django_capture_on_commit_callbacks(execute=True):
        c = services.appeal_submit(actor=personas.other_user, text=OTHER)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.category == b.category == "living"
    assert a.cluster_id == b.cluster_id == a.pk and c.cluster_id is None
    groups = review.recurring_groups(personas.staff)
    assert [(g["cluster"], g["count"]) for g in groups] == [(a.pk, 2)]
    assert review.recurring_groups(personas.staff_other) == []
    item = review.rectification_create(
        actor=personas.staff,
        cluster=a.pk,
        title="翠湖小区宿舍热水器更换",
        owner=personas.staff,
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    assert set(item.appeals.all()) == {a, b}
    assert item.quarter == recurring.quarter_of(timezone.localdate())
    assert review.recurring_groups(personas.staff) == []  # now on the list
    with pytest.raises(NotFound):
        review.rectification_create(
            actor=personas.staff_other,
            cluster=a.pk,
            title="x",
            owner=personas.staff_other,
            due_on=dt.date(2026, 1, 1),
        )


def test_weekly_risk_review_finds_a_rising_site_once(personas):
    today = timezone.localdate()
    for i in range(4):
        services.appeal_submit(
            actor=personas.staff,
            text=f"第{i}次反映：夜班连续上了十六个小时，排班太紧，人熬不住了。",
            channel="visit",
            received_at=at(today - dt.timedelta(days=i + 1)),
            on_behalf_of="member",
        )
    found = review.risk_review(today)
    kinds = {(r.kind, r.site_id) for r in found}
    assert (RiskKind.COMPLAINTS, personas.tree.site.pk) in kinds
    assert (RiskKind.OVERTIME, personas.tree.site.pk) in kinds
    assert review.risk_review(today) == []  # the job ran twice
    item = found[0]
    review.risk_update(item, actor=personas.staff, owner=personas.staff, next_step="周三会同人力资源部研判")
    item.refresh_from_db()
    assert item.owner == personas.staff and item.next_step
    with pytest.raises(NotFound):
        review.risk_update(item, actor=personas.staff_other, next_step="x")


def test_turnover_rise_is_a_risk(personas):
    today = timezone.localdate()
    for _ in range(3):
        m = MemberFactory(org=personas.tree.union, site=personas.tree.site)
        log_action(m, "members.member.left", personas.staff, {}, timeline=True)
    assert RiskKind.TURNOVER in {r.kind for r in review.risk_review(today)}


def test_legal_aid_eligibility_and_the_ladder_in_order(personas):
    aid = legal.legal_case_open(
        actor=personas.member_user,
        kind=LegalKind.LEGAL_AID,
        summary="公司拖欠三个月工资不发，想申请法律援助去仲裁。",
        eligibility={
            "is_member": True,
            "labour_dispute": True,
            "financial_hardship": True,
            "within_limit": True,
        },
    )
    assert aid.eligible is True
    partial = legal.legal_case_open(
        actor=personas.member_user, kind=LegalKind.LEGAL_AID, summary="邻居占了我家车位怎么办", eligibility={}
    )
    assert partial.eligible is False

    case = legal.legal_case_open(
        actor=personas.staff,
        member=personas.member,
        kind=LegalKind.RIGHTS,
        issue="wage_arrears",
        summary="保安队二十人被拖欠两个月工资",
    )
    assert set(case.evidence) == {"attendance", "payslips", "contract", "arrears_list"}
    with pytest.raises(Conflict):
        legal.ladder_step(case, actor=personas.staff, step="letter")  # out of order
    legal.ladder_step(case, actor=personas.staff, step="remind", note="口头提示人力资源部")
    legal.ladder_step(case, actor=personas.staff, step="consult")
    with pytest.raises(Conflict) as err:
        legal.ladder_step(case, actor=personas.staff, step="letter")
    assert err.value.code == "evidence_missing"
    legal.evidence_set(case, actor=personas.staff, collected=dict.fromkeys(case.evidence, True))
    with pytest.raises(DomainError) as err:  # a date before the previous step
        legal.ladder_step(
            case, actor=personas.staff, step="letter", on=timezone.localdate() - dt.timedelta(days=9)
        )
    assert "on" in err.value.fields
    for step in ("letter", "review", "handover"):
        legal.ladder_step(case, actor=personas.staff, step=step)
    assert legal.ladder_next(case) is None
    assert list(case.steps.values_list("step", flat=True)) == [
        "remind",
        "consult",
        "letter",
        "review",
        "handover",
    ]
    with pytest.raises(NotFound):
        legal.case_get(personas.other_user, case.pk)
    with pytest.raises(NotFound):
        legal.ladder_step(case, actor=personas.staff_other, step="remind")


def test_mediation_agreement(personas):
    case = legal.legal_case_open(
        actor=personas.member_user, kind=LegalKind.MEDIATION, summary="与主管因调岗发生争议"
    )
    with pytest.raises(DomainError):
        legal.mediation_record(case, actor=personas.staff, agreement="")
    legal.mediation_record(case, actor=personas.staff, agreement="双方同意恢复原岗位，补发差额工资。")
    case.refresh_from_db()
    assert case.status == "closed" and case.agreement_signed_on


def test_figures_follow_their_definitions(personas):
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)

    def make(days_ago, close_after_hours=None, rating=None, overdue=False):
        a = services.appeal_submit(
            actor=personas.staff,
            text=DORM,
            channel="hotline",
            received_at=timezone.now() - dt.timedelta(days=days_ago),
            on_behalf_of="member",
        )
        services.appeal_route(a, actor=personas.staff, route=Route.COORDINATION)
        if close_after_hours is not None:
            services.appeal_close(a, actor=personas.staff, outcome="resolved", reply="已修好")
            Appeal.objects.filter(pk=a.pk).update(
                closed_at=a.received_at + dt.timedelta(hours=close_after_hours)
            )
            if rating:
                services.appeal_rate(a, actor=personas.member_user, rating=rating)
        if overdue:
            Appeal.objects.filter(pk=a.pk).update(ever_overdue=True)
        return a

    make(10, close_after_hours=48, rating=5)
    make(9, close_after_hours=96, rating=3)
    make(8, overdue=True)
    make(1)  # due in the future: not late
    result = appeal_figures(Appeal.objects.all(), start=start, end=today, by="category")
    overall = result["overall"]
    assert overall["count"] == 4
    assert overall["closure_rate"] == 0.5
    assert overall["avg_cycle_days"] == 3.0
    assert overall["satisfaction_rate"] == 0.5
    assert overall["overdue_rate"] == 0.25
    assert result["rows"][0]["label"] == "食宿通勤" and result["rows"][0]["count"] == 4
    assert set(result["definitions"]) == {
        "count",
        "closure_rate",
        "avg_cycle_days",
        "satisfaction_rate",
        "overdue_rate",
    }


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def test_photos_are_checked_by_content_not_name(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    with pytest.raises(DomainError) as err:
        services.appeal_submit(actor=personas.member_user, text=DORM, photos=[fake])
    assert "photos" in err.value.fields
    assert not Appeal.objects.exists()
    good = [SimpleUploadedFile("a.bin", PNG), SimpleUploadedFile("b", JPEG)]
    appeal = services.appeal_submit(actor=personas.member_user, text=DORM, photos=good)
    assert sorted(appeal.attachments.values_list("content_type", flat=True)) == ["image/jpeg", "image/png"]
    ten = [SimpleUploadedFile(f"{i}.png", PNG) for i in range(10)]
    with pytest.raises(DomainError):
        services.appeal_submit(actor=personas.member_user, text=DORM, photos=ten)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (6 * 1024 * 1024))
    with pytest.raises(DomainError) as err:
        services.appeal_submit(actor=personas.member_user, text=DORM, photos=[big])
    assert "photos" in err.value.fields
