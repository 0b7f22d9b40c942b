"""explain_signed_value: the anatomy and verdict of signed values.

One demo site serves the module (``site`` and ``client`` fixtures from ``tests/helpers/conftest.py``).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from course_helpers import (
    explain_set_cookie,
    explain_signed_value,
    travel,
)

# -- explain_signed_value -------------------------------------------------------


def test_signing_dumps_object_is_read_without_a_key():
    from django.core import signing

    before = int(time.time())
    value = signing.dumps({"user": 42, "role": "<admin>"})
    result = explain_signed_value(value)
    assert result.verdict == "valid" and result.is_valid
    assert result.kind == "signing.dumps() object"
    assert result.data == {"user": 42, "role": "<admin>"}
    assert result.payload == value.split(":")[0]
    assert result.signature == value.rsplit(":", 1)[1]
    assert result.salt_used == "django.core.signing"
    assert before <= result.timestamp.timestamp() <= time.time()
    assert signing.b62_encode(int(result.timestamp.timestamp())) == value.split(":")[1]
    text = result.text()
    assert 'readable by anyone: {"role": "<admin>", "user": 42}' in text
    assert text == result.text()
    assert "&lt;admin&gt;" in result.html() and "<admin>" not in result.html()


def test_compressed_dumps_object():
    from django.core import signing

    value = signing.dumps("x" * 500, compress=True)
    assert value.startswith(".")
    result = explain_signed_value(value)
    assert result.verdict == "valid" and result.data == "x" * 500
    assert result.kind == "signing.dumps() object (zlib-compressed, hence the leading '.')"


def test_timestamp_signer_and_signer_values():
    from django.core import signing

    stamped = explain_signed_value(signing.TimestampSigner().sign("hello"))
    assert (stamped.kind, stamped.payload, stamped.verdict) == ("TimestampSigner value", "hello", "valid")
    assert stamped.timestamp is not None
    plain = explain_signed_value(signing.Signer().sign("hello"))
    assert (plain.kind, plain.payload, plain.verdict) == ("Signer value", "hello", "valid")
    assert plain.timestamp is None and "timestamp" not in plain.text()
    salted = signing.TimestampSigner(salt="s").sign("v")
    assert explain_signed_value(salted, salt="s").verdict == "valid"
    assert explain_signed_value(salted).verdict == "tampered"


def test_signer_value_whose_payload_has_a_colon():
    from django.core import signing

    result = explain_signed_value(signing.Signer().sign("user:42"))
    assert (result.kind, result.payload, result.verdict) == ("Signer value", "user:42", "valid")
    assert result.timestamp is None
    salted = signing.Signer(salt="s").sign("user:42")
    assert explain_signed_value(salted, salt="s").verdict == "valid"
    assert explain_signed_value(salted).verdict == "tampered"


def test_signed_cookie_made_by_set_signed_cookie():
    from django.http import HttpResponse

    response = HttpResponse()
    response.set_signed_cookie("greeting", "hello")
    value = response.cookies["greeting"].value
    result = explain_signed_value(value, cookie="greeting")
    assert result.verdict == "valid" and result.payload == result.data == "hello"
    assert result.kind.startswith("signed cookie 'greeting'")
    assert explain_signed_value(value, cookie="other").verdict == "tampered"
    wrong = explain_signed_value(value, cookie="greeting", salt="x")
    assert wrong.verdict == "wrong salt" and wrong.detail == "It verifies with salt '', not 'x'."
    # The header Django sends carries the same value; explain_set_cookie reads it back.
    header = response.cookies["greeting"].output(header="")
    assert explain_set_cookie(header).value == value


def _tamper(value: str, part: int) -> str:
    from django.core import signing

    pieces = value.split(":")
    if part == 0:
        pieces[0] = signing.dumps({"user": 1, "role": "admin"}).split(":")[0]
    elif part == 1:
        pieces[1] = signing.b62_encode(signing.b62_decode(pieces[1]) - 1)
    else:
        pieces[2] = pieces[2][:-1] + ("A" if pieces[2][-1] != "A" else "B")
    return ":".join(pieces)


@pytest.mark.parametrize("part", [0, 1, 2], ids=["payload", "timestamp", "signature"])
def test_tampering_with_each_part(part):
    from django.core import signing

    value = signing.dumps({"user": 42, "role": "reader"})
    changed = _tamper(value, part)
    assert changed != value and changed.count(":") == 2
    result = explain_signed_value(changed)
    assert result.verdict == "tampered" and not result.is_valid
    assert result.detail.startswith("Django says: Signature ") and "does not match" in result.detail
    assert "tampered: the signature does not match" in result.text()
    if part == 0:
        assert result.data == {"user": 1, "role": "admin"}  # still readable, just not trusted


def test_expired_with_travel():
    from django.core import signing

    value = signing.dumps({"n": 1})
    assert explain_signed_value(value, max_age=60).verdict == "valid"
    with travel(120):
        result = explain_signed_value(value, max_age=60)
        as_delta = explain_signed_value(value, max_age=dt.timedelta(seconds=60))
        cookie_style = explain_signed_value(signing.TimestampSigner().sign("x"), max_age=300)
    assert result.verdict == "expired" and as_delta.verdict == "expired"
    assert result.detail.startswith("Django says: Signature age ")
    assert 119 <= result.age_seconds < 130
    assert "(2 minutes ago)" in result.text()
    assert cookie_style.verdict == "valid"


def test_wrong_salt_only_for_a_known_salt():
    from django.core import signing

    sessions = signing.dumps({"k": 1}, salt="django.contrib.sessions.SessionStore")
    result = explain_signed_value(sessions, salt="b")
    assert result.verdict == "wrong salt"
    assert result.detail == "It verifies with salt 'django.contrib.sessions.SessionStore', not 'b'."
    assert explain_signed_value(sessions, salt="django.contrib.sessions.SessionStore").verdict == "valid"
    unknown = signing.dumps({"k": 1}, salt="a")
    assert explain_signed_value(unknown, salt="b").verdict == "tampered"
    assert explain_signed_value(unknown, salt="a").verdict == "valid"


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("", "malformed"),
        ("no colon at all", "malformed"),
        (":::", "malformed"),
        ("abc:", "malformed"),
        (":sig", "malformed"),
        ("é:é:é", "tampered"),
        ("x" * 1_000_000, "malformed"),
        ("x" * 1_000_000 + ":1xWHWN:c2ln", "tampered"),
        (b"abc", "malformed"),
        (b"abc:\xff:sig", "tampered"),
        ("a:b:c:d", "tampered"),
    ],
)
def test_malformed_values_never_raise(value, verdict):
    start = time.perf_counter()
    result = explain_signed_value(value)
    assert result.verdict == verdict
    assert result.detail
    text = result.text()
    assert len(text) < 3000 and text == result.text()
    if verdict == "malformed":
        assert "A Django signed value looks like value:timestamp:signature" in text
    assert time.perf_counter() - start < 2


def test_bytes_signed_value_is_read():
    from django.core import signing

    assert explain_signed_value(signing.dumps([1, 2]).encode()).data == [1, 2]


@pytest.mark.parametrize("bad", [42, None, 1.5])
def test_explain_signed_value_type_error(bad):
    with pytest.raises(TypeError, match=r"explain_signed_value\(\) takes the signed value as text, not "):
        explain_signed_value(bad)


def test_a_signed_cookie_is_checked_under_the_key_given():
    from django.conf import settings
    from django.http import HttpResponse

    response = HttpResponse()
    response.set_signed_cookie("greeting", "hello", salt="demo")
    value = response.cookies["greeting"].value
    assert explain_signed_value(value, cookie="greeting", salt="demo").verdict == "valid"
    same = explain_signed_value(value, cookie="greeting", salt="demo", key=settings.SECRET_KEY)
    assert same.verdict == "valid"
    other = explain_signed_value(value, cookie="greeting", salt="demo", key="another secret key")
    assert other.verdict == "tampered"
