"""Lesson 07's views, driven over HTTP: ending sessions, fixation, password change, the active-sessions page.

The vulnerable views (``/vulnerable/ending/...``) are pinned down so the
lesson keeps showing their flaw; everything else must end sessions the way
OWASP asks and refuse hostile input without a 500.
"""

from __future__ import annotations

import pytest

from course_helpers import explain_set_cookie, set_cookie_headers, start_demo_site, travel
from demo_site.home.users import DEMO_USERS

SAMPLE = {"theme": "dark", "cart": ["tea", "scones"]}


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-ending")
    yield site
    site.stop()


def token(client) -> dict[str, str]:
    if not client.csrf_token:
        client.get("/ending/")
    return {"csrfmiddlewaretoken": client.csrf_token}


def who(client) -> str | None:
    return client.get("/accounts/whoami/").json()["username"]


def filled(site):
    client = site.client()
    reply = client.post("/ending/do/set/", data=token(client))
    assert reply.status_code == 200 and reply.json()["data"] == SAMPLE
    return client, client.cookies["sessionid"]


def plant(client, key: str) -> None:
    client.cookies.set("sessionid", key, domain="127.0.0.1", path="/")


def logged_in(site, username="alice", user_agent=None):
    client = site.client()
    if user_agent:
        client.headers["User-Agent"] = user_agent
    client.log_in(username)
    return client


def listed(client) -> list[dict]:
    reply = client.get("/ending/sessions/", params={"format": "json"})
    assert reply.status_code == 200
    return reply.json()["sessions"]


# -- the five operations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "op, data, same_key, old_row",
    [
        ("del", {"cart": SAMPLE["cart"]}, True, True),
        ("pop", {"cart": SAMPLE["cart"]}, True, True),
        ("clear", {}, True, True),
        ("cycle_key", SAMPLE, False, False),
    ],
)
def test_operations_keep_or_move_the_session(site, op, data, same_key, old_row):
    client, before = filled(site)
    reply = client.post(f"/ending/do/{op}/", data=token(client))
    after = client.cookies["sessionid"]
    rows = site.sessions()
    assert reply.json()["data"] == data
    assert (after == before) is same_key
    assert (rows.get(before) is not None) is old_row
    assert rows.get(after).data == data
    (header,) = set_cookie_headers(reply, "sessionid")
    assert not explain_set_cookie(header).deletes


def test_flush_deletes_the_row_and_the_cookie_and_the_next_write_gets_a_new_key(site):
    client, before = filled(site)
    reply = client.post("/ending/do/flush/", data=token(client))
    (header,) = set_cookie_headers(reply, "sessionid")
    assert explain_set_cookie(header).deletes and "Max-Age=0" in header
    assert "sessionid" not in client.cookies and site.sessions().get(before) is None
    client.post("/ending/do/set/", data=token(client))
    assert client.cookies["sessionid"] != before


def test_pop_of_a_missing_key_writes_nothing(site):
    client, _ = filled(site)
    client.post("/ending/do/del/", data=token(client))
    reply = client.post("/ending/do/pop/", data=token(client))
    assert set_cookie_headers(reply, "sessionid") == []


def test_operations_need_post_and_csrf_and_a_known_name(site):
    with site.client() as client:
        assert client.get("/ending/do/clear/").status_code == 405
        assert client.post("/ending/do/clear/").status_code == 403
        assert client.post("/ending/do/drop-table/", data=token(client)).status_code == 404


def test_the_playground_page_has_a_form_per_operation(site):
    page = site.client().get("/ending/").text
    for op in ("set", "del", "pop", "clear", "flush", "cycle_key"):
        assert f'action="/ending/do/{op}/"' in page
    assert "csrfmiddlewaretoken" in page


# -- logout ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, thief_is", [("/accounts/logout/", None), ("/vulnerable/ending/logout/", "alice")]
)
def test_a_copied_cookie_after_logout(site, url, thief_is):
    alice = logged_in(site)
    key = alice.cookies["sessionid"]
    thief = site.client()
    plant(thief, key)
    alice.post(url, data=token(alice))
    assert "sessionid" not in alice.cookies
    assert who(thief) == thief_is
    assert (site.sessions().get(key) is not None) is (thief_is is not None)


# -- session fixation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, attacker_is", [("/vulnerable/ending/login/", "alice"), ("/accounts/login/", None)]
)
def test_fixation(site, url, attacker_is):
    attacker, planted = filled(site)
    victim = site.client()
    plant(victim, planted)
    victim.log_in("alice", url=url)
    assert who(victim) == "alice"
    assert who(attacker) == attacker_is
    assert (victim.cookies["sessionid"] == planted) is (attacker_is is not None)


def test_a_made_up_key_is_never_adopted(site):
    made_up = "iamtheattackerandiknowthiskey123"
    victim = site.client()
    plant(victim, made_up)
    victim.log_in("alice", url="/vulnerable/ending/login/")
    assert victim.cookies["sessionid"] != made_up and site.sessions().get(made_up) is None


def test_the_vulnerable_login_still_checks_the_password_and_csrf(site):
    with site.client() as client:
        assert (
            client.post("/vulnerable/ending/login/", data={"username": "alice", "password": "x"}).status_code
            == 403
        )
        client.get("/vulnerable/ending/login/")
        reply = client.post(
            "/vulnerable/ending/login/", data={"username": "alice", "password": "x", **token(client)}
        )
        assert reply.status_code == 200 and who(client) is None


# -- password change, deactivation -----------------------------------------------------------


def change_password(client, old, new):
    data = {"old_password": old, "new_password1": new, "new_password2": new, **token(client)}
    return client.post("/ending/password/", data=data, allow_redirects=False)


def test_password_change_ends_the_other_sessions_and_keeps_this_one(site):
    laptop, phone = logged_in(site, user_agent="laptop"), logged_in(site, user_agent="phone")
    phone_key = phone.cookies["sessionid"]
    reply = change_password(laptop, DEMO_USERS["alice"], "another-passphrase-1")
    assert reply.status_code == 302 and reply.headers["Location"] == "/ending/sessions/"
    try:
        assert site.sessions().get(phone_key) is not None  # until its next request
        assert who(laptop) == "alice" and who(phone) is None
        assert site.sessions().get(phone_key) is None
        assert [s["device"] for s in listed(laptop)] == ["laptop"]  # the index followed the new key
    finally:
        assert change_password(laptop, "another-passphrase-1", DEMO_USERS["alice"]).status_code == 302
    assert who(laptop) == "alice"


def test_a_password_change_stays_on_its_own_site(site):
    laptop = logged_in(site)
    assert change_password(laptop, DEMO_USERS["alice"], "another-passphrase-2").status_code == 302
    try:
        with start_demo_site(name="test-ending-other") as other:
            assert who(logged_in(other)) == "alice"  # its own database still has the demo password
    finally:
        change_password(laptop, "another-passphrase-2", DEMO_USERS["alice"])


def test_a_wrong_old_password_changes_nothing(site):
    laptop = logged_in(site)
    reply = change_password(laptop, "not-the-password", "another-passphrase-3")
    assert reply.status_code == 200 and "old_password" in reply.text
    assert who(logged_in(site)) == "alice"


def test_the_password_page_needs_a_login(site):
    reply = site.client().get("/ending/password/", allow_redirects=False)
    assert reply.status_code == 302 and reply.headers["Location"].startswith("/accounts/login/?next=")


def test_a_deactivated_user_is_anonymous_but_the_row_stays(site):
    from django.contrib.auth.models import User

    bob = logged_in(site, "bob")
    key = bob.cookies["sessionid"]
    site.orm(lambda: User.objects.filter(username="bob").update(is_active=False))
    try:
        assert who(bob) is None and site.sessions().get(key) is not None
    finally:
        site.orm(lambda: User.objects.filter(username="bob").update(is_active=True))
    assert who(bob) == "bob"


# -- your active sessions ------------------------------------------------------------------------


def test_the_sessions_page_lists_only_your_own_and_never_a_key(site):
    laptop, phone = logged_in(site, user_agent="laptop-ua"), logged_in(site, user_agent="phone-ua")
    bob = logged_in(site, "bob", user_agent="bob-ua")
    mine = listed(laptop)
    devices = {s["device"]: s for s in mine}
    assert {"laptop-ua", "phone-ua"} <= set(devices) and "bob-ua" not in devices
    assert devices["laptop-ua"]["this_device"] and not devices["phone-ua"]["this_device"]
    page = laptop.get("/ending/sessions/").text
    for client in (laptop, phone, bob):
        key = client.cookies["sessionid"]
        assert key[:8] not in page and key not in laptop.get("/ending/sessions/?format=json").text
    assert "(this device)" in page


def test_ending_one_session(site):
    laptop, phone = logged_in(site, user_agent="laptop-1"), logged_in(site, user_agent="phone-1")
    phone_id = next(s["id"] for s in listed(laptop) if s["device"] == "phone-1")
    reply = laptop.post(
        "/ending/sessions/end/", data={"id": phone_id, **token(laptop)}, allow_redirects=False
    )
    assert reply.status_code == 302 and who(phone) is None and who(laptop) == "alice"
    assert phone_id not in [s["id"] for s in listed(laptop)]


def test_ending_this_device_logs_out(site):
    laptop = logged_in(site, user_agent="laptop-2")
    mine = next(s["id"] for s in listed(laptop) if s["this_device"])
    reply = laptop.post("/ending/sessions/end/", data={"id": mine, **token(laptop)}, allow_redirects=False)
    assert reply.status_code == 302 and who(laptop) is None and "sessionid" not in laptop.cookies


def test_nobody_ends_another_users_session(site):
    alice, bob = logged_in(site), logged_in(site, "bob")
    bob_id = listed(bob)[0]["id"]
    hostile = [
        {"id": bob_id},
        {"session_key": bob.cookies["sessionid"]},
        {"id": bob.cookies["sessionid"]},
        {"id": "-1"},
        {"id": "1e3"},
        {"id": "٣"},
        {"id": "9" * 40},
        {},
    ]
    for data in hostile:
        reply = alice.post("/ending/sessions/end/", data={**data, **token(alice)})
        assert reply.status_code == 404, data
    assert who(bob) == "bob"


def test_the_sessions_pages_need_a_login(site):
    with site.client() as client:
        assert client.get("/ending/sessions/?format=json").status_code == 401
        reply = client.get("/ending/sessions/", allow_redirects=False)
        assert reply.status_code == 302 and reply.headers["Location"].startswith("/accounts/login/")
        reply = client.post("/ending/sessions/end/", data={"id": "1", **token(client)}, allow_redirects=False)
        assert reply.status_code == 302


def test_log_out_everywhere(site):
    laptop, phone, bob = logged_in(site), logged_in(site), logged_in(site, "bob")
    reply = laptop.post("/ending/logout-everywhere/", data=token(laptop), allow_redirects=False)
    assert reply.status_code == 302
    assert who(laptop) is None and who(phone) is None and who(bob) == "bob"


def test_last_seen_is_written_at_most_every_five_minutes(site):
    from demo_site.ending.models import DeviceSession

    laptop = logged_in(site, user_agent="laptop-3")
    key = laptop.cookies["sessionid"]

    def last_seen():
        return site.orm(lambda: DeviceSession.objects.get(session_key=key).last_seen)

    laptop.get("/accounts/whoami/")
    first = last_seen()
    with travel(60):
        laptop.get("/accounts/whoami/")
        assert last_seen() == first
    with travel(6 * 60):
        laptop.get("/accounts/whoami/")
        assert (last_seen() - first).total_seconds() >= 6 * 60 - 1
