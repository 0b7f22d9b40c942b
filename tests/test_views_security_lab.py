"""The cookie security lab's views (lesson 12), over HTTP with plain requests.

The safe views follow the course's defaults (HttpOnly cookies, a CSRF-checked
POST transfer, no 500 on hostile input). The vulnerable ones
(``/vulnerable/security-lab/...``) keep the flaws the lesson shows: a
reflected XSS, a transfer on GET, guessable session IDs.
"""

from __future__ import annotations

import time

import pytest

from course_helpers import explain_set_cookie, latest_problems, set_cookie_headers, start_demo_site
from demo_site.home.users import DEMO_USERS


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-security_lab")
    yield site
    site.stop()


def test_samesite_cookies_are_httponly_and_none_is_secure(site):
    reply = site.client().get("/security-lab/samesite/set/")
    cookies = {c.name: c for c in map(explain_set_cookie, set_cookie_headers(reply))}
    assert {n: c.samesite for n, c in cookies.items()} == {
        "lab_strict": "Strict",
        "lab_lax": "Lax",
        "lab_none": "None",
    }
    assert all(c.httponly for c in cookies.values())
    assert [n for n, c in cookies.items() if c.secure] == ["lab_none"]


def test_landing_lists_cookie_names_only(site):
    client = site.client()
    client.get("/security-lab/samesite/set/")
    page = client.get("/security-lab/landing/").text
    assert "lab_lax lab_strict" in page and "(not sent)" in page


def test_transfer_needs_login_and_csrf(site):
    client = site.client()
    assert client.post("/security-lab/transfer/", data={"to": "mallory", "amount": "5"}).status_code == 403
    client.log_in("alice")
    # The CSRF cookie alone is not enough: the form's token must come with it.
    assert client.post("/security-lab/transfer/", data={"to": "mallory", "amount": "5"}).status_code == 403
    assert "CSRF token missing" in latest_problems()[0]
    ok = client.post(
        "/security-lab/transfer/",
        data={"to": "mallory", "amount": "5", "csrfmiddlewaretoken": client.csrf_token},
    )
    assert ok.status_code == 200 and ok.json()["balance"] == 95
    assert ok.json()["transfers"] == [{"to": "mallory", "amount": 5, "via": "POST"}]
    assert client.get("/security-lab/transfer/").status_code == 405


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"to": "Mallory!", "amount": "5"},
        {"to": "m", "amount": "-1"},
        {"to": "m", "amount": "99999"},
        {"to": "m" * 31, "amount": "1"},
    ],
)
def test_transfer_refuses_bad_forms(site, data):
    client = site.client()
    client.log_in("alice")
    reply = client.post("/security-lab/transfer/", data={**data, "csrfmiddlewaretoken": client.csrf_token})
    assert reply.status_code == 400


def test_transfer_on_get_changes_state_without_csrf(site):
    client = site.client()
    assert client.get("/vulnerable/security-lab/transfer/?to=mallory&amount=7").status_code == 403
    client.log_in("bob")
    reply = client.get("/vulnerable/security-lab/transfer/?to=mallory&amount=7")
    assert reply.json()["balance"] == 93 and reply.json()["transfers"][0]["via"] == "GET"
    assert client.get("/security-lab/account/").json()["balance"] == 93


def test_prefix_cookies(site):
    reply = site.client().get("/security-lab/prefixes/")
    cookies = {c.name: c for c in map(explain_set_cookie, set_cookie_headers(reply))}
    assert not cookies["__Host-no-secure"].secure and cookies["__Host-good"].secure
    assert cookies["__Host-with-domain"].domain == "127.0.0.1"
    assert len(cookies["too-big"].value) == 4100


def test_search_reflects_its_input_unescaped_on_the_lab_hosts_only(site):
    """The XSS page answers on a .test host (the lab browser's own), never on 127.0.0.1 or localhost."""
    search, q = "/vulnerable/security-lab/search/", {"q": "<script>x()</script>"}
    lab = site.client().get(search, params=q, headers={"Host": f"site-a.test:{site.port}"})
    assert lab.status_code == 200 and "<script>x()</script>" in lab.text
    assert "vulnerable on purpose" in lab.text.lower()
    for host in ("127.0.0.1", "localhost"):
        elsewhere = site.client().get(search, params=q, headers={"Host": f"{host}:{site.port}"})
        assert elsewhere.status_code == 404 and "<script>" not in elsewhere.text, host


def test_weak_store_keeps_no_replayable_id(site):
    """Reading the weak store's table gives a hash, not an ID: sending it back logs nobody in."""
    from demo_site.security_lab.models import WeakSession

    client = site.client()
    client.post(
        "/vulnerable/security-lab/weak/login/", data={"username": "bob", "password": DEMO_USERS["bob"]}
    )
    stored = site.orm(lambda: WeakSession.objects.filter(username="bob").order_by("-pk").first().key)
    assert stored != client.cookies["weak_session"] and len(stored) == 64
    replay = site.client()
    replay.cookies.set("weak_session", stored)
    assert replay.get("/vulnerable/security-lab/weak/whoami/").json() == {"user": None}


def test_attacker_page_targets_only_test_hosts(site):
    client = site.client()
    page = client.get("/vulnerable/security-lab/attacker/?target=site-a.test").text
    assert f"http://site-a.test:{site.port}/security-lab/transfer/" in page
    hostile = client.get('/vulnerable/security-lab/attacker/?target="><script>').text
    assert "<script>" not in hostile.split("<script>", 1)[0] and "site-a.test" in hostile
    assert client.get("/vulnerable/security-lab/collect/?c=x").status_code == 204


def test_weak_session_ids_are_a_counter_and_the_time(site):
    client = site.client()
    login = {"username": "alice", "password": DEMO_USERS["alice"]}
    before = int(time.time())
    assert client.post("/vulnerable/security-lab/weak/login/", data=login).json() == {"user": "alice"}
    counter, stamp = client.cookies["weak_session"].split("-")
    assert counter.isdigit() and before <= int(stamp) <= int(time.time())
    assert client.get("/vulnerable/security-lab/weak/whoami/").json() == {"user": "alice"}
    thief = site.client()
    thief.cookies.set("weak_session", f"{counter}-{stamp}")
    assert thief.get("/vulnerable/security-lab/weak/whoami/").json() == {"user": "alice"}
    bad = {"username": "alice", "password": "wrong"}
    assert site.client().post("/vulnerable/security-lab/weak/login/", data=bad).status_code == 403
    thief.cookies.set("weak_session", "x" * 5000)
    assert thief.get("/vulnerable/security-lab/weak/whoami/").json() == {"user": None}
