from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from unionhome.core.crypto import digest
from unionhome.core.guard import system
from unionhome.core.models import Department, Org, OrgKind, Role, RoleAssignment, Site
from unionhome.members import groups, idcard
from unionhome.members.models import Member, MemberStatus
from unionhome.members.services import name_initials

PASSWORD = "correct-horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "测试"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class OrgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Org

    name = factory.Sequence(lambda n: f"工会{n}")
    kind = OrgKind.ENTERPRISE


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    org = factory.SubFactory(OrgFactory)
    name = factory.Sequence(lambda n: f"小区{n}")


def make_id(n: int, sex: str = "M", birth: dt.date = dt.date(1975, 6, 1)) -> str:
    return idcard.make_id("110116", birth, n, sex)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    org = factory.SubFactory(OrgFactory)
    name = factory.Sequence(lambda n: f"张{'一二三四五六七八九十'[n % 10]}{n}")
    name_initials = factory.LazyAttribute(lambda m: name_initials(m.name))
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    status = MemberStatus.ACTIVE
    joined_on = dt.date(2020, 1, 1)
    member_no = factory.Sequence(lambda n: f"UH9{n:07d}")

    @factory.post_generation
    def identity(obj, create, extracted, **kwargs):
        if extracted:
            obj.id_number = extracted
            obj.id_digest = digest(extracted)
            obj.birth_date = idcard.birth_date(extracted)
            obj.gender = idcard.gender(extracted)
            if create:
                obj.save()
        if create:
            groups.recompute(obj)


def grant(user, org, role=Role.STAFF, department=""):
    """Give `user` a role; a handler's department goes on the union's list of departments."""
    RoleAssignment.objects.create(user=user, org=org, role=role, department=department)
    if department:
        with system():
            Department.objects.get_or_create(org=org, name=department)
    if hasattr(user, "_role_cache"):
        del user._role_cache
    return user
