"""site.sessions(): the session table, decoded.

One demo site serves the module (``site`` and ``client`` fixtures from ``tests/helpers/conftest.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from course_helpers import (
    travel,
)
from course_helpers.sessions import SessionRow, SessionTable

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


def test_sessions_of_something_that_is_not_a_client_is_a_clear_type_error(site):
    with pytest.raises(TypeError, match=r"site.sessions\(\) takes clients \(site.client\(\)\), not str"):
        site.sessions("sessionid=abc")
