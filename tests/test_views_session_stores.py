"""The session-stores views (lesson 09), driven over HTTP under each of the five session engines.

The same cart must land where each engine keeps sessions (a row, a cache
entry, a file, the cookie itself); bad input is a 4xx with JSON, never a 500;
and the behaviours the lesson shows are pinned down here: a ``cached_db`` row
deleted with the ORM lives on in the cache, a ``signed_cookies`` session is
replayable after logout, and a real browser (headless Chromium) drops a
session cookie over 4096 bytes and keeps the old one.
"""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from course_helpers import explain_set_cookie, set_cookie_headers, start_demo_site, stop_all_demo_sites
from course_helpers.exercises.lesson09 import DJANGO_ENGINES
from course_helpers.session_engines import engine_named

SHOW = "/session-stores/"
ADD = "/session-stores/cart/add/"
NOTE = "/session-stores/note/"
TOUCH = "/session-stores/touch/"
CACHE_PREFIXES = ("django.contrib.sessions.cache", "django.contrib.sessions.cached_db")


def _start(engine: str):
    stop_all_demo_sites()  # settings are per kernel: a site with another engine runs alone
    return start_demo_site(name=f"test-session_stores-{engine}", **engine_named(engine).site_settings())


@pytest.fixture(scope="module", params=DJANGO_ENGINES)
def engine_site(request):
    site = _start(request.param)
    yield request.param, site
    site.stop()


@pytest.fixture
def signed_site():
    site = _start("signed_cookies")
    yield site
    site.stop()


def post(client, path: str, **fields: str):
    if not client.csrf_token:
        client.get(SHOW)
    return client.post(path, data={**fields, "csrfmiddlewaretoken": client.csrf_token}, allow_redirects=False)


def places(site, value: str) -> dict[str, int]:
    """Rows, files and cache entries that hold the session whose cookie value is ``value``."""
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    return {
        "rows": site.orm(lambda: Session.objects.filter(session_key=value).count()),
        "files": int((Path(settings.SESSION_FILE_PATH) / f"{settings.SESSION_COOKIE_NAME}{value}").exists()),
        "cache": sum(cache.get(prefix + value) is not None for prefix in CACHE_PREFIXES),
    }


EXPECTED_PLACES = {
    "db": {"rows": 1, "files": 0, "cache": 0},
    "cache": {"rows": 0, "files": 0, "cache": 1},
    "cached_db": {"rows": 1, "files": 0, "cache": 1},
    "file": {"rows": 0, "files": 1, "cache": 0},
    "signed_cookies": {"rows": 0, "files": 0, "cache": 0},
}


def test_the_cart_lands_where_the_engine_keeps_sessions(engine_site):
    engine, site = engine_site
    with site.client() as client:
        first = client.get(SHOW)
        assert first.json() == {"engine": engine, "cart": [], "note_length": 0, "hits": 0, "user": None}
        assert "csrftoken" in client.cookies and "sessionid" not in client.cookies
        for item in ("tea", "milk"):
            assert post(client, ADD, item=item).status_code == 200
        assert client.get(SHOW).json()["cart"] == ["tea", "milk"]
        value = client.cookies["sessionid"]
        assert places(site, value) == EXPECTED_PLACES[engine]
        assert site.sessions(client)[0].data == {"cart": ["tea", "milk"]}
        assert value not in client.get(SHOW).text  # the views never show the key


def test_touch_writes_the_session_every_time(engine_site):
    _, site = engine_site
    with site.client() as client:
        assert [post(client, TOUCH).json()["hits"] for _ in range(3)] == [1, 2, 3]
        assert client.get(SHOW).json()["hits"] == 3


def test_the_session_cookie_is_httponly_and_lax(engine_site):
    _, site = engine_site
    with site.client() as client:
        header = set_cookie_headers(post(client, ADD, item="tea"), "sessionid")[0]
        cookie = explain_set_cookie(header)
        assert cookie.httponly and cookie.samesite == "Lax"


@pytest.mark.parametrize(
    "fields, status",
    [
        ({}, 400),
        ({"item": ""}, 400),
        ({"item": "x" * 41}, 400),
        ({"item": "tea\x00"}, 400),
        ({"item": "tea\n"}, 200),  # stripped
    ],
)
def test_a_bad_item_is_refused_with_json(engine_site, fields, status):
    _, site = engine_site
    with site.client() as client:
        reply = post(client, ADD, **fields)
        assert reply.status_code == status and reply.headers["Content-Type"] == "application/json"


def test_a_full_cart_and_a_long_note_are_refused(engine_site):
    _, site = engine_site
    with site.client() as client:
        assert [post(client, ADD, item=f"i{n}").status_code for n in range(21)][-2:] == [200, 409]
        assert len(client.get(SHOW).json()["cart"]) == 20
        assert post(client, NOTE, note="x" * 8001).status_code == 400
        assert post(client, NOTE, note="x" * 8000).json()["note_length"] == 8000


def test_writes_need_post_and_a_csrf_token(engine_site):
    _, site = engine_site
    with site.client() as client:
        for path in (ADD, NOTE, TOUCH):
            assert client.get(path).status_code == 405
            assert client.post(path, data={"item": "tea", "note": "n"}).status_code == 403
        assert client.post(SHOW).status_code in (403, 405)  # CSRF refuses it before the view does
        assert "sessionid" not in client.cookies


@pytest.mark.parametrize("garbage", ["x", "a" * 32, "eyJjYXJ0IjpbXX0:1xYJhA:" + "A" * 43, ".eJw:x:y", "::"])
def test_a_garbage_session_cookie_is_a_fresh_session(engine_site, garbage):
    _, site = engine_site
    with site.client() as client:
        client.cookies.set("sessionid", garbage, domain="127.0.0.1", path="/")
        reply = client.get(SHOW)
        assert reply.status_code == 200 and reply.json()["cart"] == []


def test_a_cached_db_row_deleted_with_the_orm_lives_on_in_the_cache():
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session

    site = _start("cached_db")
    try:
        with site.client() as client:
            post(client, ADD, item="tea")
            key = client.cookies["sessionid"]
            assert site.orm(lambda: Session.objects.filter(session_key=key).delete()[0]) == 1
            assert client.get(SHOW).json()["cart"] == ["tea"]  # read from the cache
            site.orm(lambda: SessionStore(key).delete())
            assert client.get(SHOW).json()["cart"] == []
    finally:
        site.stop()


def test_a_signed_cookie_session_is_replayable_after_logout_until_the_password_changes(signed_site):
    site = signed_site

    def whom(value: str) -> str | None:
        with site.client() as thief:
            thief.cookies.set("sessionid", value, domain="127.0.0.1", path="/")
            return thief.get("/accounts/whoami/").json()["username"]

    with site.client() as alice:
        alice.log_in("alice")
        copied = alice.cookies["sessionid"]
        alice.log_out()
        assert alice.get("/accounts/whoami/").json()["authenticated"] is False
    assert whom(copied) == "alice"
    tampered = copied[:-3] + ("AAA" if not copied.endswith("AAA") else "BBB")
    assert whom(tampered) is None

    def change_password() -> None:
        from django.contrib.auth.models import User

        user = User.objects.get(username="alice")
        user.set_password("a-brand-new-password")
        user.save()

    site.orm(change_password)
    assert whom(copied) is None


def test_django_sends_a_signed_cookie_session_over_4096_bytes(signed_site):
    with signed_site.client() as client:
        reply = post(client, NOTE, note=_incompressible(4200))
        cookie = explain_set_cookie(set_cookie_headers(reply, "sessionid")[0])
        assert reply.status_code == 200 and len(cookie.name) + len(cookie.value) > 4096
        assert any("4096-byte limit" in warning for warning in cookie.warnings)
        assert client.get(SHOW).json()["note_length"] == 4200  # the requests jar keeps and sends it


def _incompressible(length: int) -> str:
    return "".join(random.Random(9).choices(string.ascii_letters + string.digits, k=length))


#: A page script that POSTs a form with the CSRF token from document.cookie and returns the JSON answer.
POST_FORM = """async ([path, fields]) => {
    const token = document.cookie.split("; ").find(c => c.startsWith("csrftoken=")).split("=")[1];
    const body = new URLSearchParams({...fields, csrfmiddlewaretoken: token});
    const reply = await fetch(path, {method: "POST", body, credentials: "same-origin"});
    return {status: reply.status, json: await reply.json()};
}"""


def test_chromium_drops_a_session_cookie_over_4096_bytes_and_keeps_the_old_one(signed_site):
    from tests.browsers import sync_chromium

    with sync_chromium() as browser:
        context = browser.new_context(base_url=signed_site.url)
        page = context.new_page()
        page.goto(SHOW)
        assert page.evaluate(POST_FORM, [ADD, {"item": "tea"}])["status"] == 200
        before = {c["name"]: c["value"] for c in context.cookies()}["sessionid"]
        big = page.evaluate(POST_FORM, [NOTE, {"note": _incompressible(4200)}])
        assert big == {"status": 200, "json": {"engine": "signed_cookies", "note_length": 4200}}
        after = {c["name"]: c["value"] for c in context.cookies()}["sessionid"]
        assert after == before  # the new cookie was refused; the old one stays
        page.goto(SHOW)
        seen = page.evaluate("() => JSON.parse(document.body.innerText)")
        assert seen["cart"] == ["tea"] and seen["note_length"] == 0  # the note is silently lost
