"""travel: the clock moved for the kernel and the server threads alike.

One demo site serves the module (``site`` and ``client`` fixtures from ``tests/helpers/conftest.py``).
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
import requests

from course_helpers import (
    explain_set_cookie,
    start_demo_site,
    travel,
)
from course_helpers.exchange import Exchange

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
