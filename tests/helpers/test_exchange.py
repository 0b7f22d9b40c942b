"""show_exchange: an exchange hop by hop, on real responses.

One demo site serves the module (``site`` and ``client`` fixtures from ``tests/helpers/conftest.py``).
"""

from __future__ import annotations

import re

import pytest

from course_helpers import (
    set_cookie_headers,
    show_exchange,
    trace,
)
from course_helpers.exchange import Exchange
from tests.helpers.tools import COUNTER_HEADER, SESSION_AGE

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
    response = client.log_in("bob", next="/accounts/whoami/", next_in="query")
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


# -- set_cookie_headers -----------------------------------------------------------


def test_set_cookie_headers_of_every_hop_exactly_as_sent(client):
    response = client.log_in("alice", next="/counter/")
    assert [r.status_code for r in [*response.history, response]] == [302, 200]
    names = [header.split("=", 1)[0] for header in set_cookie_headers(response)]
    assert names == ["csrftoken", "sessionid", "visits"]  # the 302's cookies first, then the page's
    assert set_cookie_headers(response, redirects=False) == [COUNTER_HEADER]
    (session,) = set_cookie_headers(response, "sessionid")
    assert "expires=" in session and ", " in session  # the Expires date's comma stays inside one header
    assert set_cookie_headers(response, "nothing") == []
    assert set_cookie_headers(Exchange.from_response(response)) == [COUNTER_HEADER]


@pytest.mark.parametrize("bad", [None, "Set-Cookie: a=1"])
def test_set_cookie_headers_type_error(bad):
    with pytest.raises(TypeError, match="set_cookie_headers\\(\\) takes a requests Response"):
        set_cookie_headers(bad)
