"""Many clients at once against one embedded site: no errors, no crossed sessions, the rows add up.

16 clients each send 100 requests at the same time, mixing logins (Django's
LoginView, CSRF-protected), session writes, "who am I" reads and logouts.
Every reply must belong to the client that asked: its own user, its own
count. At the end each client holds exactly one session, so the table has
16 rows.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from course_helpers import start_demo_site

CLIENTS = 16
REQUESTS_PER_CLIENT = 100


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="concurrency")
    yield site
    site.stop()


def _login(client, username: str) -> int:
    reply = client.log_in(username, next="/accounts/whoami/")
    assert reply.status_code == 200 and reply.json() == {"authenticated": True, "username": username}, (
        reply.text
    )
    return 3  # GET login, POST login, redirected GET whoami


def _logout(client) -> int:
    reply = client.log_out()
    assert reply.status_code == 200 and "sessionid" not in client.cookies
    return 2  # POST logout, redirected GET login page


def _one_client(site, number: int, start: threading.Barrier) -> dict:
    username = ("alice", "bob")[number % 2]
    sent = 0
    sessions_seen = set()
    with site.client() as client:
        start.wait()
        while sent < REQUESTS_PER_CLIENT - 12:
            sent += _login(client, username)
            sessions_seen.add(client.cookies["sessionid"])
            for expected in range(1, 6):
                reply = client.get("/session/counter/")
                sent += 1
                assert reply.status_code == 200
                assert f"visited this page {expected} time" in reply.text, (number, reply.text)
            me = client.get("/accounts/whoami/").json()
            sent += 1
            assert me == {"authenticated": True, "username": username}, (number, me)
            sent += _logout(client)
        while sent < REQUESTS_PER_CLIENT:
            reply = client.get("/session/counter/")
            sent += 1
            assert reply.status_code == 200
        return {"sent": sent, "key": client.cookies["sessionid"], "logins": len(sessions_seen)}


def test_sixteen_clients_a_hundred_requests_each(site):
    start = threading.Barrier(CLIENTS)
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(lambda n: _one_client(site, n, start), range(CLIENTS)))

    assert sum(r["sent"] for r in results) == CLIENTS * REQUESTS_PER_CLIENT
    keys = {r["key"] for r in results}
    assert len(keys) == CLIENTS, "two clients ended up sharing a session"
    assert all(r["logins"] >= 2 for r in results), (
        "each client logged in more than once, with a new key each time"
    )
    rows = site.sessions()
    assert sorted(rows.keys()) == sorted(keys), "every logout flushed its row; only the final sessions remain"
    assert all(row.data.get("visits", 0) >= 1 for row in rows)
    errors = [line for line in site.log(500).rows if line[1] in ("ERROR", "CRITICAL")]
    assert not errors, errors
