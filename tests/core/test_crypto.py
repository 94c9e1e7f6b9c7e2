from django.db import connection

from unionhome.core.crypto import decrypt, digest, encrypt, mask_id_number, mask_name, mask_phone

from ..factories import MemberFactory, make_id


def test_encrypt_round_trip_and_fresh_nonce():
    a, b = encrypt("110116197506010011"), encrypt("110116197506010011")
    assert a != b
    assert a.startswith("v1:")
    assert decrypt(a) == decrypt(b) == "110116197506010011"


def test_tampered_ciphertext_is_rejected():
    import pytest
    from cryptography.exceptions import InvalidTag

    token = encrypt("secret")
    raw = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises((InvalidTag, ValueError)):
        decrypt(raw)


def test_id_number_is_stored_encrypted_in_the_database(db):
    id_number = make_id(5)
    member = MemberFactory(identity=id_number)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM members_member WHERE id = %s", [member.pk])
        stored = cursor.fetchone()[0]
    assert id_number not in stored
    assert stored.startswith("v1:")
    member.refresh_from_db()
    assert member.id_number == id_number
    assert member.id_digest == digest(id_number)


def test_masks():
    assert mask_id_number("110116197506010011") == "110***********0011"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_name("王建国") == "王**"
    assert mask_id_number("") == ""
