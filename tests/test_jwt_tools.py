"""The attacker's toolkit of lesson 11 (``course_helpers.jwt_tools``): its bytes are what PyJWT and the lab expect."""

from __future__ import annotations

import doctest

import jwt
import pytest

import course_helpers
from course_helpers import jwt_tools
from course_helpers.jwt_tools import b64url, b64url_json, forge, read_jwt


def test_the_module_docstring_examples_hold():
    assert doctest.testmod(jwt_tools).failed == 0


def test_exported_from_the_package():
    assert course_helpers.forge is forge and course_helpers.read_jwt is read_jwt


def test_forge_makes_the_bytes_pyjwt_makes_and_verifies():
    secret = "a secret of thirty-two bytes, ok"
    payload = {"sub": "zoë", "admin": True, "q": "??>>~~"}
    token = forge({"alg": "HS256", "typ": "JWT"}, payload, secret.encode())
    assert token == jwt.encode(payload, secret, algorithm="HS256")
    assert jwt.decode(token, secret, algorithms=["HS256"]) == payload
    assert read_jwt(token) == ({"alg": "HS256", "typ": "JWT"}, payload)
    assert "=" not in token and "+" not in token and "/" not in token


def test_unsigned_and_odd_keys():
    unsigned = forge({"alg": "none"}, {"sub": "bob"})
    assert unsigned.endswith(".") and unsigned == jwt.encode({"sub": "bob"}, None, algorithm="none").replace(
        b64url_json({"alg": "none", "typ": "JWT"}), b64url_json({"alg": "none"})
    )
    assert forge({"alg": "HS256"}, {}, b"").count(".") == 2  # an empty key: plain hmac takes it, PyJWT does not
    assert b64url(b"\xfb\xff") == "-_8"


def test_read_jwt_refuses_what_is_not_a_jwt():
    for bad in ("", "a.b", "a.b.c.d", "!!.??.x"):
        with pytest.raises(ValueError):
            read_jwt(bad)
