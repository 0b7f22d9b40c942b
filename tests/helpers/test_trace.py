"""trace: a client's recorded traffic as a diagram.

One demo site serves the module (``site`` and ``client`` fixtures from ``tests/helpers/conftest.py``).
"""

from __future__ import annotations

import re

import pytest
import requests

from course_helpers import (
    trace,
)
from course_helpers.display import Mermaid
from course_helpers.exchange import Exchange
from course_helpers.trace import Trace

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
