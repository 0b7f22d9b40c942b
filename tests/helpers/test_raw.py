"""raw_http: exactly the bytes sent, exactly the bytes received.

One demo site serves the module (``site`` and ``client`` fixtures from ``tests/helpers/conftest.py``).
"""

from __future__ import annotations

import json

import pytest

from course_helpers import (
    CourseError,
    raw_http,
)
from tests.helpers.tools import COUNTER_HEADER

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


def test_raw_reply_reads_the_request_line_and_headers_it_sent(site):
    reply = raw_http(site, "GET /counter/ HTTP/1.1\nHost: 127.0.0.1\nCookie: visits=41\nCookie: other=1\n")
    assert reply.request_line == "GET /counter/ HTTP/1.1"
    assert reply.request_headers == [("Host", "127.0.0.1"), ("Cookie", "visits=41"), ("Cookie", "other=1")]
    assert reply.request_header("cookie") == ["visits=41", "other=1"]
    assert reply.request_header("Authorization") == []
