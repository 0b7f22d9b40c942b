"""Security regressions, over HTTP against a running demo site.

The suite discovers what it checks: every URL from the site's own URLconf,
every login form (a URL named ``...login`` that shows a username/password
form), its logout beside it, and the protected page a login lands on. A new
lesson's views are covered without touching this file. Views that are
vulnerable on purpose live under ``/classic/`` or ``/vulnerable/`` and are
left out, except for the check that they live nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from course_helpers import (
    browser_destination,
    explain_set_cookie,
    find_cookie,
    open_redirect_payloads,
    set_cookie_headers,
    start_demo_site,
    stays_on_site,
    travel,
)
from demo_site.home.users import DEMO_USERS
from demo_site.home.views import VULNERABLE_PREFIXES, site_map
from tests.fuzzing import site_paths

VULNERABLE = tuple("/" + p for p in VULNERABLE_PREFIXES)
#: Test URLs where exercise checks plug learners' views in: nothing is served there otherwise.
NOT_A_VIEW = ("/exercise/",)


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="security")
    yield site
    site.stop()


@dataclass(frozen=True)
class LoginForm:
    """A login form of the site: where it posts, its logout, and the page a login lands on."""

    path: str
    logout: str | None


def _safe_paths() -> list[str]:
    return [p for p in site_paths() if not p.startswith(VULNERABLE + NOT_A_VIEW)]


def login_forms() -> list[LoginForm]:
    """Every non-vulnerable URL named like a login, with the logout URL of the same folder."""
    entries = site_map()
    forms = []
    for entry in entries:
        route = str(entry["route"])
        if not str(entry["name"]).endswith("login") or route.startswith(VULNERABLE) or "<" in route:
            continue
        folder = route.rsplit("/", 2)[0] + "/"
        logout = next(
            (
                str(e["route"])
                for e in entries
                if str(e["name"]).endswith("logout") and e["route"] == f"{folder}logout/"
            ),
            None,
        )
        forms.append(LoginForm(route, logout))
    return forms


LOGIN_FORMS = login_forms()


def _stays(site, from_path: str, location: str) -> bool:
    """Whether a browser at ``from_path`` that follows ``location`` is still on the demo site."""
    return stays_on_site(browser_destination(site.url + from_path, location), site.url)


def _query(name: str, value: str) -> str:
    from urllib.parse import urlencode

    return urlencode({name: value})


def test_discovery_finds_the_login_forms():
    paths = {form.path for form in LOGIN_FORMS}
    assert {"/accounts/login/", "/cookie-login/login/"} <= paths
    assert all(form.logout for form in LOGIN_FORMS), LOGIN_FORMS


# -- open redirects -------------------------------------------------------------------


@pytest.mark.parametrize("form", LOGIN_FORMS, ids=lambda f: f.path)
@pytest.mark.parametrize("where", ["form", "query"])
def test_login_never_redirects_off_site(site, form, where):
    host = f"127.0.0.1:{site.port}"
    payloads = open_redirect_payloads(host)
    assert len(payloads) >= 10
    for payload in payloads:
        with site.client() as client:
            reply = client.log_in(url=form.path, next=payload, next_in=where, allow_redirects=False)
            assert reply.status_code == 302, (payload, reply.status_code)
            location = reply.headers["Location"]
            assert _stays(site, form.path, location), f"{payload!r} sent the user to {location!r}"


@pytest.mark.parametrize("form", LOGIN_FORMS, ids=lambda f: f.path)
def test_login_still_follows_a_safe_next(site, form):
    with site.client() as client:
        reply = client.log_in(url=form.path, next="/echo/?from=login", allow_redirects=False)
        assert reply.status_code == 302 and reply.headers["Location"] == "/echo/?from=login"


def test_no_view_redirects_off_site_when_given_next(site):
    payloads = open_redirect_payloads(f"127.0.0.1:{site.port}")
    with site.client() as client:
        for path in _safe_paths():
            for payload in payloads:
                reply = client.get(path, params={"next": payload}, allow_redirects=False)
                assert reply.status_code < 500, (path, payload)
                if reply.is_redirect:
                    location = reply.headers["Location"]
                    assert _stays(site, path, location), (path, payload, location)


# -- logging in and out ---------------------------------------------------------------


def _landing_page(site, form: LoginForm) -> tuple[str, str]:
    """Where a plain login lands, and what that page looks like to the logged-in user."""
    with site.client() as client:
        reply = client.log_in(url=form.path, allow_redirects=False)
        landing = urljoin(form.path, reply.headers["Location"])
        return landing, client.get(landing).text


@pytest.mark.parametrize("form", LOGIN_FORMS, ids=lambda f: f.path)
def test_login_cycles_the_session_key_when_it_uses_the_session(site, form):
    with site.client() as client:
        client.get("/session/counter/")
        before = find_cookie(client, "sessionid").value
        client.log_in(url=form.path, allow_redirects=False)
        logged_in_by_session = client.get("/accounts/whoami/").json()["authenticated"]
        after = getattr(find_cookie(client, "sessionid"), "value", None)
        rows = site.sessions().keys()
    if logged_in_by_session:
        assert after and after != before, "login() must cycle the session key (session fixation)"
        assert before not in rows and after in rows
    else:
        assert after == before and before in rows, "a login that does not use the session leaves it alone"


@pytest.mark.parametrize("form", LOGIN_FORMS, ids=lambda f: f.path)
def test_login_cookies_are_httponly_and_samesite(site, form):
    with site.client() as client:
        reply = client.log_in(url=form.path, allow_redirects=False)
        for header in set_cookie_headers(reply):
            cookie = explain_set_cookie(header)
            if cookie.name == "csrftoken":
                continue  # readable by JavaScript on purpose, so that a page's script can send it back
            assert cookie.httponly, f"{form.path} sets {cookie.name} without HttpOnly"
            assert cookie.samesite in ("Lax", "Strict"), (
                f"{form.path} sets {cookie.name} with SameSite={cookie.samesite}"
            )


def test_session_cookie_is_httponly_and_samesite_wherever_it_is_set(site):
    with site.client() as client:
        for path in _safe_paths():
            client.cookies.clear()
            reply = client.get(path, allow_redirects=False)
            for header in set_cookie_headers(reply, "sessionid"):
                cookie = explain_set_cookie(header)
                assert cookie.httponly and cookie.samesite in ("Lax", "Strict"), (path, header)


@pytest.mark.parametrize("form", LOGIN_FORMS, ids=lambda f: f.path)
def test_logout_deletes_the_cookie_and_flushes_the_row(site, form):
    landing, page = _landing_page(site, form)
    assert "alice" in page
    with site.client() as client:
        client.log_in(url=form.path, allow_redirects=False)
        auth_cookies = {c.name for c in client.cookies} - {"csrftoken"}
        key = client.cookies.get("sessionid")
        reply = client.log_out(form.logout, allow_redirects=False)
        assert reply.status_code in (200, 302)
        deleted = {
            explain_set_cookie(h).name for h in set_cookie_headers(reply) if explain_set_cookie(h).deletes
        }
        assert auth_cookies <= deleted | ({"sessionid"} if key is None else set()), (auth_cookies, deleted)
        assert not (set(c.name for c in client.cookies) & auth_cookies)
        if key:
            assert key not in site.sessions().keys(), "logout must flush the session row"
        assert "alice" not in client.get(landing).text


def test_login_by_get_does_nothing(site):
    for form in LOGIN_FORMS:
        with site.client() as client:
            client.get(form.path, params={"username": "alice", "password": DEMO_USERS["alice"]})
            assert not {c.name for c in client.cookies} - {"csrftoken"}, form.path


# -- CSRF -------------------------------------------------------------------------------


def test_every_state_changing_post_needs_a_csrf_token(site):
    for path in _safe_paths():
        with site.client() as client:
            bare = client.post(
                path, data={"username": "alice", "password": DEMO_USERS["alice"]}, allow_redirects=False
            )
            client.cookies.set("csrftoken", "A" * 32, domain="127.0.0.1", path="/")
            forged = client.post(
                path, data={"csrfmiddlewaretoken": "B" * 32, "username": "alice"}, allow_redirects=False
            )
        for reply in (bare, forged):
            assert reply.status_code in (401, 403, 404, 405), (
                f"POST {path} without a valid token: {reply.status_code}"
            )


# -- signed values ------------------------------------------------------------------------


def _signed_login_cookies(site, form: LoginForm) -> dict[str, str]:
    with site.client() as client:
        client.log_in(url=form.path, allow_redirects=False)
        return {c.name: c.value for c in client.cookies if c.name != "csrftoken" and c.value.count(":") >= 2}


def _variants(value: str) -> dict[str, str]:
    payload, timestamp, signature = value.rsplit(":", 2)
    return {
        "tampered value": f"bob:{timestamp}:{signature}",
        "tampered timestamp": f"{payload}:{timestamp[:-1] + ('A' if timestamp[-1] != 'A' else 'B')}:{signature}",
        "tampered signature": f"{payload}:{timestamp}:{signature[::-1]}",
        "truncated": value[:-5],
        "no signature": f"{payload}:{timestamp}",
        "garbage": "\x7f:::",
    }


@pytest.mark.parametrize("form", LOGIN_FORMS, ids=lambda f: f.path)
def test_bad_signed_values_are_anonymous(site, form):
    landing, _ = _landing_page(site, form)
    signed = _signed_login_cookies(site, form)
    for name, value in signed.items():
        for label, bad in _variants(value).items():
            with site.client() as client:
                client.cookies.set(name, bad, domain="127.0.0.1", path="/")
                reply = client.get(landing, allow_redirects=False)
            assert reply.status_code < 500, (name, label)
            assert "alice" not in reply.text and "bob" not in reply.text, f"{name} {label} was trusted"


@pytest.mark.parametrize("form", LOGIN_FORMS, ids=lambda f: f.path)
def test_wrong_salt_and_expired_signed_values_are_anonymous(site, form):
    from django.core import signing

    landing, _ = _landing_page(site, form)
    for name, value in _signed_login_cookies(site, form).items():
        payload = value.rsplit(":", 2)[0]
        wrong_salt = signing.get_cookie_signer(salt="another-salt").sign(payload)
        with site.client() as client:
            client.cookies.set(name, wrong_salt, domain="127.0.0.1", path="/")
            assert "alice" not in client.get(landing, allow_redirects=False).text, (
                f"{name}: wrong salt trusted"
            )
        with site.client() as client:
            client.cookies.set(name, value, domain="127.0.0.1", path="/")
            assert "alice" in client.get(landing).text
            with travel(60 * 60 * 24 * 400):  # past any max_age the site uses
                client.cookies.set(name, value, domain="127.0.0.1", path="/")  # a client that ignores expiry
                reply = client.get(landing, allow_redirects=False)
                assert reply.status_code < 500 and "alice" not in reply.text, f"{name}: expired value trusted"


def test_a_tampered_session_cookie_is_anonymous(site):
    form = LoginForm("/accounts/login/", "/accounts/logout/")
    with site.client() as client:
        client.log_in(url=form.path, allow_redirects=False)
        key = client.cookies["sessionid"]
        for bad in (key[::-1], key[:-1], key + "x", "x" * 32, "", "../" * 10):
            client.cookies.set("sessionid", bad, domain="127.0.0.1", path="/")
            me = client.get("/accounts/whoami/")
            assert me.status_code == 200 and me.json()["authenticated"] is False, bad


# -- where the vulnerable views live ---------------------------------------------------------


def _all_patterns():
    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield "/" + prefix + str(pattern.pattern), pattern.callback

    return list(walk(get_resolver().url_patterns, ""))


def test_vulnerable_views_live_only_under_clearly_named_urls():
    patterns = _all_patterns()
    assert any(route.startswith(VULNERABLE) for route, _ in patterns), (
        "the lessons' classic views are missing"
    )
    for route, view in patterns:
        module = view.__module__.rsplit(".", 1)[-1]
        is_vulnerable_code = module in ("classic", "vulnerable")
        under_vulnerable_url = route.startswith(VULNERABLE)
        assert is_vulnerable_code == under_vulnerable_url, (
            f"{route} is served by {view.__module__}.{view.__name__}"
        )


def test_the_front_page_marks_the_vulnerable_views(site):
    with site.client() as client:
        page = client.get("/").text
    for route, _ in _all_patterns():
        if route.startswith(VULNERABLE):
            route_cell = rf"<td>(?:<a href=\"{re.escape(route)}\">)?<code>{re.escape(route)}</code>"
            row = re.search(rf"<tr[^>]*>\s*{route_cell}.*?</tr>", page, re.DOTALL)
            assert row and "vulnerable on purpose" in row.group(0), route
