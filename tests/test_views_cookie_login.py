"""The cookie-login views (lesson 04), driven over HTTP: the classic code's documented flaws, the fixed code's guarantees.

The classic views (``/classic/cookie-login/...``) are vulnerable on purpose;
these tests pin their flaws down so the lesson keeps showing them. Two of
them answer 500 on purpose, exactly as the classic notes' code does: the
home page for an anonymous visitor (the decorator returns ``None``) and a
login without ``?next=`` (``response`` is never assigned).

The fixed views (``/cookie-login/...``) must never answer 500, whatever the
cookie or the ``next`` parameter holds, and must never redirect off the site.
"""

from __future__ import annotations

import datetime as dt
import http.client

import pytest

from course_helpers import (
    browser_destination,
    explain_set_cookie,
    latest_problems,
    open_redirect_payloads,
    set_cookie_headers,
    start_demo_site,
    stays_on_site,
    travel,
)
from demo_site.home.users import DEMO_USERS

CLASSIC = {"username": "admin", "password": "classic-2024"}
LOGIN = "/cookie-login/login/"
HOME = "/cookie-login/home/"
LOGIN_REDIRECT = "/cookie-login/login/?next=/cookie-login/home/"
PAYLOAD_COUNT = len(open_redirect_payloads())


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-cookie_login")
    yield site
    site.stop()


def raw_get(site, path: str, cookie: str | bytes | None = None) -> tuple[int, dict[str, list[str]], str]:
    """One GET over a fresh connection, with exactly the Cookie header given: status, headers, body."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    try:
        conn.putrequest("GET", path)
        if cookie is not None:
            conn.putheader("Cookie", cookie)
        conn.endheaders()
        reply = conn.getresponse()
        headers: dict[str, list[str]] = {}
        for name, value in reply.getheaders():
            headers.setdefault(name.lower(), []).append(value)
        return reply.status, headers, reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


#: client.log_in() through the fixed login, its reply not followed.
FIXED_LOGIN = {"url": LOGIN, "allow_redirects": False}


# -- the classic code, vulnerable on purpose -----------------------------------------------


def test_classic_home_answers_500_to_anonymous_visitors(site):
    response = site.client().get("/classic/cookie-login/home/", allow_redirects=False)
    assert response.status_code == 500
    assert (
        "classic.inner didn't return an HttpResponse object. It returned None instead."
        in latest_problems(1)[0]
    )


def test_classic_login_without_next_answers_500(site):
    response = site.client().post("/classic/cookie-login/login/", data=CLASSIC, allow_redirects=False)
    assert response.status_code == 500
    assert "UnboundLocalError" in latest_problems(1)[0]


def test_classic_login_throws_next_away_and_sets_a_yes_cookie(site):
    client = site.client()
    response = client.post(
        "/classic/cookie-login/login/?next=/classic/cookie-login/home/", data=CLASSIC, allow_redirects=False
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/classic/cookie-login/class-list/"
    [header] = set_cookie_headers(response)
    cookie = explain_set_cookie(header)
    assert cookie.name == "login" and cookie.value.startswith("yes:")
    assert not cookie.httponly and cookie.samesite is None and cookie.is_session_cookie
    assert client.get("/classic/cookie-login/home/").status_code == 200


def test_classic_login_needs_no_csrf_token_and_rejects_real_users(site):
    page = site.client().get("/classic/cookie-login/login/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" not in page.text
    assert "Vulnerable on purpose" in page.text
    forged = site.client().post("/classic/cookie-login/login/?next=/x/", data=CLASSIC, allow_redirects=False)
    assert forged.status_code == 302 and "login" in forged.cookies
    alice = {"username": "alice", "password": DEMO_USERS["alice"]}
    refused = site.client().post("/classic/cookie-login/login/?next=/x/", data=alice, allow_redirects=False)
    assert refused.status_code == 200 and "login" not in refused.cookies


def test_classic_yes_cookie_works_for_anyone_and_forever(site):
    owner = site.client()
    owner.post("/classic/cookie-login/login/?next=/x/", data=CLASSIC, allow_redirects=False)
    value = owner.cookies["login"]
    with travel(dt.timedelta(days=365)):
        status, _, body = raw_get(site, "/classic/cookie-login/home/", f"login={value}")
    assert status == 200 and "Vulnerable on purpose" in body


def test_classic_intended_version_redirects_anonymous_visitors_and_has_an_open_redirect(site):
    anonymous = site.client().get("/classic/cookie-login/intended/home/", allow_redirects=False)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"] == (
        "/classic/cookie-login/intended/login/?next=/classic/cookie-login/intended/home/"
    )
    for payload in ("https://evil.example", "//evil.example"):
        response = site.client().post(
            "/classic/cookie-login/intended/login/",
            params={"next": payload},
            data=CLASSIC,
            allow_redirects=False,
        )
        assert response.status_code == 302 and response.headers["Location"] == payload
        assert not stays_on_site(browser_destination(response.url, payload), site.url)


def test_classic_views_lost_their_names_and_the_front_page_says_they_are_vulnerable(site):
    from demo_site.cookie_login import classic, views

    assert classic.home.__name__ == classic.class_list.__name__ == "inner"
    assert views.home.__name__ == "home" and views.check_login.__name__ == "check_login"
    front = site.client().get("/").text
    row = front.split("<code>/classic/cookie-login/home/</code>")[1].split("</tr>")[0]
    assert "(vulnerable on purpose)" in row
    fixed_row = front.split("<code>/cookie-login/home/</code>")[1].split("</tr>")[0]
    assert "A page for logged-in users only" in fixed_row and "vulnerable" not in fixed_row


# -- the fixed login ---------------------------------------------------------------------


def test_fixed_home_sends_anonymous_visitors_to_log_in(site):
    response = site.client().get(HOME, allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == LOGIN_REDIRECT
    query = site.client().get(f"{HOME}?a=1&b=2", allow_redirects=False)
    assert query.headers["Location"] == "/cookie-login/login/?next=/cookie-login/home/%3Fa%3D1%26b%3D2"


def test_login_form_sets_a_csrf_cookie_and_keeps_next(site):
    client = site.client()
    page = client.get(f"{LOGIN}?next=/cookie-login/home/%3Fx%3D1")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.text
    assert 'name="next" value="/cookie-login/home/?x=1"' in page.text
    assert len(client.cookies["csrftoken"]) == 32


def test_login_post_without_csrf_token_is_forbidden(site):
    data = {"username": "alice", "password": DEMO_USERS["alice"]}
    assert site.client().post(LOGIN, data=data).status_code == 403
    half = site.client()
    half.get(LOGIN)  # the form gives the jar a csrftoken cookie
    response = half.post(LOGIN, data=data, allow_redirects=False)
    assert response.status_code == 403 and "login_user" not in half.cookies
    assert latest_problems(1)[0] == "Forbidden (CSRF token missing.): /cookie-login/login/"


def test_login_rotates_the_csrf_token_and_a_failed_login_does_not(site):
    client = site.client()
    client.get(LOGIN)
    planted = client.csrf_token
    wrong = client.post_form(LOGIN, {"username": "alice", "password": "wrong"}, allow_redirects=False)
    assert wrong.status_code == 200 and client.cookies["csrftoken"] == planted
    assert client.log_in(**FIXED_LOGIN).status_code == 302
    fresh = client.cookies["csrftoken"]
    assert fresh != planted and len(fresh) == 32
    # the old token no longer passes the check: logging out with it is refused
    stale = client.post("/cookie-login/logout/", data={"csrfmiddlewaretoken": planted}, allow_redirects=False)
    assert stale.status_code == 403 and "login_user" in client.cookies


@pytest.mark.parametrize(
    "username, password", [("alice", "wrong"), ("nobody", "x"), ("", ""), ("admin", "classic-2024")]
)
def test_wrong_credentials_show_the_form_again(site, username, password):
    client = site.client()
    response = client.post_form(LOGIN, {"username": username, "password": password}, allow_redirects=False)
    assert response.status_code == 200 and "Please enter a correct username and password." in response.text
    assert "login_user" not in client.cookies


def test_login_without_username_field_is_a_normal_page(site):
    client = site.client()
    response = client.post_form(LOGIN, allow_redirects=False)
    assert response.status_code == 200


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
def test_login_sets_a_signed_httponly_lax_cookie_naming_the_user(site, username):
    client = site.client()
    response = client.log_in(username, **FIXED_LOGIN)
    assert response.status_code == 302 and response.headers["Location"] == HOME
    [header] = [h for h in set_cookie_headers(response) if h.startswith("login_user=")]
    cookie = explain_set_cookie(header)
    assert cookie.value.split(":")[0] == username and cookie.value.count(":") == 2
    assert cookie.httponly and cookie.samesite == "Lax" and cookie.max_age == 3600 and cookie.path == "/"
    assert not cookie.secure  # the demo site speaks plain http
    home = client.get(HOME, allow_redirects=False)
    assert home.status_code == 200 and f'<b id="username">{username}</b>' in home.text


def test_full_flow_protected_page_login_and_back(site):
    client = site.client()
    form = client.get(HOME)
    assert form.history[0].headers["Location"] == LOGIN_REDIRECT
    done = client.post_form(
        form.url, {"username": "bob", "password": DEMO_USERS["bob"], "next": "/cookie-login/home/"}
    )
    assert [r.status_code for r in done.history] == [302]
    assert done.status_code == 200 and done.url == f"{site.url}{HOME}" and ">bob<" in done.text


@pytest.mark.parametrize("where", ["query", "form"])
@pytest.mark.parametrize("index", range(PAYLOAD_COUNT), ids=[repr(p) for p in open_redirect_payloads()])
def test_every_open_redirect_payload_stays_on_the_site(site, index, where):
    payload = open_redirect_payloads(f"127.0.0.1:{site.port}")[index]
    response = site.client().log_in(next=payload, next_in=where, **FIXED_LOGIN)
    assert response.status_code == 302, (payload, response.status_code)
    destination = browser_destination(response.url, response.headers["Location"])
    assert stays_on_site(destination, site.url), (payload, response.headers["Location"], destination)
    if payload != "%2F%2Fevil.example":  # a relative path, allowed, harmless
        assert response.headers["Location"] == HOME


@pytest.mark.parametrize("index", range(PAYLOAD_COUNT), ids=[repr(p) for p in open_redirect_payloads()])
def test_every_open_redirect_payload_on_the_login_form_is_a_normal_page(site, index):
    payload = open_redirect_payloads(f"127.0.0.1:{site.port}")[index]
    response = site.client().get(LOGIN, params={"next": payload})
    assert response.status_code == 200
    assert "<script>" not in response.text.split("<form")[1]  # the value is escaped in the hidden field


@pytest.mark.parametrize(
    "next_url",
    ["/cookie-login/home/?x=1", f"{HOME}", "/counter/", "/cookie-login/home/?next=//evil.example"],
)
def test_a_legitimate_next_is_followed(site, next_url):
    client = site.client()
    response = client.log_in(next=next_url, next_in="query", **FIXED_LOGIN)
    assert response.status_code == 302 and response.headers["Location"] == next_url
    assert client.get(next_url).status_code == 200


def test_an_absolute_url_of_this_very_site_is_followed(site):
    response = site.client().log_in(next=f"{site.url}/cookie-login/home/?x=1", next_in="query", **FIXED_LOGIN)
    assert response.headers["Location"] == f"{site.url}/cookie-login/home/?x=1"


# -- bad cookies on the fixed views ----------------------------------------------------


def _signed(value: str, salt: str = "demo_site.cookie_login") -> str:
    from django.http import HttpResponse

    response = HttpResponse()
    response.set_signed_cookie("login_user", value, salt=salt)
    return response.cookies["login_user"].value


@pytest.mark.parametrize(
    "make_cookie",
    [
        lambda good: "login_user=alice",
        lambda good: "login_user=" + good.replace("alice", "bob", 1),
        lambda good: "login_user=" + good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
        lambda good: "login_user=" + good.rsplit(":", 1)[0],
        lambda good: "login_user=yes",
        lambda good: "login_user=" + _signed("alice", salt="SSS"),
        lambda good: "login_user=" + _signed("mallory"),
        lambda good: "login_user=" + _signed(""),
        lambda good: "login_user=",
        lambda good: "login_user=:::",
        lambda good: 'login_user="\\"%%%\\\\"',
        lambda good: "login_user=" + "x" * 6000,
        lambda good: "login_user=alice:zzzzzzzzzzzzzzzz:" + "A" * 43,
        lambda good: "login_user=\u00e9t\u00e9:1:2".encode("utf-8"),
        lambda good: b"login_user=\xff\xfe:\x00",
        lambda good: "=; ;login_user; login_user==",
    ],
    ids=[
        "unsigned",
        "payload-swapped",
        "signature-edited",
        "signature-missing",
        "classic-yes",
        "other-salt",
        "unknown-user",
        "empty-username",
        "empty",
        "colons",
        "quotes-and-backslashes",
        "huge",
        "bad-timestamp",
        "non-ascii",
        "binary",
        "malformed-header",
    ],
)
def test_tampered_or_garbage_cookie_means_anonymous_never_500(site, make_cookie):
    good = site.client().log_in(**FIXED_LOGIN).cookies["login_user"]
    cookie = make_cookie(good)
    status, headers, _ = raw_get(site, HOME, cookie)
    assert status == 302, (cookie, status)
    assert headers["location"] == [LOGIN_REDIRECT]
    assert raw_get(site, "/cookie-login/login/", cookie)[0] == 200


def test_a_copied_cookie_works_elsewhere_until_it_expires(site):
    good = site.client().log_in(**FIXED_LOGIN).cookies["login_user"]
    assert raw_get(site, HOME, f"login_user={good}")[0] == 200
    with travel(dt.timedelta(minutes=59)):
        assert raw_get(site, HOME, f"login_user={good}")[0] == 200
    with travel(dt.timedelta(minutes=61)):
        status, headers, _ = raw_get(site, HOME, f"login_user={good}")
    assert status == 302 and headers["location"] == [LOGIN_REDIRECT]


def test_an_inactive_user_is_anonymous(site):
    from django.contrib.auth.models import User

    def set_active(active: bool) -> None:
        User.objects.filter(username="bob").update(is_active=active)

    good = site.client().log_in("bob", **FIXED_LOGIN).cookies["login_user"]
    site.orm(set_active, False)
    try:
        assert raw_get(site, HOME, f"login_user={good}")[0] == 302
    finally:
        site.orm(set_active, True)
    assert raw_get(site, HOME, f"login_user={good}")[0] == 200


# -- logout --------------------------------------------------------------------------------


def test_logout_needs_post_and_csrf_and_deletes_the_cookie(site):
    client = site.client()
    client.log_in(**FIXED_LOGIN)
    assert client.get("/cookie-login/logout/", allow_redirects=False).status_code == 405
    assert site.client().post("/cookie-login/logout/").status_code == 403
    response = client.post_form("/cookie-login/logout/", allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == LOGIN
    [header] = set_cookie_headers(response)
    deletion = explain_set_cookie(header)
    assert (
        deletion.name == "login_user" and deletion.max_age == 0 and deletion.deletes and deletion.path == "/"
    )
    assert "login_user" not in client.cookies
    assert client.get(HOME, allow_redirects=False).status_code == 302


def test_logout_when_not_logged_in_is_harmless(site):
    client = site.client()
    response = client.post_form("/cookie-login/logout/", allow_redirects=False)
    assert response.status_code == 302


def test_the_server_keeps_nothing(site):
    site.client().log_in(**FIXED_LOGIN)
    assert len(site.sessions()) == 0


# -- the helpers this lesson added -------------------------------------------------------------


@pytest.mark.parametrize(
    "location, expected",
    [
        ("//evil.example", "http://evil.example/"),
        ("/\\evil.example", "http://evil.example/"),
        ("https:evil.example", "https://evil.example/"),
        ("http:/x", "http://127.0.0.1:8000/x"),
        (" \t//evil.example", "http://evil.example/"),
        ("a//b/../c", "http://127.0.0.1:8000/p/a//c"),
        ("?q=a b", "http://127.0.0.1:8000/p/page?q=a%20b"),
        ("/%5Cevil.example", "http://127.0.0.1:8000/%5Cevil.example"),
        ("http://127.0.0.1:8000@evil.example", "http://evil.example/"),
        ("javascript:alert(1)", "javascript:alert(1)"),
    ],
)
def test_browser_destination(location, expected):
    assert browser_destination("http://127.0.0.1:8000/p/page?x=1", location) == expected


def test_open_redirect_payloads_are_many_and_all_leave_but_one():
    payloads = open_redirect_payloads("127.0.0.1:8000")
    assert len(payloads) >= 10 and len(set(payloads)) == len(payloads)
    staying = [
        p
        for p in payloads
        if stays_on_site(browser_destination("http://127.0.0.1:8000/", p), "http://127.0.0.1:8000")
    ]
    assert staying == ["%2F%2Fevil.example", "\u3000//evil.example"]
