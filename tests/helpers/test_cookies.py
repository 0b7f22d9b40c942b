"""explain_set_cookie and show_cookies: the jar and one Set-Cookie header taken apart, on real exchanges and edge cases.

One demo site serves the module (``site`` and ``client`` fixtures from ``tests/helpers/conftest.py``).
"""

from __future__ import annotations

import datetime as dt
import time
from http.cookiejar import Cookie, CookieJar
from http.cookies import SimpleCookie

import pytest
import requests
from requests.cookies import RequestsCookieJar

from course_helpers import (
    explain_set_cookie,
    find_cookie,
    raw_http,
    show_cookies,
    travel,
)
from course_helpers.display import Table
from course_helpers.exchange import Exchange
from tests.helpers.tools import SESSION_AGE, django_set_cookie, http_date, meaning

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
    header = django_set_cookie(
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
    jar_cookie = find_cookie(client, "sessionid")
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
    when = http_date(3600)
    parsed = explain_set_cookie(f"a=1; Expires={when}")
    expected = dt.datetime.strptime(when, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=dt.UTC)
    assert parsed.expires_at == expected
    assert not parsed.deletes and not parsed.is_session_cookie and parsed.max_age is None
    assert f"Keeps the cookie until {expected:%Y-%m-%d %H:%M:%S} UTC (Expires)." in parsed.effects
    garbled = explain_set_cookie("a=1; Expires=next tuesday")
    assert garbled.expires_at is None and garbled.is_session_cookie
    assert meaning(garbled, "Expires") == "not a date a browser can read: ignored"


@pytest.mark.parametrize("raw", ["abc", "+5", "1.5", "-", "٣"])
def test_max_age_that_is_not_a_whole_number_is_ignored(raw):
    parsed = explain_set_cookie(f"a=1; Max-Age={raw}")
    assert parsed.max_age is None and parsed.is_session_cookie
    assert meaning(parsed, "Max-Age") == "not a whole number of seconds: ignored"


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
        "a=1; Max-Age=0; Expires=" + http_date(86400),
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
    assert meaning(domain, "Domain") == "sent to example.test and every subdomain of it"
    empty = explain_set_cookie("a=1; Domain=", host="www.example.test")
    assert empty.domain is None and "stays host-only" in meaning(empty, "Domain")


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
    assert meaning(parsed, "Path") == "sent only for URLs whose path is /shop or starts with /shop/"
    relative = explain_set_cookie("a=1; Path=shop")
    assert relative.path is None
    assert meaning(relative, "Path") == "does not start with '/': ignored (the default path applies)"


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
        assert meaning(parsed, "SameSite") == (
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


# -- find_cookie ----------------------------------------------------------------


def test_find_cookie_by_name_path_and_domain(client):
    client.get("/counter/")
    client.get("/shop/")
    found = find_cookie(client, "visits")
    assert (found.name, found.value, found.path, found.domain) == ("visits", "1", "/", "127.0.0.1")
    assert find_cookie(client.cookies, "visits") is found  # a jar works as well as a client
    assert find_cookie(client, "shop_visits", path="/shop/").path == "/shop/"
    assert find_cookie(client, "shop_visits", path="/") is None
    assert find_cookie(client, "visits", domain="localhost.local") is None
    assert find_cookie(client, "nothing") is None


def test_find_cookie_with_one_name_on_two_paths_gives_the_longest_path():
    jar = RequestsCookieJar()
    jar.set("c", "root", domain="127.0.0.1", path="/")
    jar.set("c", "deep", domain="127.0.0.1", path="/shop/")
    assert find_cookie(jar, "c").value == "deep"  # the one a client sends first
    assert find_cookie(jar, "c", path="/").value == "root"


@pytest.mark.parametrize("bad", [None, "visits=1", {"visits": "1"}])
def test_find_cookie_type_error(bad):
    with pytest.raises(TypeError, match="find_cookie\\(\\) reads a cookie jar"):
        find_cookie(bad, "visits")
