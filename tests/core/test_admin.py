"""Every app has its admin: each registered model's list and add pages open for the platform's
superuser, and encrypted personal data never appears on them."""

from __future__ import annotations

import pytest
from django.contrib import admin

from ..factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_every_app_registers_its_models(db):
    apps = {model._meta.app_label for model in admin.site._registry}
    assert {"core", "members", "appeals", "benefits", "activities", "content", "assistant"} <= apps


def test_each_admin_list_opens(personas, superuser, as_user):
    client = as_user(superuser)
    for model in admin.site._registry:
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert client.get(url).status_code == 200, url


def test_encrypted_fields_stay_out_of_the_admin(personas, superuser, as_user):
    from unionhome.core.crypto import EncryptedTextField

    client = as_user(superuser)
    for model, model_admin in admin.site._registry.items():
        encrypted = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
        if not encrypted:
            continue
        form = model_admin.get_form(client.get("/").wsgi_request)
        assert not set(encrypted) & set(form.base_fields), model


def test_staff_of_a_union_do_not_get_the_admin(personas, as_user):
    assert as_user(personas.staff).get("/admin/appeals/appeal/").status_code == 302
