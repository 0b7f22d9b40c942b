"""The views of the cookies app (lesson 02), driven over HTTP like the lesson drives them."""

from __future__ import annotations

import datetime as dt
import http.client
import time
from http.cookiejar import http2time

import pytest
import requests

from course_helpers import find_cookie, set_cookie_headers, start_demo_site, travel


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-cookies")
    yield site
    site.stop()


def get(site, path: str, cookie: str | None = None, host: str | None = None):
    """One request over a fresh connection, no cookie jar: status, headers (repeats kept), body."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    headers = {}
    if cookie is not None:
        headers["Cookie"] = cookie
    if host is not None:
        headers["Host"] = host
    try:
        conn.request("GET", path, headers=headers)
        reply = conn.getresponse()
        found: dict[str, list[str]] = {}
        for name, value in reply.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return reply.status, found, reply.read().decode()
    finally:
        conn.close()


def attributes(header: str) -> dict[str, str | None]:
    """The attributes of one Set-Cookie header, by lower-case name."""
    parts = [p.strip() for p in header.split(";")[1:]]
    return {k.lower(): (v if sep else None) for k, sep, v in (p.partition("=") for p in parts)}


# -- reading ----------------------------------------------------------------------------


def test_read_lists_cookies_and_looks_one_up_with_get(site):
    status, _, body = get(site, "/cookies/read/?name=username", cookie="username=alice; colour=blue")
    assert status == 200
    assert '"cookies": {"colour": "blue", "username": "alice"}' in body and '"value": "alice"' in body
    status, _, body = get(site, "/cookies/read/?name=username")
    assert status == 200 and '"value": null' in body and '"cookie_header": null' in body


@pytest.mark.parametrize(
    "cookie",
    ['garbage="unterminated', "=;=;;", "a=b; a=c; ; x", "\x7f\x01=\x02", "big=" + "x" * 6000, 'q="\\351\\"'],
)
def test_garbage_cookies_never_give_a_500(site, cookie):
    for path in ("/cookies/read/?name=a", "/cookies/shop/cart/", "/cookies/test-cookie/check/"):
        status, _, _ = get(site, path, cookie=cookie)
        assert status == 200, (path, cookie)


# -- writing on three kinds of response --------------------------------------------------


def test_plain_shows_djangos_defaults(site):
    status, headers, _ = get(site, "/cookies/plain/")
    assert status == 200 and headers["set-cookie"] == ["flavour=vanilla; Path=/"]


def test_render_and_redirect_responses_carry_cookies(site):
    client = site.client()
    page = client.get("/cookies/rendered/")
    assert page.status_code == 200 and "render()" in page.text
    assert set_cookie_headers(page) == ["theme=dark; HttpOnly; Path=/; SameSite=Lax"]
    followed = client.get("/cookies/redirected/")
    assert [r.status_code for r in [*followed.history, followed]] == [302, 200]
    assert followed.history[0].headers["Location"] == "/cookies/read/"
    assert set_cookie_headers(followed.history[0]) == ["came_from=redirect; HttpOnly; Path=/; SameSite=Lax"]
    assert (
        followed.json()["cookies"]["came_from"] == "(hidden: HttpOnly)"
    )  # it arrived; the value stays hidden


# -- lifetimes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "max_age", "expires_in"),
    [
        ("/cookies/max-age/", "3600", 3600),
        ("/cookies/max-age/timedelta/", "604800", 604800),
        ("/cookies/expires/datetime/", "86400", 86400),
        ("/cookies/expires/string/", None, 30 * 86400),
        ("/cookies/max-age-and-expires/", "600", 30 * 86400),
    ],
)
def test_lifetime_views(site, path, max_age, expires_in):
    _, headers, _ = get(site, path)
    (header,) = headers["set-cookie"]
    attrs = attributes(header)
    assert attrs.get("max-age") == max_age
    assert abs(http2time(attrs["expires"]) - (time.time() + expires_in)) < 5
    assert "httponly" in attrs and attrs["samesite"] == "Lax"


def test_max_age_wins_in_the_jar_and_an_expired_cookie_lingers(site):
    client = site.client()
    client.get("/cookies/max-age-and-expires/")
    both = find_cookie(client, "both")
    assert abs(both.expires - (time.time() + 600)) < 5
    client.get("/cookies/set/?name=short&value=1&max_age=60")
    with travel(dt.timedelta(minutes=2)):
        assert "short" in client.cookies
        assert "short" not in client.get("/cookies/read/").json()["cookies"]


# -- path, domain ---------------------------------------------------------------------------


def test_shop_cookie_reaches_the_shop_only(site):
    client = site.client()
    assert set_cookie_headers(client.get("/cookies/shop/add/")) == [
        "cart=apple; HttpOnly; Path=/cookies/shop; SameSite=Lax"
    ]
    seen = {p: client.get(p).json()["cookies"] for p in ("/cookies/shop/", "/cookies/shop/cart/")}
    assert all(
        c == {"cart": "(hidden: HttpOnly)"} for c in seen.values()
    )  # it arrived; its value stays hidden
    assert client.get("/cookies/shopping/").json()["cookies"] == {}


def test_domains_sets_a_parent_domain_cookie_only_for_named_hosts(site):
    _, headers, _ = get(site, "/cookies/domains/", host="www.shop.test")
    assert headers["set-cookie"] == [
        "here_only=1; HttpOnly; Path=/; SameSite=Lax",
        "everywhere=1; Domain=shop.test; HttpOnly; Path=/; SameSite=Lax",
    ]
    for host in ("127.0.0.1", "shop.test"):
        _, headers, _ = get(site, "/cookies/domains/", host=host)
        assert headers["set-cookie"] == ["here_only=1; HttpOnly; Path=/; SameSite=Lax"]
    status, _, _ = get(site, "/cookies/domains/", host="evil.example")
    assert status == 400  # not in ALLOWED_HOSTS


# -- secure, httponly, samesite -----------------------------------------------------------------


def test_attribute_views(site):
    _, headers, _ = get(site, "/cookies/secure/")
    assert headers["set-cookie"] == ["secure_pref=1; HttpOnly; Path=/; SameSite=Lax; Secure"]
    _, headers, _ = get(site, "/cookies/httponly/")
    assert headers["set-cookie"] == [
        "js_hidden=1; HttpOnly; Path=/; SameSite=Lax",
        "js_visible=1; Path=/; SameSite=Lax",
    ]
    _, headers, _ = get(site, "/cookies/samesite/")
    assert [attributes(h)["samesite"] for h in headers["set-cookie"]] == ["Strict", "Lax", "None"]
    assert "secure" in attributes(headers["set-cookie"][2])


# -- the lab and delete -----------------------------------------------------------------------


def test_lab_passes_every_parameter_to_set_cookie(site):
    query = (
        "name=k&value=v&max_age=120&path=/cookies/shop&domain=shop.test&secure=1&httponly=1&samesite=Strict"
    )
    _, headers, _ = get(site, "/cookies/set/?" + query)
    (header,) = headers["set-cookie"]
    assert header.startswith("k=v; Domain=shop.test; expires=")
    assert header.endswith("; HttpOnly; Max-Age=120; Path=/cookies/shop; SameSite=Strict; Secure")
    _, headers, _ = get(site, "/cookies/set/?name=k&expires=Thu,%2001%20Jan%202099%2000:00:00%20GMT")
    assert headers["set-cookie"] == ['k=""; expires=Thu, 01 Jan 2099 00:00:00 GMT; Path=/']


@pytest.mark.parametrize(
    "query",
    [
        "",
        "name=",
        "name=a%20b",
        "name=a;b",
        "name=" + "n" * 65,
        "name=k&max_age=soon",
        "name=k&max_age=99999999999",
        "name=k&samesite=Sometimes",
        "name=k&domain=a;b",
        "name=k&domain=",
        "name=k&expires=x%0D%0AX-Injected:%201",
        "name=k&path=/%0D%0AX-Injected:%201",
        "name=k&path=/;%20Secure",
        "name=k&path=",
    ],
)
def test_lab_refuses_bad_input_with_a_400(site, query):
    status, headers, body = get(site, "/cookies/set/?" + query)
    assert status == 400 and "set-cookie" not in headers and body.strip()


@pytest.mark.parametrize("path", ["/cookies/set/", "/cookies/delete/"])
@pytest.mark.parametrize("name", ["sessionid", "csrftoken"])
def test_lab_never_plants_or_deletes_the_sites_own_cookies(site, path, name):
    # a GET any other site can link to must not choose a visitor's session or CSRF token
    status, headers, body = get(site, f"{path}?name={name}&value=known-to-the-attacker")
    assert status == 400 and "set-cookie" not in headers and "the site's own cookie" in body


def test_a_value_a_header_cannot_carry_is_a_400_not_a_hung_connection(site):
    for value in ("%F0%9F%98%80", "%C4%80"):  # an emoji, and U+0100 (just past Latin-1)
        status, headers, body = get(site, f"/cookies/set/?name=k&value={value}")
        assert status == 400 and "set-cookie" not in headers and "Latin-1" in body
    status, headers, _ = get(site, "/cookies/set/?name=k&value=caf%C3%A9")  # Latin-1 is escaped: fine
    assert status == 200 and headers["set-cookie"] == ['k="caf\\351"; Path=/']


def test_pages_that_echo_cookies_hide_the_session_key(site):
    client = site.client()
    client.get("/cookies/test-cookie/")  # makes a session
    key = client.cookies["sessionid"]
    for page in ("/cookies/read/?name=sessionid", "/cookies/shop/cart/"):
        data = client.get(page).json()
        assert key not in str(data), page
        assert data["cookies"]["sessionid"] == "(hidden: HttpOnly)"
        assert data["cookie_header"] == "sessionid=(hidden: HttpOnly)"
    _, _, body = get(site, "/cookies/read/", cookie=f"a=1;sessionid={key}; b=2")
    assert key not in body and '"cookie_header": "a=1;sessionid=(hidden: HttpOnly); b=2"' in body


def test_a_newline_in_a_value_is_quoted_not_a_new_header(site):
    status, headers, _ = get(site, "/cookies/set/?name=k&value=a%0D%0AX-Injected:%201")
    assert status == 200 and "x-injected" not in headers
    assert headers["set-cookie"] == ['k="a\\015\\012X-Injected: 1"; Path=/']


def test_lab_quotes_values_and_django_reads_them_back(site):
    client = site.client()
    for value in ("hello world", "a,b", "a;b", "café", "x=y"):
        client.get("/cookies/set/", params={"name": "note", "value": value})
        assert client.get("/cookies/read/", params={"name": "note"}).json()["value"] == value


def test_delete_writes_max_age_0_and_1970_and_needs_the_path(site):
    client = site.client()
    client.get("/cookies/shop/add/")
    wrong = client.get("/cookies/delete/?name=cart")
    assert set_cookie_headers(wrong) == ['cart=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/']
    assert client.get("/cookies/shop/cart/").json()["cookies"] == {"cart": "(hidden: HttpOnly)"}
    client.get("/cookies/delete/?name=cart&path=/cookies/shop")
    assert list(client.cookies) == []
    _, headers, _ = get(site, "/cookies/delete/?name=x&samesite=None&domain=shop.test")
    assert headers["set-cookie"] == [
        'x=""; Domain=shop.test; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=None; Secure'
    ]


@pytest.mark.parametrize(
    "query",
    ["", "name=", "name=a%20b", "name=k&domain=a/b", "name=k&samesite=Often", "name=k&path=/%0AX:%201"],
)
def test_delete_refuses_bad_input_with_a_400(site, query):
    status, headers, _ = get(site, "/cookies/delete/?" + query)
    assert status == 400 and "set-cookie" not in headers


def test_big_cookie_sizes(site):
    _, headers, _ = get(site, "/cookies/big/?size=5000")
    (header,) = headers["set-cookie"]
    assert header.startswith("big=" + "x" * 5000 + ";")
    for bad in ("", "0", "-1", "8193", "lots", "%D9%A1%D9%A2"):
        status, headers, _ = get(site, f"/cookies/big/?size={bad}")
        assert status == 400 and "set-cookie" not in headers, bad


# -- the test cookie -------------------------------------------------------------------------------


def test_test_cookie_works_with_a_jar_and_not_without(site):
    client = site.client()
    first = client.get("/cookies/test-cookie/")
    assert first.json()["step"] == "set" and set_cookie_headers(first)[0].startswith("sessionid=")
    assert client.get("/cookies/test-cookie/check/").json() == {"step": "check", "worked": True}
    # delete_test_cookie() ran: a second check finds nothing
    assert client.get("/cookies/test-cookie/check/").json()["worked"] is False
    requests.get(site.url + "/cookies/test-cookie/", timeout=10)
    alone = requests.get(site.url + "/cookies/test-cookie/check/", timeout=10)
    assert alone.json() == {"step": "check", "worked": False}


def test_test_cookie_with_a_forged_session_key_is_just_false(site):
    status, _, body = get(site, "/cookies/test-cookie/check/", cookie="sessionid=" + "a" * 32)
    assert status == 200 and '"worked": false' in body


def test_every_view_refuses_post(site):
    client = site.client()
    for path in (
        "/cookies/read/",
        "/cookies/set/?name=k",
        "/cookies/delete/?name=k",
        "/cookies/test-cookie/",
    ):
        assert client.post(path).status_code in (403, 405), path
