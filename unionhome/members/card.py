"""The e-member card: a QR code holding a signed token that anyone can verify."""

from __future__ import annotations

from django.core import signing
from django.utils.translation import gettext as _

from unionhome.core.crypto import mask_name
from unionhome.core.qr import qr_svg
from unionhome.core.scoping import by_rule

from .models import Member, MemberStatus

SALT = "unionhome.members.card"


def card_token(member: Member) -> str:
    return signing.Signer(salt=SALT).sign(member.member_no)


def card_qr_svg(member: Member) -> str:
    return qr_svg(card_token(member), title=_("电子会员卡二维码"))


def card_verify(token: str) -> dict:
    """`valid` and, only when valid, the masked name and the union: nothing else leaks."""
    try:
        member_no = signing.Signer(salt=SALT).unsign(token.strip())
    except signing.BadSignature:
        return {"valid": False}
    members = by_rule(Member.objects, "the member a signed card names")
    member = members.select_related("org").filter(member_no=member_no).first()
    if member is None or member.status != MemberStatus.ACTIVE:
        return {"valid": False}
    return {
        "valid": True,
        "name": mask_name(member.name),
        "union": member.org.name,
        "member_no": member.member_no,
    }
