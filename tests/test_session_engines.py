"""site.sessions() finds the sessions wherever SESSION_ENGINE keeps them, and decodes them."""

import datetime as dt

import pytest

from course_helpers import explain_signed_value, start_demo_site, stop_all_demo_sites
from course_helpers.sessions import SessionTable

ENGINES = ["db", "cached_db", "file", "cache", "signed_cookies"]


@pytest.fixture
def engine_site(request):
    stop_all_demo_sites()  # settings are per kernel: a site with another engine runs alone
    site = start_demo_site(name="engines", SESSION_ENGINE=f"django.contrib.sessions.backends.{request.param}")
    yield request.param, site
    site.stop()


@pytest.mark.parametrize("engine_site", ENGINES, indirect=True)
def test_sessions_are_found_and_decoded_for_every_engine(engine_site):
    engine, site = engine_site
    alice, bob = site.client(), site.client()
    for client in (alice, alice, alice, bob):
        assert client.get("/session/counter/").status_code == 200

    mine = site.sessions(alice)
    assert isinstance(mine, SessionTable) and len(mine) == 1
    assert mine[0].data["visits"] == 3
    assert mine[0].session_key == alice.cookies["sessionid"]
    now = dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=13) < mine[0].expire_date - now <= dt.timedelta(days=14)
    both = site.sessions(alice, bob)
    assert sorted(row.data["visits"] for row in both) == [1, 3]

    everything = site.sessions()
    if engine == "signed_cookies":
        assert len(everything) == 0, "the server keeps nothing"
        assert any("keeps nothing" in note for note in everything.notes)
    else:
        assert sorted(row.data["visits"] for row in everything) == [1, 3]
    assert "visits" in everything.text() or engine == "signed_cookies"


@pytest.mark.parametrize("engine_site", ["file", "cache", "cached_db"], indirect=True)
def test_a_new_site_starts_without_the_old_sites_sessions(engine_site):
    engine, site = engine_site
    client = site.client()
    client.get("/session/counter/")
    assert len(site.sessions()) == 1
    site.stop()
    fresh = start_demo_site(name="engines", SESSION_ENGINE=f"django.contrib.sessions.backends.{engine}")
    try:
        assert len(fresh.sessions()) == 0, f"{engine}: sessions of a stopped site leaked into a new one"
    finally:
        fresh.stop()


@pytest.mark.parametrize("engine_site", ["signed_cookies"], indirect=True)
def test_a_tampered_signed_cookie_session_is_not_listed(engine_site):
    _, site = engine_site
    client = site.client()
    client.get("/session/counter/")
    value = client.cookies["sessionid"]
    assert explain_signed_value(value, salt="django.contrib.sessions.backends.signed_cookies").is_valid
    assert explain_signed_value(value).verdict == "wrong salt"
    payload, timestamp, signature = value.rsplit(":", 2)
    client.cookies.set("sessionid", f"{payload}:{timestamp}:{signature[::-1]}", domain="127.0.0.1", path="/")
    assert len(site.sessions(client)) == 0
    assert "1 time" in client.get("/session/counter/").text, "a tampered session starts afresh"
