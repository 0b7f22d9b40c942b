"""The session-login views (lesson 08), driven over HTTP: the classic code's documented flaws, the fixed code's guarantees.

The classic views (``/classic/session-login/...``) are vulnerable on purpose;
these tests pin their flaws down so the lesson keeps showing them. One of them
answers 500 on purpose, exactly as the classic notes' code does: the index
page for an anonymous visitor (the decorator returns ``None``).

The fixed views (``/session-login/...``) must never answer 500, must never
redirect off the site, and must end a session for every copy of its cookie.
"""

from __future__ import annotations

import pytest

from course_helpers import (
    browser_destination,
    explain_set_cookie,
    latest_problems,
    open_redirect_payloads,
    start_demo_site,
    stays_on_site,
)
from demo_site.home.users import DEMO_USERS

CLASSIC = {"user": "admin", "pwd": "classic-2024"}
CLASSIC_LOGIN = "/classic/session-login/login/"
CLASSIC_INDEX = "/classic/session-login/index/"
CLASSIC_LOGOUT = "/classic/session-login/logout/"
LOGIN = "/session-login/login/"
INDEX = "/session-login/index/"
LOGOUT = "/session-login/logout/"


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-session_login")
    yield site
    site.stop()


def copy_session(site, source):
    """A new client holding a copy of ``source``'s session cookie (what a thief would have)."""
    thief = site.client()
    thief.cookies.set("sessionid", source.cookies["sessionid"], domain="127.0.0.1", path="/")
    return thief


# -- the classic code, as written -------------------------------------------------------


def test_classic_index_gives_anonymous_visitors_a_500(site):
    with site.client() as client:
        reply = client.get(CLASSIC_INDEX, allow_redirects=False)
    assert reply.status_code == 500
    assert "returned None instead" in latest_problems(1)[0]


def test_classic_login_without_next_logs_in_but_shows_the_form_again(site):
    with site.client() as client:
        reply = client.post(CLASSIC_LOGIN, data=CLASSIC, allow_redirects=False)
        assert reply.status_code == 200 and 'name="pwd"' in reply.text
        [row] = site.sessions(client)
        assert row.data == {"user": "admin"}
        assert client.get(CLASSIC_INDEX).status_code == 200


def test_classic_login_accepts_only_the_hard_coded_password(site):
    with site.client() as client:
        client.post(CLASSIC_LOGIN, data={"user": "alice", "pwd": DEMO_USERS["alice"]})
        assert "sessionid" not in client.cookies and len(site.sessions(client)) == 0


def test_classic_login_is_an_open_redirect(site):
    for payload in ("https://evil.example", "//evil.example"):
        with site.client() as client:
            reply = client.post(CLASSIC_LOGIN, params={"next": payload}, data=CLASSIC, allow_redirects=False)
        assert reply.status_code == 302 and reply.headers["Location"] == payload
        assert not stays_on_site(browser_destination(reply.url, payload), site.url)


def test_classic_logout_deletes_nothing_even_by_get(site):
    with site.client() as victim:
        victim.post(CLASSIC_LOGIN, data=CLASSIC)
        key = victim.cookies["sessionid"]
        with copy_session(site, victim) as thief:
            reply = victim.get(CLASSIC_LOGOUT, allow_redirects=False)
            assert reply.status_code == 302 and "Set-Cookie" not in reply.headers
            assert victim.get(CLASSIC_INDEX).status_code == 200
            assert thief.get(CLASSIC_INDEX).status_code == 200
        assert site.sessions().get(key).data == {"user": "admin"}


# -- the fixed code --------------------------------------------------------------------------


def test_index_sends_anonymous_visitors_to_log_in_with_an_encoded_next(site):
    with site.client() as client:
        reply = client.get(f"{INDEX}?a=1&b=2", allow_redirects=False)
    assert reply.status_code == 302
    assert reply.headers["Location"] == f"{LOGIN}?next=/session-login/index/%3Fa%3D1%26b%3D2"


def test_login_needs_the_csrf_token(site):
    with site.client() as client:
        client.get(LOGIN)
        reply = client.post(LOGIN, data={"username": "alice", "password": DEMO_USERS["alice"]})
        assert reply.status_code == 403 and "sessionid" not in client.cookies


def test_login_with_a_wrong_password_shows_the_form_with_an_error(site):
    with site.client() as client:
        reply = client.log_in("alice", "wrong", url=LOGIN, allow_redirects=False)
        assert reply.status_code == 200 and "correct username and password" in reply.text
        assert "sessionid" not in client.cookies


def test_login_comes_back_to_next_and_the_index_names_the_user(site):
    with site.client() as client:
        first = client.get(f"{INDEX}?a=1&b=2", allow_redirects=False)
        reply = client.log_in("bob", url=first.headers["Location"], allow_redirects=False)
        assert reply.status_code == 302 and reply.headers["Location"] == f"{INDEX}?a=1&b=2"
        page = client.get(reply.headers["Location"])
        assert page.status_code == 200 and '<b id="username">bob</b>' in page.text
        [row] = site.sessions(client)
        assert set(row.data) == {"_auth_user_id", "_auth_user_backend", "_auth_user_hash"}
        assert row.data["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"


def test_login_cycles_the_key(site):
    with site.client() as client:
        client.get("/session/counter/")
        before = client.cookies["sessionid"]
        client.log_in(url=LOGIN)
        assert client.cookies["sessionid"] != before
        assert before not in site.sessions().keys()


@pytest.mark.parametrize("payload", open_redirect_payloads())
def test_login_never_follows_a_next_off_the_site(site, payload):
    with site.client() as client:
        reply = client.log_in(url=LOGIN, next=payload, next_in="query", allow_redirects=False)
    assert reply.status_code == 302
    assert stays_on_site(browser_destination(reply.url, reply.headers["Location"]), site.url)


def test_logout_by_get_is_refused(site):
    with site.client() as client:
        client.log_in(url=LOGIN)
        assert client.get(LOGOUT, allow_redirects=False).status_code == 405
        assert client.get(INDEX, allow_redirects=False).status_code == 200


def test_logout_ends_the_session_for_every_copy_of_the_cookie(site):
    with site.client() as victim:
        victim.log_in(url=LOGIN)
        key = victim.cookies["sessionid"]
        with copy_session(site, victim) as thief:
            assert thief.get(INDEX, allow_redirects=False).status_code == 200
            reply = victim.log_out(LOGOUT, allow_redirects=False)
            assert reply.status_code == 302 and reply.headers["Location"] == LOGIN
            deletion = explain_set_cookie(reply.headers["Set-Cookie"])
            assert deletion.name == "sessionid" and deletion.deletes
            assert thief.get(INDEX, allow_redirects=False).status_code == 302
        assert key not in site.sessions().keys() and "sessionid" not in victim.cookies


def test_hostile_session_cookies_are_anonymous(site):
    with site.client() as client:
        for bad in ("x" * 32, "", "../" * 10, "\x7f", "a" * 5000):
            client.cookies.set("sessionid", bad, domain="127.0.0.1", path="/")
            reply = client.get(INDEX, allow_redirects=False)
            assert reply.status_code == 302, bad
