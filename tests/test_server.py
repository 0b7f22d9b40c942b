"""The demo site embedded in the kernel: life cycle, isolation, settings, clean shutdown.

Every test stops what it starts (the ``_stop_sites`` fixture), because the
pytest process is shared with other test files exactly as a kernel is shared
by the cells of a notebook.
"""

from __future__ import annotations

import asyncio
import gc
import http.client
import os
import re
import socket
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest
import requests

from course_helpers import (
    DemoSiteError,
    running_demo_sites,
    start_demo_site,
    stop_all_demo_sites,
)

DEFAULT_COOKIE_AGE = 1209600  # demo_site.settings.SESSION_COOKIE_AGE


@pytest.fixture(scope="module", autouse=True)
def _django_ready():
    """Configure Django (and migrate the template) once, so any test may import models first."""
    with start_demo_site("setup"):
        pass


@pytest.fixture(autouse=True)
def _stop_sites(_django_ready):
    yield
    stop_all_demo_sites()


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _refuses(url: str) -> bool:
    """Whether a brand-new connection to ``url`` is refused (nothing listens there)."""
    try:
        requests.get(url, timeout=2)
    except requests.ConnectionError:
        return True
    return False


def _data_dir() -> Path:
    from django.conf import settings

    return Path(settings.DEMO_SITE_DATA_DIR)


def _sqlite_files() -> set[str]:
    return {p.name for p in _data_dir().iterdir() if ".sqlite3" in p.name}


def _site_threads(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(f"demo-site-{name}-") and t.is_alive()]


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _inet_connections() -> list:
    proc = psutil.Process()
    getter = getattr(proc, "net_connections", None) or proc.connections
    return getter(kind="inet")


# -- start, stop, restart ------------------------------------------------------


def test_start_returns_a_running_site_on_loopback_and_a_free_port():
    site = start_demo_site("basic")
    assert site.running
    assert site.port > 0
    assert site.url == f"http://127.0.0.1:{site.port}"
    assert site in running_demo_sites()
    # The port is really ours: something is listening on 127.0.0.1 there.
    listening = {
        c.laddr.port
        for c in _inet_connections()
        if c.status == psutil.CONN_LISTEN and c.laddr.ip == "127.0.0.1"
    }
    assert site.port in listening

    response = site.client().get("/counter/")
    assert response.status_code == 200
    assert response.text == "You have visited this page 1 time.\n"
    assert response.cookies["visits"] == "1"


def test_stop_refuses_further_requests_and_is_idempotent():
    site = start_demo_site("stopper")
    url = site.url
    client = site.client()
    assert client.get("/counter/").status_code == 200

    site.stop()
    assert not site.running
    assert site not in running_demo_sites()
    assert _refuses(url + "/counter/")
    with pytest.raises(requests.ConnectionError):
        client.get("/counter/")

    site.stop()  # a second stop does nothing and raises nothing
    assert not site.running
    assert repr(site) == "<DemoSite 'stopper' (stopped)>"


def test_using_a_stopped_site_explains_what_to_do():
    site = start_demo_site("gone")
    site.stop()
    for use in (site.client, lambda: site.url, lambda: site.orm(len, [])):
        with pytest.raises(DemoSiteError) as info:
            use()
        message = str(info.value)
        assert "'gone'" in message
        assert "stopped" in message
        assert "Run the cell that starts it again" in message


def test_a_stopped_site_can_be_started_again_under_the_same_name():
    first = start_demo_site("again")
    first.stop()
    second = start_demo_site("again")
    assert second is not first
    assert second.running and not first.running
    assert second.client().get("/counter/").status_code == 200


# -- re-running a cell -----------------------------------------------------------


def test_starting_the_same_name_again_stops_the_old_site():
    old = start_demo_site("rerun")
    old_url, old_alias = old.url, old.db_alias
    old_client = old.client()
    assert old_client.get("/counter/").status_code == 200

    new = start_demo_site("rerun")

    assert not old.running
    assert new.running
    assert new.db_alias != old_alias
    assert [s for s in running_demo_sites() if s.name == "rerun"] == [new]
    if new.url != old_url:  # the system may, rarely, hand the same free port out again
        assert _refuses(old_url + "/counter/")
    with pytest.raises(DemoSiteError):
        old.client()
    assert new.client().get("/counter/").status_code == 200


def test_fifty_start_stop_cycles_leak_no_threads_sockets_or_files():
    # One warm-up cycle: Django's setup and the database template happen once per process.
    with start_demo_site("warmup") as site:
        site.client().get("/session/counter/")
    gc.collect()
    threads_before = sorted(t.name for t in threading.enumerate())
    fds_before = _open_fds()
    conns_before = len(_inet_connections())
    files_before = _sqlite_files()

    ports = set()
    for i in range(50):
        site = start_demo_site("cycle")  # same name: every start replaces the last site
        ports.add(site.port)
        client = site.client()
        assert client.get("/session/counter/").status_code == 200  # a DB write and a keep-alive socket
        if i % 2:
            site.stop()  # the other half are stopped by the next start
    stop_all_demo_sites()
    gc.collect()

    assert len(ports) > 1
    assert sorted(t.name for t in threading.enumerate()) == threads_before
    assert _open_fds() <= fds_before
    assert len(_inet_connections()) <= conns_before
    assert _sqlite_files() == files_before
    assert "default.sqlite3" in files_before  # the template stays; the sites' copies are gone


# -- two sites at once ----------------------------------------------------------


def test_two_sites_have_their_own_port_and_database():
    a = start_demo_site("site-a")
    b = start_demo_site("site-b")
    assert a.running and b.running
    assert a.port != b.port
    assert a.db_alias != b.db_alias
    assert running_demo_sites()[-2:] == [a, b]

    client_a = a.client()
    assert client_a.get("/session/counter/").status_code == 200
    key_a = client_a.cookies["sessionid"]

    assert a.sessions().keys() == [key_a]
    assert a.sessions()[0].data == {"visits": 1}
    assert b.sessions().keys() == []

    client_b = b.client()
    client_b.get("/session/counter/")
    key_b = client_b.cookies["sessionid"]
    assert key_b != key_a
    assert b.sessions().keys() == [key_b]
    assert a.sessions().keys() == [key_a]

    # A's session key means nothing to B: B starts a new session.
    client_b.cookies.set("sessionid", key_a, domain="127.0.0.1")
    assert "1 time in this session" in client_b.get("/session/counter/").text

    # Stopping one leaves the other serving.
    a.stop()
    assert b.client().get("/counter/").status_code == 200


# -- settings overrides -----------------------------------------------------------


def test_session_cookie_age_override_shows_in_the_cookie_and_is_released_on_stop():
    from django.conf import settings

    site = start_demo_site("short", SESSION_COOKIE_AGE=60)
    assert settings.SESSION_COOKIE_AGE == 60
    assert "SESSION_COOKIE_AGE=60" in repr(site)
    response = site.client().get("/session/counter/")
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("sessionid=")
    assert "Max-Age=60;" in set_cookie

    site.stop()
    assert settings.SESSION_COOKIE_AGE == DEFAULT_COOKIE_AGE
    with start_demo_site("default-age") as plain:
        set_cookie = plain.client().get("/session/counter/").headers["Set-Cookie"]
        assert f"Max-Age={DEFAULT_COOKIE_AGE};" in set_cookie


def test_rerunning_a_cell_with_overrides_replaces_the_site():
    # Regression: while overrides were active, Django's settings reported
    # SETTINGS_MODULE = None and every start (even a re-run) was refused.
    from django.conf import settings

    old = start_demo_site("rerun-short", SESSION_COOKIE_AGE=60)
    new = start_demo_site("rerun-short", SESSION_COOKIE_AGE=60)
    assert not old.running and new.running
    assert settings.SESSION_COOKIE_AGE == 60
    # Re-running it with other overrides is fine too: it is the only site.
    newer = start_demo_site("rerun-short", SESSION_COOKIE_AGE=90)
    assert not new.running
    assert "Max-Age=90;" in newer.client().get("/session/counter/").headers["Set-Cookie"]
    newer.stop()
    assert settings.SESSION_COOKIE_AGE == DEFAULT_COOKIE_AGE


def test_signed_cookie_sessions_leave_the_session_table_empty():
    from django.conf import settings

    engine = "django.contrib.sessions.backends.signed_cookies"
    site = start_demo_site("signed", SESSION_ENGINE=engine)
    client = site.client()
    client.get("/session/counter/")
    second = client.get("/session/counter/")
    assert "2 times in this session" in second.text
    # The whole session travels in the cookie (signed, base64), not as a key to a row.
    assert ":" in client.cookies["sessionid"]
    assert site.sessions().keys() == []

    site.stop()
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"SESSION_COOKIE_AGES": 60},
            r"SESSION_COOKIE_AGES is not a Django setting\. Did you mean SESSION_COOKIE_AGE\?",
        ),
        (
            {"SESSION_COOKIE_AGE": "abc"},
            r"SESSION_COOKIE_AGE should be of type int, like 1209600, not str 'abc'",
        ),
        ({"SESSION_ENGINE": "no.such.engine"}, r"SESSION_ENGINE='no.such.engine' is not a session engine"),
        ({"DATABASES": {}}, r"The setting DATABASES cannot be overridden: each site gets its own database"),
        ({"session_cookie_age": 60}, r"start_demo_site\(\) has no option 'session_cookie_age'"),
    ],
    ids=["misspelled", "wrong-type", "unimportable-engine", "server-owned", "lowercase"],
)
def test_bad_overrides_are_refused_with_a_message_naming_the_setting(overrides, expected):
    from django.conf import settings

    files_before = _sqlite_files()
    with pytest.raises(DemoSiteError, match=expected):
        start_demo_site("bad", **overrides)
    assert "bad" not in {s.name for s in running_demo_sites()}
    assert settings.SESSION_COOKIE_AGE == DEFAULT_COOKIE_AGE
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert _sqlite_files() == files_before


def test_the_engine_message_lists_the_engines_django_ships():
    with pytest.raises(DemoSiteError) as info:
        start_demo_site("bad", SESSION_ENGINE="django.contrib.sessions.backends.dbb")
    assert "'django.contrib.sessions.backends.signed_cookies'" in str(info.value)


def test_running_sites_must_agree_on_overrides():
    from django.conf import settings

    first = start_demo_site("agree-1", SESSION_COOKIE_AGE=60)
    with pytest.raises(DemoSiteError, match=r"'agree-1'.*SESSION_COOKIE_AGE") as info:
        start_demo_site("agree-2", SESSION_COOKIE_AGE=120)
    assert "stop_all_demo_sites()" in str(info.value)
    with pytest.raises(DemoSiteError, match="'agree-1'"):
        start_demo_site("agree-3")  # no overrides conflicts too
    # The running site and its settings are untouched by the refusals.
    assert first.running
    assert settings.SESSION_COOKIE_AGE == 60
    assert [s.name for s in running_demo_sites()] == ["agree-1"]

    # The same overrides are fine.
    second = start_demo_site("agree-4", SESSION_COOKIE_AGE=60)
    assert second.running
    first.stop()
    assert settings.SESSION_COOKIE_AGE == 60  # still in force: agree-4 runs with it
    second.stop()
    assert settings.SESSION_COOKIE_AGE == DEFAULT_COOKIE_AGE


# -- keep-alive connections on stop ------------------------------------------------


def test_stop_closes_keep_alive_connections():
    site = start_demo_site("keepalive")
    host, port = "127.0.0.1", site.port

    # A requests.Session the site does not know about (not made by site.client()).
    stranger = requests.Session()
    stranger.trust_env = False
    assert stranger.get(site.url + "/counter/", timeout=5).status_code == 200
    # A learner's client.
    client = site.client()
    assert client.get("/counter/").status_code == 200
    # A raw keep-alive connection that made two requests on one socket.
    raw = http.client.HTTPConnection(host, port, timeout=5)
    raw.request("GET", "/counter/")
    first = raw.getresponse()
    first.read()
    assert first.status == 200
    assert first.getheader("Connection") != "close"
    sock = raw.sock
    raw.request("GET", "/echo/")
    raw.getresponse().read()
    assert raw.sock is sock  # the same connection was kept alive
    assert _site_threads("keepalive")  # request threads wait on those sockets

    site.stop()

    # The raw socket was closed by the server: it reads end-of-file, not an answer.
    sock.settimeout(2)
    try:
        assert sock.recv(1) == b""
    except ConnectionResetError:
        pass
    with pytest.raises((OSError, http.client.HTTPException)):
        raw.request("GET", "/counter/")
        raw.getresponse()
    raw.close()
    with pytest.raises(requests.ConnectionError):
        stranger.get(f"http://{host}:{port}/counter/", timeout=2)
    stranger.close()
    with pytest.raises(requests.ConnectionError):
        client.get("/counter/")
    assert _site_threads("keepalive") == []


def test_stop_is_prompt_with_an_idle_keep_alive_connection():
    site = start_demo_site("prompt")
    raw = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    raw.request("GET", "/counter/")
    raw.getresponse().read()
    started = time.perf_counter()
    site.stop()
    assert time.perf_counter() - started < 1.0  # not the 5 s join timeout, not the client's 30 s
    raw.close()


# -- the ORM from a notebook cell --------------------------------------------------


def test_orm_works_from_inside_a_running_event_loop(monkeypatch):
    from django.contrib.sessions.models import Session
    from django.core.exceptions import SynchronousOnlyOperation

    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    site = start_demo_site("orm")
    client = site.client()
    client.get("/session/counter/")
    key = client.cookies["sessionid"]

    async def cell():
        # What a kernel's cell thread looks like: a running event loop.
        assert asyncio.get_running_loop().is_running()
        with pytest.raises(SynchronousOnlyOperation):
            Session.objects.count()
        count = site.orm(Session.objects.count)
        keys = site.orm(lambda: list(Session.objects.values_list("session_key", flat=True)))
        rows = site.sessions()
        return count, keys, rows

    count, keys, rows = asyncio.run(cell())
    assert count == 1
    assert keys == [key]
    assert rows.keys() == [key]
    assert rows[0].data == {"visits": 1}


def test_orm_passes_arguments_and_raises_the_functions_exception():
    from django.contrib.sessions.models import Session

    site = start_demo_site("orm-errors")

    def boom(word, *, times):
        raise ValueError(word * times)

    with pytest.raises(ValueError, match="^abab$"):
        site.orm(boom, "ab", times=2)
    with pytest.raises(Session.DoesNotExist):
        site.orm(Session.objects.get, session_key="nope")

    async def cell():
        with pytest.raises(KeyError):
            site.orm(dict().__getitem__, "missing")
        return site.orm(lambda a, b=0: a + b, 2, b=3)

    assert asyncio.run(cell()) == 5
    assert not [t for t in threading.enumerate() if t.name == "demo-site-orm"]


# -- context manager, ports ----------------------------------------------------------


def test_context_manager_stops_the_site_on_exit():
    with start_demo_site("ctx") as site:
        url = site.url
        assert site.running
        assert site.client().get("/counter/").status_code == 200
    assert not site.running
    assert "ctx" not in {s.name for s in running_demo_sites()}
    assert _refuses(url + "/counter/")


def test_context_manager_stops_the_site_when_the_block_raises():
    with pytest.raises(RuntimeError, match="in the block"):
        with start_demo_site("ctx-error") as site:
            raise RuntimeError("in the block")
    assert not site.running
    assert _site_threads("ctx-error") == []


def test_a_port_in_use_is_refused_with_a_message_naming_it():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        files_before = _sqlite_files()
        with pytest.raises(DemoSiteError, match=rf"127\.0\.0\.1:{port}\b.*port") as info:
            start_demo_site("busy", port=port)
        assert "leave port out" in str(info.value)
    assert "busy" not in {s.name for s in running_demo_sites()}
    assert _sqlite_files() == files_before


def test_a_chosen_free_port_is_used():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with start_demo_site("fixed", port=port) as site:
        assert site.port == port
        assert site.url == f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("port", [-1, 70000, "8000"])
def test_an_impossible_port_is_refused(port):
    with pytest.raises(DemoSiteError, match=re.escape(f"not {port!r}")):
        start_demo_site("bad-port", port=port)


# -- nothing printed ----------------------------------------------------------------------


def test_the_server_prints_nothing_and_logs_to_site_log(capfd):
    missing = f"/no-such-page-{uuid.uuid4().hex[:8]}/"
    site = start_demo_site("quiet")
    capfd.readouterr()  # forget whatever came before

    client = site.client()
    assert client.get(missing).status_code == 404
    assert client.get("/counter/").status_code == 200
    assert client.get("/session/counter/").status_code == 200
    log = site.log(50)
    site.stop()  # every server thread has finished: anything it printed is in capfd now

    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""
    messages = [row[3] for row in log.rows]
    assert f"Not Found: {missing}" in messages
    assert any(f'"GET {missing} HTTP/1.1" 404' in m for m in messages)
    assert any('"GET /counter/ HTTP/1.1" 200' in m for m in messages)
    assert missing in log.text()


def test_a_header_http_cannot_carry_gives_a_clean_500_not_a_truncated_reply():
    from django.http import HttpResponse

    from demo_site.exercise_slots import plugged

    def bad_header(request):
        response = HttpResponse("never sent")
        response.set_cookie("emoji", "😀")  # Django accepts it; HTTP headers are Latin-1
        return response

    with start_demo_site("bad-header") as site, plugged({"": bad_header}) as slot, site.client() as client:
        started = time.monotonic()
        reply = client.get(slot.prefix, timeout=5)
        assert time.monotonic() - started < 2, "the client waited for bytes that never came"
        assert reply.status_code == 500 and "cannot carry" in reply.text
        assert "emoji" not in client.cookies
        assert client.get("/counter/").status_code == 200, "the same connection goes on serving"
        assert any("Set-Cookie header is not ISO-8859-1" in str(row) for row in site.log(20).rows)


def test_another_settings_module_in_the_kernel_is_explained(monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "somebody_else.settings")
    with pytest.raises(DemoSiteError, match=r"DJANGO_SETTINGS_MODULE is set to 'somebody_else.settings'"):
        start_demo_site("other-settings")


def test_a_database_that_cannot_be_created_is_explained(tmp_path, monkeypatch):
    from django.conf import settings

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(settings, "DEMO_SITE_DATA_DIR", str(blocker / "data"))
    with pytest.raises(DemoSiteError, match=r"Could not create the database of site 'no-db'"):
        start_demo_site("no-db")
    monkeypatch.undo()
    assert "no-db" not in [site.name for site in running_demo_sites()]
    with start_demo_site("after-no-db") as site:
        assert site.client().get("/counter/").status_code == 200
