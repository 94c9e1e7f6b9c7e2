from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from unionhome.benefits import funds, services
from unionhome.benefits.catalogue import catalogue_install
from unionhome.benefits.demo import sample_png, signature_png
from unionhome.benefits.models import ClaimType
from unionhome.core.models import Role
from unionhome.members.models import Consent, ConsentPurpose, Post

from ..factories import UserFactory, grant

png_bytes = sample_png
signature = signature_png  # what the proxy page's pad sends: ink on white


def upload(name="attendance.png", content=None, kind="image/png"):
    return SimpleUploadedFile(name, content if content is not None else png_bytes(), content_type=kind)


def consent(member, purpose=ConsentPurpose.FINANCIAL):
    Consent.objects.create(member=member, purpose=purpose, granted=True, recorded_by=member.user)


@pytest.fixture
def bb(personas):
    """Benefits setup: the default catalogue on the enterprise union with a fund of 10,000 yuan
    (a chair signs anything above 1,000), a volunteer and a chair; the member is a security guard."""
    tree = personas.tree
    chair = grant(UserFactory(username="chair", first_name="赵主席"), tree.union, Role.CHAIR)
    volunteer = grant(UserFactory(username="volunteer", first_name="小刘"), tree.union, Role.VOLUNTEER)
    fund = funds.fund_save(
        actor=chair,
        org=tree.union,
        name="职工福利经费",
        year=2026,
        budget=Decimal("10000"),
        signer=chair,
        sign_threshold=Decimal("1000"),
    )
    catalogue_install(org=tree.union, fund=fund)
    personas.member.post = Post.SECURITY
    personas.member.save()
    return SimpleNamespace(
        **vars(personas),
        chair=chair,
        volunteer=volunteer,
        fund=fund,
        overtime=ClaimType.objects.get(org=tree.union, code="overtime"),
        transport=ClaimType.objects.get(org=tree.union, code="transport"),
        supplies=ClaimType.objects.get(org=tree.union, code="supplies"),
    )


@pytest.fixture
def overtime_claim(bb):
    def make(amount="300", submit=True, user=None):
        return services.claim_save(
            actor=user or bb.member_user,
            ctype=bb.overtime,
            values={"month": "2026-07-01", "hours": "20", "amount": amount},
            files={"attendance": upload()},
            submit=submit,
        )

    return make
