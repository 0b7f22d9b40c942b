"""The signed-cookie views of lesson 03, driven over HTTP: headers, cookies, verdicts, and no 500 ever."""

from __future__ import annotations

import datetime as dt
import json
import string
import zlib

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_helpers import start_demo_site, travel
from course_helpers.exchange import raw_response_headers


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-signed")
    yield site
    site.stop()


def _signing():
    from django.core import signing

    return signing


def _plan(site, cookie: str | None) -> requests.Response:
    cookies = {} if cookie is None else {"plan": cookie}
    return site.client().get("/signed/plan/", cookies=cookies)


def _set_cookies(response: requests.Response) -> list[str]:
    return [v for k, v in raw_response_headers(response) if k.lower() == "set-cookie"]


# -- /signed/plan/choose/ --------------------------------------------------------


def test_choose_plan_sets_a_signed_httponly_cookie(site):
    client = site.client()
    response = client.get("/signed/plan/choose/?plan=free")
    assert response.status_code == 200
    assert response.json() == {"plan": "free", "cookie": "plan", "signed": True}
    (header,) = _set_cookies(response)
    assert header.startswith("plan=free:")
    for attribute in ("HttpOnly", "SameSite=Lax", "Max-Age=2592000", "Path=/"):
        assert attribute in header
    value = client.cookies["plan"]
    payload, timestamp, signature = value.rsplit(":", 2)
    assert payload == "free" and len(timestamp) == 6 and len(signature) == 43
    signing = _signing()
    assert signing._unsign_cookie(value, cookie_name="plan", salt="signed.plan") == "free"


@pytest.mark.parametrize(
    ("query", "status"),
    [("?plan=premium", 403), ("?plan=gold", 400), ("", 400), ("?plan=", 400), ("?plan=FREE", 400)],
)
def test_choose_plan_refuses_premium_and_unknown_plans(site, query, status):
    response = site.client().get(f"/signed/plan/choose/{query}")
    assert response.status_code == status
    assert "error" in response.json()
    assert not _set_cookies(response)


def test_views_only_answer_safe_methods(site):
    from django.test import RequestFactory

    from demo_site.signed import views

    factory = RequestFactory()
    for view in (views.choose_plan, views.show_plan, views.remember_page):
        assert view(factory.post("/?plan=free&page=/a/")).status_code == 405
    client = site.client()  # over HTTP, the CSRF middleware refuses the POST first: no cookie either way
    for path in ("/signed/plan/choose/?plan=free", "/signed/recent/?page=/a/"):
        response = client.post(path)
        assert response.status_code == 403 and not _set_cookies(response)


# -- /signed/plan/ -----------------------------------------------------------------


def test_plan_round_trip_is_valid(site):
    client = site.client()
    client.get("/signed/plan/choose/?plan=trial")
    assert client.get("/signed/plan/").json() == {
        "plan": "trial",
        "verdict": "valid",
        "max_age": 86400,
        "premium_content": False,
    }


def test_missing_plan_cookie(site):
    response = _plan(site, None)
    assert response.status_code == 200
    assert response.json()["plan"] is None and response.json()["verdict"] == "missing"


def test_every_kind_of_tampering_gives_the_default(site):
    signing = _signing()
    client = site.client()
    client.get("/signed/plan/choose/?plan=free")
    value, timestamp, signature = client.cookies["plan"].rsplit(":", 2)
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    later = signing.b62_encode(signing.b62_decode(timestamp) + 86400)
    attempts = [
        f"premium:{timestamp}:{signature}",
        f"{value}:{later}:{signature}",
        f"{value}:{timestamp}:{flipped}",
        signing.get_cookie_signer(salt=signing._cookie_signer_salt("plan", "other")).sign("premium"),
        signing.get_cookie_signer(salt=signing._cookie_signer_salt("coupon", "signed.plan")).sign("premium"),
        signing.TimestampSigner(
            key="another key", salt=signing._cookie_signer_salt("plan", "signed.plan")
        ).sign("premium"),
    ]
    for attempt in attempts:
        response = _plan(site, attempt)
        assert response.status_code == 200, attempt
        assert response.json()["plan"] is None and response.json()["verdict"] == "bad signature", attempt
        assert response.json()["premium_content"] is False


def test_a_value_signed_with_the_key_and_salt_is_accepted(site):
    signing = _signing()
    forged = signing.get_cookie_signer(salt=signing._cookie_signer_salt("plan", "signed.plan")).sign(
        "premium"
    )
    assert _plan(site, forged).json() == {
        "plan": "premium",
        "verdict": "valid",
        "max_age": 86400,
        "premium_content": True,
    }


def test_legacy_salt_is_accepted_while_the_fallback_is_on(site):
    signing = _signing()
    legacy = signing.get_cookie_signer(salt=signing._cookie_signer_legacy_salt("plan", "signed.plan")).sign(
        "trial"
    )
    assert _plan(site, legacy).json()["plan"] == "trial"


def test_plan_expires_on_the_reading_side(site):
    client = site.client()
    client.get("/signed/plan/choose/?plan=free")
    with travel(dt.timedelta(hours=23)):
        assert client.get("/signed/plan/").json()["verdict"] == "valid"
    with travel(dt.timedelta(days=2)):
        response = client.get("/signed/plan/")
    assert response.request.headers["Cookie"].startswith("plan=")  # the client still sends it
    assert response.status_code == 200
    assert response.json()["plan"] is None and response.json()["verdict"] == "expired"
    with travel(dt.timedelta(days=31)):
        assert client.get("/signed/plan/").json()["verdict"] == "missing"  # the jar dropped it


@pytest.mark.parametrize(
    "junk",
    [
        "",
        ":",
        ":::",
        "free:",
        "free::",
        "x" * 3000,
        "free:zzzzzz:" + "-" * 43,
        "free:!!!!!!:sig",
        '"free"',
        "é:ü:ß",
    ],
)
def test_garbage_plan_cookies_never_give_a_500(site, junk):
    response = site.client().get("/signed/plan/", headers={"Cookie": f"plan={junk}".encode()})
    assert response.status_code == 200
    assert response.json()["plan"] is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.text(alphabet=string.ascii_letters + string.digits + ":._-=+/!#$%&'*^`|~", max_size=120))
def test_random_plan_cookies_never_give_a_500(site, junk):
    response = site.client().get("/signed/plan/", cookies={"plan": junk})
    assert response.status_code == 200
    assert response.json()["premium_content"] is False


# -- /signed/recent/ ----------------------------------------------------------------


def _decode_without_key(value: str):
    payload = value.split(":")[0]
    data = _signing().b64_decode(payload.lstrip(".").encode())
    if payload.startswith("."):
        data = zlib.decompress(data)
    return json.loads(data)


def test_recent_pages_are_readable_by_anyone_newest_first(site):
    client = site.client()
    for page in ("/shop/", "/shop/tea/", "/shop/cart/", "/shop/tea/"):
        response = client.get("/signed/recent/", params={"page": page})
        assert response.status_code == 200
    assert response.json() == {"remembered": 3}
    (header,) = _set_cookies(response)
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=2592000" in header
    value = client.cookies["recent"]
    assert value.startswith(".")  # compress=True paid off
    assert _decode_without_key(value) == ["/shop/tea/", "/shop/cart/", "/shop/"]
    assert _signing().loads(value, salt="signed.recent") == ["/shop/tea/", "/shop/cart/", "/shop/"]


def test_recent_keeps_ten_pages(site):
    client = site.client()
    for n in range(15):
        response = client.get("/signed/recent/", params={"page": f"/p/{n}/"})
    assert response.json() == {"remembered": 10}
    assert _decode_without_key(client.cookies["recent"]) == [f"/p/{n}/" for n in range(14, 4, -1)]


@pytest.mark.parametrize("query", ["", "?page=", "?page=" + "x" * 201])
def test_recent_needs_a_sensible_page(site, query):
    response = site.client().get(f"/signed/recent/{query}")
    assert response.status_code == 400 and "error" in response.json()
    assert not _set_cookies(response)


def test_tampered_or_foreign_recent_cookies_start_a_new_list(site):
    signing = _signing()
    bad = [
        "garbage",
        signing.dumps(["/x/"], salt="another.salt"),
        signing.dumps({"not": "a list"}, salt="signed.recent"),
        signing.dumps([1, 2, 3], salt="signed.recent"),
        _flip_last(signing.dumps(["/x/"], salt="signed.recent")),
    ]
    for cookie in bad:
        response = site.client().get("/signed/recent/?page=/new/", cookies={"recent": cookie})
        assert response.status_code == 200, cookie
        assert response.json() == {"remembered": 1}, cookie


def test_front_page_lists_the_signed_views(site):
    text = site.client().get("/").text
    for route in ("/signed/plan/choose/", "/signed/plan/", "/signed/recent/"):
        assert f"<code>{route}</code>" in text


def _flip_last(value: str) -> str:
    """``value`` with its last character changed (never to itself: that would be no tampering)."""
    return value[:-1] + ("A" if value[-1] != "A" else "B")
