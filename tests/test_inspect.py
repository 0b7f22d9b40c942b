"""The inspection helpers, checked on real exchanges with the demo site and on edge cases.

One demo site serves the whole module (``site`` fixture). The test that needs
different settings (``SESSION_COOKIE_AGE=60``) stops it, runs its own site and
stops that; the next test that asks for ``site`` gets a fresh one.

Django-made ``Set-Cookie`` headers come from ``HttpResponse.set_cookie``:
``morsel.output(header="")`` is exactly what Django's WSGI handler sends
(with the leading space), so no test-only view is needed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from email.utils import format_datetime
from http.cookiejar import Cookie, CookieJar
from http.cookies import SimpleCookie

import pytest
import requests
from requests.cookies import RequestsCookieJar

from course_helpers import (
    CourseError,
    explain_set_cookie,
    explain_signed_value,
    raw_http,
    show_cookies,
    show_exchange,
    start_demo_site,
    trace,
    travel,
)
from course_helpers.display import Mermaid, Sections, Table, describe_age, shorten
from course_helpers.sessions import SessionRow, SessionTable
from course_helpers.exchange import Exchange
from course_helpers.trace import Trace

SITE_NAME = "inspect-tests"
SESSION_AGE = 1209600  # demo_site.settings.SESSION_COOKIE_AGE
COUNTER_HEADER = "visits=1; HttpOnly; Path=/; SameSite=Lax"


class _SiteHolder:
    """The module's demo site, restarted if a test had to stop it."""

    def __init__(self) -> None:
        self.site = None

    def get(self):
        if self.site is None or not self.site.running:
            self.site = start_demo_site(name=SITE_NAME)
        return self.site

    def stop(self) -> None:
        if self.site is not None:
            self.site.stop()


@pytest.fixture(scope="module")
def _holder():
    holder = _SiteHolder()
    yield holder
    holder.stop()


@pytest.fixture
def site(_holder):
    return _holder.get()


@pytest.fixture
def client(site):
    c = site.client()
    yield c
    c.close()


def _django_set_cookie(name: str = "c", value: str = "v", **kwargs) -> str:
    """The Set-Cookie value Django sends for ``set_cookie(name, value, **kwargs)`` (leading space included)."""
    from django.http import HttpResponse

    response = HttpResponse()
    response.set_cookie(name, value, **kwargs)
    return response.cookies[name].output(header="")


def _http_date(seconds_from_now: float) -> str:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds_from_now)
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def _meaning(explanation, label: str) -> str:
    return next(meaning for name, _, meaning in explanation.attributes if name == label)


# -- explain_set_cookie: the real header -------------------------------------


def test_django_really_sends_a_leading_space_and_it_is_parsed(site):
    reply = raw_http(site, "GET /counter/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert reply.status == 200
    assert b"\r\nSet-Cookie:  visits=1; HttpOnly; Path=/; SameSite=Lax\r\n" in reply.received
    raw_value = reply.received.split(b"\r\nSet-Cookie:", 1)[1].split(b"\r\n", 1)[0]
    assert raw_value.startswith(b"  visits=")
    for given in (raw_value, raw_value.decode(), "Set-Cookie:" + raw_value.decode(), "set-cookie: visits=1"):
        parsed = explain_set_cookie(given)
        assert parsed.ignored is None
        assert (parsed.name, parsed.value) == ("visits", "1")
    parsed = explain_set_cookie(raw_value)
    assert parsed.httponly and parsed.path == "/" and parsed.samesite == "Lax"
    assert not parsed.secure and parsed.domain is None and parsed.is_session_cookie and not parsed.deletes
    assert parsed.warnings == []
    assert "Host-only: sent back to 127.0.0.1 only, not to its subdomains." in parsed.effects
    assert [label for label, _, _ in parsed.attributes] == ["HttpOnly", "Path", "SameSite"]


def test_django_set_cookie_output_matches_simplecookie():
    header = _django_set_cookie(
        "a", "1", max_age=60, domain="example.test", path="/p", secure=True, httponly=True, samesite="None"
    )
    assert header.startswith(" a=1; ")
    parsed = explain_set_cookie(header, host="www.example.test", secure_origin=True)
    morsel = SimpleCookie(header)["a"]
    assert parsed.ignored is None and parsed.warnings == []
    assert parsed.value == morsel.value == "1"
    assert parsed.max_age == int(morsel["max-age"]) == 60
    assert parsed.domain == morsel["domain"] == "example.test"
    assert parsed.path == morsel["path"] == "/p"
    assert parsed.samesite == morsel["samesite"] == "None"
    assert parsed.secure is morsel["secure"] is True
    assert parsed.httponly is morsel["httponly"] is True
    # Django also writes an expires date (now + max_age); it agrees with Max-Age.
    expected = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)
    assert abs((parsed.expires_at - expected).total_seconds()) < 3
    assert "Max-Age wins over Expires: the Expires date is not used." in parsed.effects


def test_max_age_in_the_requests_jar_agrees_with_the_parser(client):
    before = time.time()
    response = client.get("/session/counter/")
    headers = Exchange.from_response(response).set_cookies
    assert len(headers) == 1 and headers[0].startswith("sessionid=")
    parsed = explain_set_cookie(headers[0])
    jar_cookie = next(c for c in client.cookies if c.name == "sessionid")
    assert parsed.max_age == SESSION_AGE
    assert before + SESSION_AGE - 2 <= jar_cookie.expires <= time.time() + SESSION_AGE + 2
    assert abs(parsed.expires_at.timestamp() - jar_cookie.expires) <= 2
    assert parsed.value == jar_cookie.value
    assert parsed.path == jar_cookie.path == "/"
    assert parsed.httponly and jar_cookie.has_nonstandard_attr("HttpOnly")
    assert parsed.samesite == jar_cookie.get_nonstandard_attr("SameSite") == "Lax"
    assert parsed.domain is None and not jar_cookie.domain_specified and jar_cookie.domain == "127.0.0.1"


# -- explain_set_cookie: each attribute ----------------------------------------


def test_expires_in_the_future_and_unreadable():
    when = _http_date(3600)
    parsed = explain_set_cookie(f"a=1; Expires={when}")
    expected = dt.datetime.strptime(when, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.UTC)
    assert parsed.expires_at == expected
    assert not parsed.deletes and not parsed.is_session_cookie and parsed.max_age is None
    assert f"Keeps the cookie until {expected:%Y-%m-%d %H:%M:%S} UTC (Expires)." in parsed.effects
    garbled = explain_set_cookie("a=1; Expires=next tuesday")
    assert garbled.expires_at is None and garbled.is_session_cookie
    assert _meaning(garbled, "Expires") == "not a date a browser can read: ignored"


@pytest.mark.parametrize("raw", ["abc", "+5", "1.5", "-", "٣"])
def test_max_age_that_is_not_a_whole_number_is_ignored(raw):
    parsed = explain_set_cookie(f"a=1; Max-Age={raw}")
    assert parsed.max_age is None and parsed.is_session_cookie
    assert _meaning(parsed, "Max-Age") == "not a whole number of seconds: ignored"


def test_max_age_positive():
    parsed = explain_set_cookie("a=1; max-age=90")
    assert parsed.max_age == 90 and not parsed.deletes
    assert parsed.attributes == [("Max-Age", "90", "lives 90 s (2 minutes) from now")]
    assert "Keeps the cookie for 90 s (Max-Age)." in parsed.effects


@pytest.mark.parametrize(
    "header",
    [
        "a=1; Max-Age=0",
        "a=1; Max-Age=-1",
        "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        "a=1; Max-Age=0; Expires=" + _http_date(86400),
    ],
)
def test_max_age_zero_or_past_expires_deletes(header):
    parsed = explain_set_cookie(header)
    assert parsed.deletes and not parsed.is_session_cookie
    assert parsed.effects[0].startswith("Deletes the cookie now")


def test_django_delete_cookie_is_a_deletion():
    from django.http import HttpResponse

    response = HttpResponse()
    response.delete_cookie("visits")
    parsed = explain_set_cookie(response.cookies["visits"].output(header=""))
    assert (parsed.name, parsed.value, parsed.max_age) == ("visits", '""', 0)  # Django sends visits=""
    assert parsed.deletes
    assert parsed.effects[0] == "Deletes the cookie now (Max-Age ≤ 0)."


@pytest.mark.parametrize("order", ["max-age first", "expires first"])
def test_max_age_wins_over_expires_in_either_order(order):
    past = "Expires=Wed, 21 Oct 2015 07:28:00 GMT"
    header = f"a=1; Max-Age=5; {past}" if order == "max-age first" else f"a=1; {past}; Max-Age=5"
    parsed = explain_set_cookie(header)
    assert parsed.max_age == 5 and parsed.expires_at.year == 2015
    assert not parsed.deletes
    assert parsed.effects[:2] == [
        "Keeps the cookie for 5 s (Max-Age).",
        "Max-Age wins over Expires: the Expires date is not used.",
    ]


def test_host_only_versus_domain():
    host_only = explain_set_cookie("a=1", host="www.example.test")
    assert host_only.domain is None
    assert "Host-only: sent back to www.example.test only, not to its subdomains." in host_only.effects
    domain = explain_set_cookie("a=1; Domain=.Example.TEST", host="www.example.test")
    assert domain.domain == "example.test" and domain.warnings == []
    assert not any(e.startswith("Host-only") for e in domain.effects)
    assert _meaning(domain, "Domain") == "sent to example.test and every subdomain of it"
    empty = explain_set_cookie("a=1; Domain=", host="www.example.test")
    assert empty.domain is None and "stays host-only" in _meaning(empty, "Domain")


@pytest.mark.parametrize(
    ("host", "domain"),
    [("www.example.test", "other.test"), ("example.test", "www.example.test"), ("127.0.0.1", "0.0.1")],
)
def test_domain_that_cannot_match_is_rejected(host, domain):
    parsed = explain_set_cookie(f"a=1; Domain={domain}", host=host)
    assert parsed.warnings == [
        f"Domain={domain} cannot match the host {host} that set it: a browser rejects the cookie."
    ]


def test_domain_equal_to_the_ip_host_matches():
    assert explain_set_cookie("a=1; Domain=127.0.0.1", host="127.0.0.1").warnings == []


def test_path_attribute():
    parsed = explain_set_cookie("a=1; Path=/shop")
    assert parsed.path == "/shop" and any("/shop" in e for e in parsed.effects)
    assert _meaning(parsed, "Path") == "sent only for URLs whose path is /shop or starts with /shop/"
    relative = explain_set_cookie("a=1; Path=shop")
    assert relative.path is None
    assert _meaning(relative, "Path") == "does not start with '/': ignored (the default path applies)"


def test_secure_and_httponly():
    over_http = explain_set_cookie("a=1; Secure; HttpOnly")
    assert over_http.secure and over_http.httponly
    assert len(over_http.warnings) == 1 and over_http.warnings[0].startswith("Secure over plain http")
    assert explain_set_cookie("a=1; Secure", secure_origin=True).warnings == []
    assert [raw for _, raw, _ in over_http.attributes] == [None, None]


@pytest.mark.parametrize(
    ("raw", "canonical"), [("Strict", "Strict"), ("lax", "Lax"), ("NONE", "None"), ("weird", None)]
)
def test_samesite_values(raw, canonical):
    parsed = explain_set_cookie(f"a=1; SameSite={raw}; Secure", secure_origin=True)
    assert parsed.samesite == canonical
    assert parsed.warnings == []
    if canonical is None:
        assert _meaning(parsed, "SameSite") == (
            "'weird' is not Strict, Lax or None: ignored: the browser default applies (Lax in Chrome and Edge, None in Firefox and Safari)"
        )


def test_samesite_none_without_secure_is_rejected():
    parsed = explain_set_cookie("a=1; SameSite=None")
    assert parsed.warnings == ["SameSite=None without Secure: browsers reject the cookie."]


def test_partitioned_priority_and_unknown_attributes():
    parsed = explain_set_cookie(
        "a=1; Partitioned; Priority=High; Flavour=mint;  ; Secure", secure_origin=True
    )
    assert parsed.attributes == [
        ("Partitioned", None, "stored separately for each top-level site (CHIPS)"),
        ("Priority", "High", "Chrome's eviction priority (non-standard)"),
        ("Flavour", "mint", "not a cookie attribute: ignored"),
        ("Secure", None, "sent only over https (and to localhost in a browser)"),
    ]
    assert parsed.ignored is None and parsed.warnings == []


def test_size_limit():
    at_limit = explain_set_cookie("a=" + "x" * 4095)
    assert at_limit.warnings == []
    over = explain_set_cookie("a=" + "x" * 4096)
    assert over.warnings == [
        "Name and value are 4097 bytes, over the 4096-byte limit: browsers drop the cookie."
    ]


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        ("__Host-id=1; Secure; Path=/", True),
        ("__Host-id=1; Secure", False),
        ("__Host-id=1; Path=/", False),
        ("__Host-id=1; Secure; Path=/; Domain=127.0.0.1", False),
        ("__Secure-id=1; Secure", True),
        ("__Secure-id=1", False),
    ],
)
def test_cookie_name_prefixes(header, ok):
    parsed = explain_set_cookie(header, secure_origin=True)
    prefix_warnings = [w for w in parsed.warnings if w.startswith(("A __Host-", "A __Secure-"))]
    assert (prefix_warnings == []) is ok
    assert len(parsed.warnings) == len(prefix_warnings)


def test_quoted_value_is_kept_with_its_quotes():
    parsed = explain_set_cookie('a="x y"; Path=/')
    assert parsed.value == '"x y"'
    assert any("double quotes" in e for e in parsed.effects)
    # Django's (SimpleCookie's) reading of the same header drops the quotes.
    assert SimpleCookie('a="x y"; Path=/')["a"].value == "x y"


# -- explain_set_cookie: bad input ---------------------------------------------


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("", "the header is empty."),
        ("   ", "the header is empty."),
        ("Set-Cookie:", "the header is empty."),
        ("garbage", "'garbage' has no '='"),
        ("garbage; Path=/", "'garbage' has no '='"),
        ("=v", "the cookie has an empty name"),
        ("  =v; Secure", "the cookie has an empty name"),
        ("a=b\x01c", "it contains a control character"),
        ("a=b\x7f", "it contains a control character"),
        ("a=b\nSet-Cookie: evil=1", "it contains a control character"),
        (b"", "the header is empty."),
    ],
)
def test_headers_a_browser_ignores(header, reason):
    parsed = explain_set_cookie(header)
    assert parsed.ignored is not None and parsed.ignored.startswith(reason)
    text = parsed.text()
    assert "A browser ignores this header entirely: " + parsed.ignored in text
    assert parsed.html().startswith("<h4>Set-Cookie explained</h4>")
    assert parsed.attributes == [] and parsed.effects == []


def test_non_ascii_is_a_warning_not_a_failure():
    parsed = explain_set_cookie("café=crème")
    assert parsed.ignored is None and (parsed.name, parsed.value) == ("café", "crème")
    assert parsed.warnings == ["The value has non-ASCII characters: browsers may mangle or reject it."]


def test_bytes_input_utf8_then_latin1():
    assert explain_set_cookie("a=é".encode()).value == "é"
    latin = explain_set_cookie(b"a=\xff; Path=/")
    assert latin.value == "ÿ" and latin.path == "/"
    assert latin.warnings == ["The value has non-ASCII characters: browsers may mangle or reject it."]


def test_a_megabyte_header_is_handled_quickly():
    start = time.perf_counter()
    parsed = explain_set_cookie("big=" + "x" * 1_000_000 + "; Path=/")
    assert parsed.ignored is None and parsed.path == "/"
    assert parsed.warnings == [
        "Name and value are 1000003 bytes, over the 4096-byte limit: browsers drop the cookie."
    ]
    assert "big=" + "x" * 32 + "… (1000000 chars)" in parsed.text()  # the parts table shortens it
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize("bad", [42, None, ["a=1"], 4.5])
def test_explain_set_cookie_type_error(bad):
    with pytest.raises(TypeError, match=r"explain_set_cookie\(\) takes the header's text, not "):
        explain_set_cookie(bad)


def test_explanation_displays_are_stable_and_escaped():
    parsed = explain_set_cookie("a=<b>&; Path=/; Bogus=<i>")
    assert parsed.text() == parsed.text() and parsed.html() == parsed.html()
    assert repr(parsed) == parsed.text()
    html = parsed.html()
    assert "&lt;b&gt;&amp;" in html and "&lt;i&gt;" in html
    assert "<b>&" not in html and "<i>" not in html


# -- show_cookies -------------------------------------------------------------


def test_show_cookies_for_a_session_and_its_jar(client):
    client.get("/counter/")
    client.get("/session/counter/")
    now = time.time()
    table = show_cookies(client, now=now)
    assert isinstance(table, Table) and len(table) == 2
    assert table.title == "2 cookies in the jar"
    names = [row[0] for row in table.rows]
    assert names == ["sessionid", "visits"]
    session_row, visits_row = table.rows
    assert session_row[2] == visits_row[2] == "127.0.0.1 (host-only)"
    assert session_row[3] == visits_row[3] == "/"
    assert visits_row[4] == "session"
    assert session_row[4].endswith("(in 14 days)")
    assert session_row[5:] == ["no", "yes", "Lax"]
    assert session_row[1] == client.cookies["sessionid"]
    assert table.notes == []
    jar_view = show_cookies(client.cookies, now=now)
    assert jar_view.text() == table.text()
    assert jar_view.html() == table.html()


def test_show_cookies_from_localhost_notes_the_local_suffix(site, client):
    client.get(f"http://localhost:{site.port}/counter/")
    table = show_cookies(client)
    assert [row[2] for row in table.rows] == ["localhost.local (host-only)"]
    assert "requests files cookies from a host without a dot (localhost) under HOST.local." in table.notes


def test_show_cookies_for_a_browser_cookie_list():
    now = 1_800_000_000.0
    cookies = [
        {
            "name": "z",
            "value": "1",
            "domain": "example.test",
            "path": "/",
            "expires": -1,
            "httpOnly": False,
            "secure": False,
            "sameSite": "Lax",
        },
        {
            "name": "long",
            "value": "x" * 100,
            "domain": ".example.test",
            "path": "/",
            "expires": now + 3600,
            "httpOnly": True,
            "secure": True,
            "sameSite": "None",
        },
        {
            "name": "b",
            "value": "2",
            "domain": "a.test",
            "path": "/deep",
            "expires": now + 86400 * 3,
            "httpOnly": False,
            "secure": False,
            "sameSite": "Strict",
        },
        {"name": "a", "value": "3", "domain": "a.test", "path": "/", "expires": -1},
    ]
    table = show_cookies(cookies, now=now)
    assert [(row[0], row[2], row[3]) for row in table.rows] == [
        ("a", "a.test (host-only)", "/"),
        ("b", "a.test (host-only)", "/deep"),
        ("long", "example.test", "/"),
        ("z", "example.test (host-only)", "/"),
    ]
    by_name = {row[0]: row for row in table.rows}
    assert by_name["z"][4] == "session" and by_name["a"][4] == "session"
    assert by_name["long"][4] == "2027-01-15 09:00:00 (in 1 hour)"
    assert by_name["b"][4].endswith("(in 3 days)")
    assert by_name["long"][5:] == ["yes", "yes", "None"]
    assert by_name["a"][5:] == ["no", "no", "-"]
    # Long values are shortened visibly, with the full length.
    assert by_name["long"][1] == "x" * 32 + "… (100 chars)"
    assert "x" * 100 not in table.text() and "(100 chars)" in table.text()
    assert "(100 chars)" in table.html()
    # Order does not depend on the input's order.
    assert show_cookies(list(reversed(cookies)), now=now).text() == table.text()
    assert table.notes == []


def test_expired_cookie_left_in_the_requests_jar(client):
    client.get("/counter/")
    client.get("/session/counter/")
    with travel(dt.timedelta(days=15)):
        table = show_cookies(client)
        assert "sessionid" in client.cookies  # still in the jar ...
        assert "sessionid" not in client.get("/echo/").json()["cookies"]  # ... but not sent
    session_row = next(row for row in table.rows if row[0] == "sessionid")
    assert "(expired 1 day ago)" in session_row[4]
    assert table.notes == [
        "An expired cookie stays in a requests jar (it is no longer sent) until "
        "jar.clear_expired_cookies() runs; a browser drops it."
    ]
    with travel(dt.timedelta(days=15)):
        client.cookies.clear_expired_cookies()
    assert [row[0] for row in show_cookies(client).rows] == ["visits"]
    assert show_cookies(client).notes == []


def test_expired_cookie_made_by_hand_in_both_kinds_of_jar():
    expires = int(time.time()) + 30
    jar = RequestsCookieJar()
    jar.set("old", "1", domain="example.test", path="/", expires=expires)
    plain = CookieJar()
    plain.set_cookie(
        Cookie(
            0, "old", "1", None, False, "example.test", False, False, "/", True,
            False, expires, False, None, None, {"HttpOnly": None},
        )
    )  # fmt: skip
    for cookies, domain in ((jar, "example.test"), (plain, "example.test (host-only)")):
        assert show_cookies(cookies).notes == []
        with travel(60):
            table = show_cookies(cookies)
        assert len(table) == 1 and "expired" in table.rows[0][4]
        assert any("clear_expired_cookies()" in note for note in table.notes)
        assert table.rows[0][2] == domain  # jar.set(domain=...) makes a Domain cookie
    assert show_cookies(plain).rows[0][6] == "yes"  # HttpOnly read from the cookie's _rest


def test_show_cookies_empty_and_stable():
    empty = show_cookies([])
    assert empty.title == "0 cookies in the jar" and "(the jar is empty)" in empty.text()
    assert show_cookies(requests.Session()).text() == "0 cookies in the jar\n(the jar is empty)"
    cookies = [{"name": "x", "value": "<script>alert(1)</script>", "domain": "a.test", "path": "/"}]
    table = show_cookies(cookies, now=0)
    assert table.text() == table.text()
    assert "<script>" not in table.html() and "&lt;script&gt;" in table.html()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (42, "not int"),
        ("sessionid=abc", "not str"),
        (b"sessionid=abc", "not bytes"),
        ({"name": "a", "value": "1"}, "not dict"),
        ([1, 2], "dicts with 'name'"),
        ([{"value": "no name"}], "dicts with 'name'"),
    ],
)
def test_show_cookies_type_errors(bad, message):
    with pytest.raises(TypeError, match=r"show_cookies\(\) takes a requests.Session") as info:
        show_cookies(bad)
    assert message in str(info.value)


# -- show_exchange ------------------------------------------------------------


def test_show_exchange_real_response_with_the_cookie_sent(client):
    first = client.get("/counter/")
    first_text = show_exchange(first).text()
    assert first_text.startswith("GET /counter/ → 200\n")
    assert "(no Cookie header was sent)" in first_text
    second = client.get("/counter/")
    view = show_exchange(second)
    text = view.text()
    request_part = text.split("-- response (sent by the server) --")[0]
    response_part = text.split("-- response (sent by the server) --")[1]
    assert "GET /counter/ HTTP/1.1" in request_part
    assert f"Host: 127.0.0.1:{client.base_url.rsplit(':', 1)[1]}" in request_part
    assert "\nCookie: visits=1\n" in request_part
    assert "(no Cookie header was sent)" not in text
    assert "HTTP/1.1 200 OK" in response_part
    assert "Set-Cookie: visits=2; HttpOnly; Path=/; SameSite=Lax" in response_part
    parsed_rows = text.split("-- Set-Cookie, parsed --\n")[1].splitlines()
    assert parsed_rows[0].split() == [
        "name",
        "value",
        "lifetime",
        "Path",
        "Domain",
        "Secure",
        "HttpOnly",
        "SameSite",
    ]
    assert parsed_rows[2].split() == ["visits", "2", "session", "/", "(host-only)", "no", "yes", "Lax"]
    assert view.text() == text
    assert "<b>Set-Cookie, parsed</b>" in view.html()


def test_show_exchange_keeps_the_expires_comma_apart(client):
    response = client.get("/session/counter/")
    exchange = Exchange.from_response(response)
    assert len(exchange.set_cookies) == 1
    assert re.search(r"expires=\w{3}, \d\d \w{3} \d{4}", exchange.set_cookies[0])
    row = show_exchange(response).text().split("-- Set-Cookie, parsed --\n")[1].splitlines()[2].split()
    assert row[0] == "sessionid" and row[2] == f"Max-Age={SESSION_AGE}"


def test_show_exchange_parses_every_set_cookie():
    exchange = Exchange(
        method="GET",
        url="http://www.example.test/login",
        status=200,
        reason="OK",
        request_headers=[("Host", "www.example.test")],
        response_headers=[
            ("Set-Cookie", "a=1; Max-Age=60; Path=/"),
            ("Set-Cookie", "b=2; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Domain=example.test; Secure"),
            ("Set-Cookie", "garbage"),
            ("Set-Cookie", "c=3; SameSite=Strict; HttpOnly"),
        ],
    )
    text = show_exchange(exchange).text()
    rows = text.split("-- Set-Cookie, parsed --\n")[1].splitlines()[2:]
    assert len(rows) == 4
    assert rows[0].split() == ["a", "1", "Max-Age=60", "/", "(host-only)", "no", "no", "-"]
    assert rows[1].split() == ["b", "2", "Expires", "example.test", "yes", "no", "-"]
    assert rows[2].startswith("garbage") and "ignored: 'garbage' has no '='" in rows[2]
    assert rows[3].split() == ["c", "3", "session", "(host-only)", "no", "yes", "Strict"]


def test_show_exchange_redirect_hop_by_hop(client):
    response = client.get("/counter")
    assert [r.status_code for r in response.history] == [301]
    text = show_exchange(response).text()
    first = text.index("GET /counter → 301 (hop 1 of 2)")
    second = text.index("GET /counter/ → 200 (hop 2 of 2)")
    assert first == 0 and second > first
    hop1, hop2 = text[:second], text[second:]
    assert "HTTP/1.1 301 Moved Permanently" in hop1 and "Location: /counter/" in hop1
    assert "Set-Cookie" not in hop1
    assert "GET /counter/ HTTP/1.1" in hop2 and "Set-Cookie: visits=1;" in hop2
    assert show_exchange(response).html().count("<hr/>") == 1


def test_show_exchange_redirect_that_sets_cookies_and_the_trace_draws_it(client):
    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/?next=/accounts/whoami/",
        data={
            "username": "bob",
            "password": "builder-2024",
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
    )
    assert [r.status_code for r in response.history] == [302] and response.json()["username"] == "bob"
    text = show_exchange(response).text()
    second = text.index("GET /accounts/whoami/ → 200 (hop 2 of 2)")
    hop1, hop2 = text[:second], text[second:]
    assert text.startswith("POST /accounts/login/?next=/accounts/whoami/ → 302 (hop 1 of 2)")
    assert "Location: /accounts/whoami/" in hop1
    parsed = hop1.split("-- Set-Cookie, parsed --\n")[1].splitlines()[2:]
    names = [row.split()[0] for row in parsed if row.strip()]
    assert sorted(names) == ["csrftoken", "sessionid"], (
        "login rotates the CSRF token and cycles the session key"
    )
    assert f"sessionid={client.cookies['sessionid']}" in hop2, "the next hop sends the new session key"
    # The cookie set on the 302 is in the jar and in the history, not in the final response's cookies.
    assert "sessionid" in response.history[0].cookies and "sessionid" not in response.cookies
    diagram = trace(client).last(2).mermaid()
    assert "C->>S: POST /accounts/login/?next=/accounts/whoami/" in diagram
    assert "S-->>C: 302 Found<br/>Location: /accounts/whoami/<br/>Set-Cookie: " in diagram
    assert diagram.count("C->>S:") == 2


@pytest.mark.parametrize("bad", ["http://127.0.0.1/", None, 200])
def test_show_exchange_type_error(bad):
    with pytest.raises(TypeError, match=r"show_exchange\(\) takes a requests Response, not "):
        show_exchange(bad)


# -- raw_http -------------------------------------------------------------------


def test_raw_http_bytes_are_sent_as_they_are_and_the_reply_is_exact(site):
    request = b"GET /echo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: a=1; b=<2>\r\n\r\n"
    reply = raw_http(site, request)
    assert reply.sent == request and reply.notes == []
    assert reply.received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert reply.status == 200
    assert reply.header("content-type") == ["application/json"]
    assert len(reply.body) == int(reply.header("Content-Length")[0])
    assert reply.received == reply.head.encode("latin-1") + b"\r\n\r\n" + reply.body
    assert json.loads(reply.body)["cookies"] == {"a": "1", "b": "<2>"}
    text = reply.text()
    assert text.startswith(">>> sent\nGET /echo/ HTTP/1.1\nHost: 127.0.0.1\n")
    assert "\n<<< received\nHTTP/1.1 200 OK\n" in text
    assert reply.text() == text
    assert "&lt;2&gt;" in reply.html() and "<2>" not in reply.html()


def test_raw_http_bare_lf_bytes_are_not_rewritten(site):
    request = b"GET /counter/ HTTP/1.1\nHost: 127.0.0.1\n\n"
    reply = raw_http(site, request)
    assert reply.sent == request and reply.notes == []
    assert reply.status == 200


def test_raw_http_str_line_ends_and_blank_line(site):
    reply = raw_http(site, "GET /counter/ HTTP/1.1\nHost: 127.0.0.1\n\n")
    assert reply.sent == b"GET /counter/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    assert reply.notes == ["(line ends were sent as \\r\\n, as HTTP requires)"]
    assert reply.header("Set-Cookie") == [COUNTER_HEADER]
    missing = raw_http(site, "GET /counter/ HTTP/1.1\nHost: 127.0.0.1")
    assert missing.sent == b"GET /counter/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    assert missing.notes == [
        "(line ends were sent as \\r\\n, as HTTP requires)",
        "(a blank line was added after the headers: without it the server waits for more)",
    ]
    assert missing.status == 200 and missing.text().endswith(missing.notes[-1])
    exact = raw_http(site, "GET /counter/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert exact.notes == [] and exact.status == 200


def test_raw_http_malformed_requests_get_the_servers_400(site):
    hello = raw_http(site, "HELLO\n\n")
    # Python's http.server answers a request line it cannot read HTTP/0.9-style:
    # an HTML error page with no status line at all.
    assert hello.status is None
    assert b"Error code: 400" in hello.received and b"Bad request syntax ('HELLO')" in hello.received
    bad_host = raw_http(site, "GET /counter/ HTTP/1.1\nHost: evil.example\n\n")
    assert bad_host.status == 400
    assert bad_host.received.startswith(b"HTTP/1.1 400 Bad Request\r\n")


@pytest.mark.parametrize(
    "text", ["GET / HTTP/1.1\nX: €", "GET /€ HTTP/1.1\n\n", "GET / HTTP/1.1\r\nX: 😀\r\n\r\n"]
)
def test_raw_http_non_latin1_is_a_course_error(site, text):
    with pytest.raises(CourseError, match=r"ISO-8859-1") as info:
        raw_http(site, text)
    bad = next(ch for ch in text if ord(ch) > 255)
    assert f"({bad!r})" in str(info.value)


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_raw_http_empty_is_a_course_error(site, text):
    with pytest.raises(CourseError, match=r"raw_http\(\) needs a request to send"):
        raw_http(site, text)


def test_raw_http_type_error(site):
    with pytest.raises(TypeError, match=r"raw_http\(\) sends a str or bytes, not int"):
        raw_http(site, 42)


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


# -- trace ----------------------------------------------------------------------


def test_trace_records_every_hop(client):
    client.get("/counter/")
    client.get("/counter")
    recorded = list(client.trace)
    assert [(ex.method, ex.path, ex.status) for ex in recorded] == [
        ("GET", "/counter/", 200),
        ("GET", "/counter", 301),
        ("GET", "/counter/", 200),
    ]
    assert recorded[1].location == "/counter/"
    assert [ex.cookie_sent for ex in recorded] == [None, "visits=1", "visits=1"]
    assert recorded[2].set_cookies == ["visits=2; HttpOnly; Path=/; SameSite=Lax"]


def test_trace_mermaid_source(client):
    client.get("/counter/")
    client.get("/counter")
    shown = trace(client)
    source = shown.mermaid()
    lines = source.splitlines()
    assert lines[:3] == ["sequenceDiagram", "    participant C as client", "    participant S as demo site"]
    assert lines[3:] == [
        "    C->>S: GET /counter/",
        "    S-->>C: 200 OK<br/>Set-Cookie: visits=1#59; HttpOnly#59; Path=/#59; SameSite=Lax",
        "    C->>S: GET /counter<br/>Cookie: visits=1",
        "    S-->>C: 301 Moved Permanently<br/>Location: /counter/",
        "    C->>S: GET /counter/<br/>Cookie: visits=1",
        "    S-->>C: 200 OK<br/>Set-Cookie: visits=2#59; HttpOnly#59; Path=/#59; SameSite=Lax",
    ]
    bundle = shown._repr_mimebundle_()
    assert set(bundle) == {"text/vnd.mermaid", "text/plain"}
    assert bundle["text/vnd.mermaid"] == source and bundle["text/plain"] == shown.text()
    assert shown._repr_html_ is None
    assert shown.text().splitlines()[:2] == ["1. client -> site: GET /counter/", "   client <- site: 200 OK"]
    assert isinstance(shown.diagram(), Mermaid)


def test_trace_escapes_mermaid_syntax(client):
    client.get("/echo/", headers={"Cookie": "k=<v>#1; j=2"})
    exchange = client.trace[-1]
    assert exchange.cookie_sent == "k=<v>#1; j=2"
    source = trace(client, title="a;b #c <d>").mermaid()
    assert "    title a#59;b #35;c #lt;d#gt;" in source
    assert "    C->>S: GET /echo/<br/>Cookie: k=#lt;v#gt;#35;1#59; j=2" in source
    assert "#35#59;" not in source
    for line in source.splitlines()[1:]:
        message = line.split(": ", 1)[-1].replace("<br/>", "")
        assert not re.search(r"[;#<>]", re.sub(r"#(?:\d+|lt|gt);", "", message)), line


def test_trace_a_value_holding_br_cannot_break_the_diagram_line(client):
    client.get("/echo/", headers={"Cookie": "x=a<br/>b"})
    line = [ln for ln in trace(client).mermaid().splitlines() if ln.startswith("    C->>S")][-1]
    assert line == "    C->>S: GET /echo/<br/>Cookie: x=a#lt;br/#gt;b"
    assert line.count("<br/>") == 1, "only the helper's own separator"


def test_trace_clear_last_and_empty(client):
    for path in ("/echo/", "/counter/", "/echo/?x=1"):
        client.get(path)
    assert [ex.path for ex in client.trace.last(2)] == ["/counter/", "/echo/?x=1"]
    assert [ex.path for ex in trace(client, last=1)] == ["/echo/?x=1"]
    assert len(client.trace.last(0)) == 0 and len(client.trace.last(10)) == 3
    assert len(client.trace) == 3  # last() does not consume
    client.trace.clear()
    assert len(client.trace) == 0
    empty = trace(client)
    assert empty.mermaid().splitlines()[-1] == "    Note over C,S: no requests yet"
    assert empty.text() == "(no requests yet)"
    assert trace(client, title="Nothing").text() == "Nothing\n(no requests yet)"


def test_trace_limit(site):
    small = site.client(trace_limit=2)
    try:
        for path in ("/echo/?n=1", "/echo/?n=2", "/echo/?n=3"):
            small.get(path)
        assert [ex.path for ex in small.trace] == ["/echo/?n=2", "/echo/?n=3"]
        assert small.trace.limit == 2 and trace(small).limit == 2
    finally:
        small.close()
    kept = Trace(limit=1)
    kept.append(Exchange("GET", "http://h/a", 200, "OK"))
    kept.append(Exchange("GET", "http://h/b", 200, "OK"))
    assert [ex.path for ex in kept] == ["/b"]


def test_trace_of_a_plain_session_is_a_type_error():
    with pytest.raises(TypeError, match=r"trace\(\) needs a client made by site.client\(\)"):
        trace(requests.Session())


# -- travel ---------------------------------------------------------------------


def test_travel_moves_the_clock_and_restores_it():
    before = time.time()
    with travel(3600) as destination:
        inside = time.time()
        assert 3599 < inside - before < 3610
        assert abs(destination.timestamp() - inside) < 5
        with travel(dt.timedelta(minutes=10)):
            assert 4199 < time.time() - before < 4210
    assert abs(time.time() - before) < 5
    with travel(-60):
        assert -61 < time.time() - before < -50


@pytest.mark.parametrize("bad", ["1 hour", True, None, [60]])
def test_travel_type_error(bad):
    with pytest.raises(TypeError, match=r"travel\(\) takes a timedelta or a number of seconds"):
        with travel(bad):
            pass


def test_travel_expires_sessions_in_the_server_and_cookies_in_the_jar(_holder):
    # Settings are shared by every site in the process: the module's site steps aside.
    _holder.stop()
    short = start_demo_site(name="short", SESSION_COOKIE_AGE=60)
    try:
        c = short.client()
        assert c.get("/session/counter/").text.startswith("You have visited this page 1 time ")
        assert c.get("/session/counter/").text.startswith("You have visited this page 2 times ")
        key = c.cookies["sessionid"]
        header = Exchange.from_response(c.get("/echo/")).cookie_sent
        assert header == f"sessionid={key}"
        set_cookie = explain_set_cookie(next(h for h in c.trace[0].set_cookies if h.startswith("sessionid=")))
        assert set_cookie.max_age == 60

        def by_hand():  # the old cookie, sent whatever the jar thinks
            return requests.get(
                short.url + "/session/counter/", headers={"Cookie": f"sessionid={key}"}, timeout=10
            ).text

        assert by_hand().startswith("You have visited this page 3 times ")
        with travel(120):
            assert "sessionid" not in c.get("/echo/").json()["cookies"]  # the jar stops sending it
            assert by_hand().startswith("You have visited this page 1 time ")  # the server forgot it
            assert c.get("/session/counter/").text.startswith("You have visited this page 1 time ")
            assert c.cookies["sessionid"] != key
            rows = short.sessions()
            assert rows.get(key).data == {"visits": 3}
            assert rows.rows[rows.keys().index(key)][3].startswith("expired ")
    finally:
        short.stop()
    assert not short.running


# -- the session table ------------------------------------------------------------


def test_session_table_from_the_site(site):
    first, second = site.client(), site.client()
    try:
        for _ in range(2):
            first.get("/session/counter/")
        second.get("/session/counter/")
        key1, key2 = first.cookies["sessionid"], second.cookies["sessionid"]
        table = site.sessions()
        assert isinstance(table, SessionTable)
        assert key1 in table.keys() and key2 in table.keys()
        assert len(table) == len(table.keys()) == len(list(table))
        assert table.get(key1).data == {"visits": 2} and table.get(key2).data == {"visits": 1}
        assert table.get("no-such-key") is None
        assert all(isinstance(row, SessionRow) for row in table) and table[0].session_key == table.keys()[0]
        ordered = sorted(table, key=lambda r: (r.expire_date, r.session_key))
        assert [r.session_key for r in ordered] == table.keys()
        text = table.text()
        assert f"{key1[:8]}…" in text and key1 not in text and key2 not in text
        assert key1 not in table.html()
        row = table.rows[table.keys().index(key1)]
        assert row[1] == '{"visits": 2}' and row[3] == "in 14 days"
        again = site.sessions()
        assert again.keys() == table.keys() and again.text() == text
        assert table.title == f"django_session: {len(table)} row{'s' if len(table) != 1 else ''}"
    finally:
        first.close()
        second.close()


def test_session_table_expired_rows():
    now = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)
    rows = [
        SessionRow("a" * 32, {"n": 1}, now - dt.timedelta(hours=1), ""),
        SessionRow("b" * 32, {"html": "<b>"}, now + dt.timedelta(days=2), ""),
    ]
    table = SessionTable(rows, now=now)
    assert table.title == "django_session: 2 rows"
    assert [r[3] for r in table.rows] == ["expired 1 hour ago", "in 2 days"]
    assert table.rows[0][0] == "aaaaaaaa…" and table.rows[0][2] == "2030-01-01 11:00:00"
    assert "&lt;b&gt;" in table.html()
    one = SessionTable(rows[:1], now=now)
    assert one.title == "django_session: 1 row"
    assert "(the table is empty)" in SessionTable([], now=now).text()


def test_session_rows_expire_when_the_clock_moves(site, client):
    client.get("/session/counter/")
    key = client.cookies["sessionid"]
    with travel(dt.timedelta(days=15)):
        table = site.sessions()
    row = table.rows[table.keys().index(key)]
    assert row[3] == "expired 1 day ago"


# -- displays ---------------------------------------------------------------------


def test_shorten_and_describe_age():
    assert shorten("abc") == "abc"
    assert shorten("x" * 48) == "x" * 48
    assert shorten("x" * 49) == "x" * 32 + "… (49 chars)"
    assert shorten("y" * 200, 100) == "y" * 84 + "… (200 chars)"
    assert describe_age(0) == "in 0 seconds"
    assert describe_age(1) == "in 1 second"
    assert describe_age(-90) == "2 minutes ago"
    assert describe_age(3600) == "in 1 hour"
    assert describe_age(-86400 * 14) == "14 days ago"


def test_generic_displays_escape_and_are_stable():
    table = Table(["k", "v"], [("<a>", True), ("b", None)], title="T<1>", notes=["n<2>"])
    assert table.text() == "T<1>\nk    v\n---  ---\n<a>  yes\nb\nn<2>"
    assert table.text() == table.text()
    html = table.html()
    assert "<a>" not in html and "&lt;a&gt;" in html and "T&lt;1&gt;" in html and "n&lt;2&gt;" in html
    sections = Sections([("h<1>", table), ("", "plain <x>")], title="S")
    assert sections.text() == "S\n=\n-- h<1> --\n" + table.text() + "\nplain <x>"
    assert "&lt;x&gt;" in sections.html() and "<x>" not in sections.html()
    diagram = Mermaid("graph TD", "fallback")
    assert repr(diagram) == "fallback"
    assert diagram._repr_mimebundle_() == {"text/vnd.mermaid": "graph TD", "text/plain": "fallback"}
