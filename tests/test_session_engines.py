"""site.sessions() finds the sessions wherever SESSION_ENGINE keeps them, and decodes them.

The engines are those of the table, ``course_helpers.session_engines.ENGINES``:
an engine added there is tested here without a change.
"""

import datetime as dt

import pytest

from course_helpers import DemoSiteError, explain_signed_value, start_demo_site, stop_all_demo_sites
from course_helpers.session_engines import ENGINES, engine_in_use, engine_named, engine_names, store_paths
from course_helpers.sessions import SessionTable


@pytest.fixture
def engine_site(request):
    stop_all_demo_sites()  # settings are per kernel: a site with another engine runs alone
    site = start_demo_site(name="engines", **engine_named(request.param).site_settings())
    yield request.param, site
    site.stop()


def test_the_table_names_each_engine_once_and_each_store_exists():
    import importlib

    names = engine_names()
    assert len(names) == len(set(names)), f"an engine name is listed twice: {names}"
    assert {"db", "cache", "cached_db", "file", "signed_cookies"} <= set(names)
    for path in store_paths():
        assert hasattr(importlib.import_module(path), "SessionStore"), path
    with pytest.raises(LookupError, match="the course knows db, cache"):
        engine_named("memcached")


def test_the_engine_message_lists_the_tables_engines():
    with pytest.raises(DemoSiteError) as info:
        start_demo_site("bad-engine", SESSION_ENGINE="django.contrib.sessions.backends.dbb")
    for path in store_paths():
        assert f"'{path}'" in str(info.value)


@pytest.mark.parametrize("engine_site", engine_names(), indirect=True)
def test_exactly_one_entry_of_the_table_is_in_use(engine_site):
    engine, _ = engine_site
    assert [e.name for e in ENGINES if e.in_use()] == [engine]
    assert engine_in_use() is engine_named(engine)


@pytest.mark.parametrize("engine_site", engine_names(), indirect=True)
def test_every_engine_store_is_empty_after_the_last_site_stops(engine_site):
    """Sessions made by requests on one site are gone when the next site starts, whatever the engine."""
    name, site = engine_site
    engine = engine_named(name)
    alice, bob = site.client(), site.client()
    for client in (alice, alice, bob):
        assert client.get("/session/counter/").status_code == 200
    old_cookies = [alice.cookies["sessionid"], bob.cookies["sessionid"]]
    assert len(site.sessions(alice, bob)) == 2, f"{name}: the two sessions were not made"
    if engine.keeps_sessions_on_server:
        assert len(site.sessions()) == 2
    site.stop()

    fresh = start_demo_site(name="engines", **engine.site_settings())
    try:
        assert len(fresh.sessions()) == 0, f"{name}: sessions of a stopped site leaked into a new one"
        if engine.keeps_sessions_on_server:
            # The old keys mean nothing to the new site: a returning client starts afresh.
            assert len(fresh.sessions(alice, bob)) == 0, f"{name}: an old session key is still known"
            returning = fresh.client()
            returning.cookies.set("sessionid", old_cookies[0], domain="127.0.0.1", path="/")
            assert "1 time" in returning.get("/session/counter/").text, f"{name}: the old session came back"
    finally:
        fresh.stop()


@pytest.mark.parametrize("engine_site", engine_names(), indirect=True)
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
