"""Garbage in, no 5xx out: hostile Cookie and Authorization headers against every URL of the demo site.

Shared by the bounded run in ``make test`` (tests/test_fuzz.py) and the long
run in ``make bench``. Requests are sent as raw bytes over a socket, so the
headers can be anything a client could really send: malformed, oversized,
non-ASCII, repeated.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass

from hypothesis import strategies as st

#: The classic code of lesson 04 is run *as written*: its view returns None for
#: anonymous visitors, so Django answers 500. That bug is the lesson; it is the
#: only 5xx the site may give, and never with a traceback.
MAY_FAIL_ON_PURPOSE = ("/classic/",)

TRACEBACK_SIGNS = (b"Traceback (most recent call last)", b'File "/', b"django.core.exceptions")


def site_paths() -> list[str]:
    """One concrete path for every URL pattern of the demo site (placeholders filled with samples)."""
    from demo_site.home.views import site_map

    paths = []
    for entry in site_map():
        route = str(entry["route"])
        if "(?P<" in route or route.startswith("/^"):
            route = "/" + route.lstrip("/^").rstrip("$")
            route = re.sub(r"\(\?P<\w+>[^)]*\)", "x", route)
        route = re.sub(r"<int:\w+>", "1", route)
        route = re.sub(r"<(?:\w+:)?\w+>", "x", route)
        paths.append(route)
    return sorted(set(paths))


_cookie_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200).map(
    lambda s: s.encode("utf-8")
)
_cookie_pairs = st.lists(
    st.tuples(
        st.sampled_from([b"sessionid", b"csrftoken", b"visits", b"login", b"", b"a b", b"\xff"]), _cookie_text
    ),
    max_size=6,
).map(lambda pairs: b"; ".join(k + b"=" + v for k, v in pairs))
_raw_bytes = st.binary(max_size=300).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
_oversized = st.sampled_from([b"a=" + b"x" * 5000, b"sessionid=" + b"z" * 70_000, b"; " * 3000])

cookie_headers = st.lists(st.one_of(_cookie_pairs, _raw_bytes, _oversized), min_size=0, max_size=3)
authorization_headers = st.one_of(
    st.none(),
    _raw_bytes,
    st.tuples(st.sampled_from([b"Bearer ", b"Basic ", b"Token ", b""]), _raw_bytes).map(
        lambda t: t[0] + t[1]
    ),
    st.just(b"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9."),
)
methods = st.sampled_from([b"GET", b"POST", b"HEAD"])


@dataclass(frozen=True)
class Reply:
    status: int | None
    body: bytes


def send(port: int, method: bytes, path: str, cookies: list[bytes], authorization: bytes | None) -> Reply:
    """Send one request as raw bytes and read the whole reply."""
    lines = [method + b" " + path.encode() + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [b"Cookie: " + c for c in cookies]
    if authorization is not None:
        lines.append(b"Authorization: " + authorization)
    if method == b"POST":
        lines += [b"Content-Type: application/x-www-form-urlencoded", b"Content-Length: 3"]
    request = b"\r\n".join(lines) + b"\r\n\r\n" + (b"a=1" if method == b"POST" else b"")
    received = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split(b" ")
    status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else None
    return Reply(status, body)


def problems(path: str, reply: Reply) -> list[str]:
    """What is wrong with this reply (an empty list when nothing is)."""
    found = []
    if reply.status is None and not reply.body:
        found.append(f"{path}: the server closed the connection without an answer")
    if reply.status is not None and reply.status >= 500 and not path.startswith(MAY_FAIL_ON_PURPOSE):
        found.append(f"{path}: answered {reply.status}")
    if any(sign in reply.body for sign in TRACEBACK_SIGNS):
        found.append(f"{path}: the body shows a traceback")
    return found
