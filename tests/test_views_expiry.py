"""The expiry views (lesson 06) and the absolute-timeout middleware, driven over HTTP.

``/expiry/set/`` must report each form of ``set_expiry`` as Django does,
refuse bad input with a 400 (never a 500), and ``/expiry/status/`` must
only read. The middleware must do nothing while
``DEMO_SITE_ABSOLUTE_SESSION_AGE`` is ``None`` and, once set, end a session
that old however active it is, and any session whose start it cannot trust.
"""

from __future__ import annotations

import datetime as dt

import pytest

from course_helpers import explain_set_cookie, set_cookie_headers, start_demo_site, travel
from demo_site.expiry.middleware import STARTED_KEY, is_too_old

SET = "/expiry/set/"
STATUS = "/expiry/status/"
VISIT = "/expiry/visit/"


@pytest.fixture
def make_site():
    """Start the test site with the given settings overrides (one at a time: settings are per process)."""
    started = []

    def make(**overrides):
        site = start_demo_site(name="test-expiry", **overrides)
        started.append(site)
        return site

    yield make
    for site in started:
        site.stop()


def session_cookie(reply):
    headers = set_cookie_headers(reply, "sessionid")
    return explain_set_cookie(headers[-1]) if headers else None


# -- /expiry/set/ and /expiry/status/ ----------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "stored_type", "max_age", "browser_close"),
    [
        ("int", int, 300, False),
        ("datetime", str, 299, False),
        ("timedelta", str, 299, False),
        ("zero", int, None, True),
        ("none", type(None), 1209600, False),
    ],
)
def test_each_form_of_set_expiry(make_site, form, stored_type, max_age, browser_close):
    site = make_site()
    with site.client() as client:
        reply = client.post_form(SET, {"form": form, "seconds": "300"})
        info = reply.json()
        row = site.sessions(client)[0]
    assert reply.status_code == 200 and info["form"] == form
    assert isinstance(row.data.get("_session_expiry"), stored_type)
    assert info["_session_expiry"] == row.data.get("_session_expiry")
    assert info["get_expire_at_browser_close"] is browser_close
    cookie = session_cookie(reply)
    assert cookie.httponly and cookie.samesite == "Lax"
    if max_age is None:
        assert cookie.max_age is None and cookie.expires_at is None
        assert abs(row.expire_date - dt.datetime.now(dt.UTC) - dt.timedelta(days=14)) < dt.timedelta(
            seconds=5
        )
    else:
        assert max_age <= cookie.max_age <= max_age + 1
    if form in ("datetime", "timedelta"):
        assert dt.datetime.fromisoformat(info["_session_expiry"]) == row.expire_date


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"form": "INT"},
        {"form": "int", "seconds": '"300"'},
        {"form": "int", "seconds": "5m"},
        {"form": "int", "seconds": "0"},
        {"form": "int", "seconds": "-5"},
        {"form": "int", "seconds": "99999999999999999999"},
        {"form": "int", "seconds": "３００"},
        {"form": "int", "seconds": ""},
    ],
)
def test_bad_input_is_a_400_with_a_reason(make_site, query):
    site = make_site()
    with site.client() as client:
        reply = client.post_form(SET, query)
    assert reply.status_code == 400 and "error" in reply.json()
    assert not set_cookie_headers(reply, "sessionid")


def test_set_takes_only_a_post_with_its_csrf_token(make_site):
    site = make_site()
    with site.client() as client:
        assert client.get(SET, params={"form": "int", "seconds": "1"}).status_code == 405
        client.get("/accounts/login/")  # the jar gets its csrftoken cookie
        assert client.post(SET, data={"form": "int", "seconds": "1"}).status_code == 403
        assert "sessionid" not in client.cookies and len(site.sessions()) == 0


def test_status_and_visit_refuse_post(make_site):
    site = make_site()
    with site.client() as client:
        for path in (STATUS, VISIT):
            assert client.post(path).status_code in (403, 405)


def test_status_only_reads(make_site):
    site = make_site()
    with site.client() as client:
        client.post_form(SET, {"form": "int", "seconds": "1800"})
        before = site.sessions(client)[0].expire_date
        with travel(dt.timedelta(minutes=20)):
            reply = client.get(STATUS)
            after = site.sessions(client)[0].expire_date
    assert reply.json()["session"] is True and not set_cookie_headers(reply)
    assert after == before


def test_save_every_request_slides_an_int_but_not_a_fixed_moment(make_site):
    site = make_site(SESSION_SAVE_EVERY_REQUEST=True)
    with site.client() as sliding, site.client() as fixed:
        sliding.post_form(SET, {"form": "int", "seconds": "1800"})
        fixed.post_form(SET, {"form": "timedelta", "seconds": "1800"})
        with travel(dt.timedelta(minutes=20)):
            assert session_cookie(sliding.get(STATUS)).max_age == 1800
            assert session_cookie(fixed.get(STATUS)).max_age in (599, 600)
            with travel(dt.timedelta(minutes=20)):
                assert sliding.get(STATUS).json()["session"] is True
                assert fixed.get(STATUS).json()["session"] is False


def test_an_expired_key_sent_by_hand_is_no_session_and_gets_no_revival(make_site):
    site = make_site()
    with site.client() as client:
        client.post_form(SET, {"form": "int", "seconds": "60"})
        key = client.cookies["sessionid"]
    with travel(120), site.client() as thief:
        status = thief.get(STATUS, cookies={"sessionid": key})
        visit = thief.get(VISIT, cookies={"sessionid": key})
        assert status.json()["session"] is False and session_cookie(status).deletes
        assert visit.cookies["sessionid"] != key and visit.json()["visits"] == 1


def test_clearsessions_removes_only_expired_rows(make_site):
    from django.core.management import call_command

    site = make_site()
    for seconds in ("60", "3600"):
        with site.client() as client:
            client.post_form(SET, {"form": "int", "seconds": seconds})
    with travel(120):
        assert len(site.sessions()) == 2
        site.orm(call_command, "clearsessions")
        rows = site.sessions()
    assert [row.data["_session_expiry"] for row in rows] == [3600]


# -- the absolute timeout ------------------------------------------------------------------------


def test_the_middleware_does_nothing_by_default(make_site):
    site = make_site()
    with site.client() as client:
        client.get(VISIT)
        with travel(dt.timedelta(days=13)):
            assert client.get(VISIT).json()["visits"] == 2
        assert STARTED_KEY not in site.sessions(client)[0].data


def test_an_active_session_ends_at_the_absolute_limit(make_site):
    site = make_site(
        SESSION_SAVE_EVERY_REQUEST=True, SESSION_COOKIE_AGE=1800, DEMO_SITE_ABSOLUTE_SESSION_AGE=3600
    )
    with site.client() as alice:
        alice.log_in("alice")
        started = site.sessions(alice)[0].data[STARTED_KEY]
        assert abs(dt.datetime.fromisoformat(started) - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
        seen = {}
        for minutes in range(10, 71, 10):
            with travel(dt.timedelta(minutes=minutes)):
                seen[minutes] = alice.get("/accounts/whoami/").json()["authenticated"]
    assert seen == {10: True, 20: True, 30: True, 40: True, 50: True, 60: False, 70: False}
    assert len(site.sessions()) == 0


def test_login_restarts_the_clock(make_site):
    site = make_site(DEMO_SITE_ABSOLUTE_SESSION_AGE=3600)
    with site.client() as client:
        client.get(VISIT)
        anonymous_start = site.sessions(client)[0].data[STARTED_KEY]
        with travel(dt.timedelta(minutes=50)):
            client.log_in("alice")
            logged_in = site.sessions(client)[0].data
        assert logged_in[STARTED_KEY] > anonymous_start and "_auth_user_id" in logged_in


@pytest.mark.parametrize(
    "bad", [None, "", "garbage", "2026-11-25T10:00:00", 12345, "9999-01-01T00:00:00+00:00"]
)
def test_a_start_it_cannot_trust_ends_the_session(make_site, bad):
    site = make_site(DEMO_SITE_ABSOLUTE_SESSION_AGE=3600)
    with site.client() as client:
        client.get(VISIT)
        key = client.cookies["sessionid"]

        def tamper():
            from django.contrib.sessions.backends.db import SessionStore

            store = SessionStore(session_key=key)
            if bad is None:
                del store[STARTED_KEY]
            else:
                store[STARTED_KEY] = bad
            store.save()

        site.orm(tamper)
        reply = client.get(STATUS)
    assert reply.status_code == 200 and reply.json()["session"] is False


def test_is_too_old_fails_closed():
    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
    assert is_too_old((now - dt.timedelta(seconds=59)).isoformat(), now, 60) is False
    assert is_too_old((now - dt.timedelta(seconds=60)).isoformat(), now, 60) is True
    for bad in (None, "", "x", 1.5, "2026-11-25T11:59:30", (now + dt.timedelta(seconds=1)).isoformat()):
        assert is_too_old(bad, now, 60) is True, bad
