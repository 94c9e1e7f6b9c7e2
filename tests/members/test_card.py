from unionhome.members import services
from unionhome.members.card import card_token


def test_card_verifies_with_masked_name_and_union_only(personas, client):
    token = card_token(personas.member)
    body = client.get("/api/v1/cards/verify", {"token": token}).json()
    assert body == {
        "valid": True,
        "name": "王**",
        "union": "保安分会",
        "member_no": personas.member.member_no,
    }
    assert personas.member.phone not in str(body)


def test_tampered_or_forged_token_is_invalid(personas, client):
    token = card_token(personas.member)
    forged = personas.other.member_no + token[token.index(":") :]
    assert client.get("/api/v1/cards/verify", {"token": forged}).json() == {"valid": False}
    assert client.get("/api/v1/cards/verify", {"token": "garbage"}).json() == {"valid": False}


def test_card_of_a_member_who_left_is_invalid(personas, client):
    token = card_token(personas.member)
    services.member_leave(member=personas.member, actor=personas.member_user)
    assert client.get("/api/v1/cards/verify", {"token": token}).json() == {"valid": False}


def test_card_page_shows_qr_with_the_token(personas, as_user):
    html = as_user(personas.member_user).get("/card/").content.decode()
    assert "<svg" in html and "电子会员卡" in html and personas.member.member_no in html


def test_non_member_is_sent_to_join(personas, as_user):
    r = as_user(personas.staff).get("/card/")
    assert r.status_code == 302 and r["Location"] == "/join/"
