import json
from io import StringIO

from django.core.management import call_command

from unionhome.core.models import Org, Site
from unionhome.members import demo
from unionhome.members.models import FRONTLINE_POSTS, Member, MemberStatus


def test_demo_union_is_the_case_enterprise_and_loads_once(db, client):
    first = demo.build()
    counts = (Org.objects.count(), Site.objects.count(), Member.objects.count())
    enterprise = Org.objects.get(name=demo.ENTERPRISE)
    people = Member.objects.filter(org__path__startswith=enterprise.path)
    assert people.count() == 800
    assert Site.objects.filter(org=enterprise).count() == 22
    frontline = people.filter(post__in=FRONTLINE_POSTS).count() / 800
    assert 0.8 <= frontline <= 0.9
    registered = people.filter(user__isnull=False).count() / 800
    assert registered == 0.975
    assert enterprise.parent.name == demo.STREET
    from unionhome.members.groups import age_band

    bands = [age_band(m.birth_date) for m in people]
    assert sum(b in ("40-49", "50-59", "60+") for b in bands) / 800 > 0.6  # an older profile
    for m in people.exclude(id_digest=None)[:50]:
        from unionhome.members.idcard import id_error

        assert id_error(m.id_number) is None
    out = StringIO()
    call_command("demo", "--json", stdout=out)
    again = json.loads(out.getvalue())
    assert (Org.objects.count(), Site.objects.count(), Member.objects.count()) == counts
    assert again["members"] == first["members"] and len(again["members"]) == 780
    assert set(again) >= {"password", "admin", "chair", "staff", "handlers", "volunteers", "members"}
    assert len(again["handlers"]) == 4 and again["chair"] == "chair"
    assert people.filter(status=MemberStatus.ROSTER, user=None).count() == 20
    for username in ("m0100", "staff1", "chair", "admin"):
        r = client.post("/login/", {"username": username, "password": demo.PASSWORD})
        assert r.status_code == 302, username
