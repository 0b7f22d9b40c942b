"""Lesson 05's views (``/session-basics/...``), driven over HTTP, with the django_session table read after each step.

What the lesson shows must stay true: a write makes one row whose key is the
``sessionid`` cookie, a read writes nothing, mutating a list inside the
session is not saved unless ``modified`` is set (or every request saves), int
keys come back as strings. And what the site promises: Django's ``_`` keys
cannot be written, bad input is a 400, never a 500, and unapplying the
sessions migration on one site's database leaves every other site alone.
"""

from __future__ import annotations

import pytest

from course_helpers import DemoSiteError, explain_set_cookie, start_demo_site

SHOW = "/session-basics/"
REMEMBER = "/session-basics/remember/"


def post(client, path: str, **fields: str):
    if not client.csrf_token:
        client.get(SHOW)
    return client.post(path, data={**fields, "csrfmiddlewaretoken": client.csrf_token}, allow_redirects=False)


def test_save_every_request_saves_a_mutated_list():
    # First in the file, before the module's site starts: settings are per process.
    try:
        every = start_demo_site(name="test-session_basics-every", SESSION_SAVE_EVERY_REQUEST=True)
    except DemoSiteError as exc:  # another site with other settings is running in this process
        pytest.skip(str(exc))
    with every, every.client() as client:
        for item in ("apple", "pear", "plum"):
            assert post(client, "/session-basics/cart/unsaved/", item=item).status_code == 200
        assert every.sessions(client)[0].data["cart"] == ["apple", "pear", "plum"]


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-session_basics")
    yield site
    site.stop()


def test_a_read_writes_nothing_and_hands_out_the_csrf_cookie_once(site):
    with site.client() as client:
        first = client.get(SHOW)
        assert first.status_code == 200 and first.json()["data"] == {}
        assert "csrftoken" in client.cookies and "sessionid" not in client.cookies
        again = client.get(SHOW)
        assert "Set-Cookie" not in again.headers
        assert len(site.sessions(client)) == 0


def test_a_write_makes_one_row_named_by_the_cookie(site):
    with site.client() as client:
        before = len(site.sessions())
        reply = post(client, REMEMBER, colour="blue")
        assert reply.status_code == 200 and reply.json()["data"] == {"colour": "blue"}
        cookie = explain_set_cookie(reply.headers["Set-Cookie"])
        assert cookie.name == "sessionid" and cookie.httponly and cookie.samesite == "Lax"
        key = client.cookies["sessionid"]
        assert len(key) == 32 and len(site.sessions()) == before + 1
        assert site.sessions(client)[0].data == {"colour": "blue"}
        for size in "SML":
            post(client, REMEMBER, size=size)
        assert client.cookies["sessionid"] == key and len(site.sessions()) == before + 1
        shown = client.get(SHOW).json()
        assert shown["data"] == {"colour": "blue", "size": "L"} and shown["has_session_cookie"] is True
        assert key not in client.get(SHOW).text  # the page never shows the key


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"_auth_user_id": "1"},
        {"a b": "x"},
        {"x" * 31: "x"},
        {"note": "x" * 2001},
        {f"k{i}": "v" for i in range(6)},
    ],
    ids=["nothing", "django-key", "not-identifier", "long-name", "long-value", "too-many"],
)
def test_remember_refuses_bad_fields_with_400(site, fields):
    with site.client() as client:
        reply = post(client, REMEMBER, **fields)
        assert reply.status_code == 400 and "error" in reply.json()
        assert "sessionid" not in client.cookies


def test_writes_need_post_and_csrf(site):
    for path in (
        REMEMBER,
        "/session-basics/dict-api/",
        "/session-basics/cart/saved/",
        "/session-basics/scores/",
    ):
        with site.client() as client:
            assert client.get(path).status_code == 405
            assert client.post(path, data={"colour": "blue", "item": "apple"}).status_code == 403


def test_dict_api(site):
    with site.client() as client:
        reply = post(client, "/session-basics/dict-api/")
        steps = dict(reply.json()["steps"])
        assert steps["session.setdefault('theme', 'light')"] == "'dark'"
        assert steps["session.pop('size', 'gone')"] == "'gone'"
        assert steps["sorted(session.keys())"] == "['colour', 'theme']"
        assert site.sessions(client)[0].data == {"colour": "blue", "theme": "dark"}


def test_django_keys_are_listed_by_name_only_after_login(site):
    with site.client() as client:
        client.log_in("bob")
        shown = client.get(SHOW).json()
        assert shown["django_keys"] == ["_auth_user_backend", "_auth_user_hash", "_auth_user_id"]
        assert shown["data"] == {}


def test_a_mutated_list_is_saved_only_with_modified(site):
    with site.client() as unsaved, site.client() as saved:
        for item in ("apple", "pear", "plum"):
            first = post(unsaved, "/session-basics/cart/unsaved/", item=item)
            assert first.json()["cart_in_this_request"][-1] == item
            post(saved, "/session-basics/cart/saved/", item=item)
        assert site.sessions(unsaved)[0].data["cart"] == ["apple"]
        assert site.sessions(saved)[0].data["cart"] == ["apple", "pear", "plum"]


def test_cart_bad_input_and_full_cart_are_400(site):
    with site.client() as client:
        for item in ("", "a b", "x" * 31):
            assert post(client, "/session-basics/cart/saved/", item=item).status_code == 400
        for n in range(20):
            assert post(client, "/session-basics/cart/saved/", item=f"i{n}").status_code == 200
        assert post(client, "/session-basics/cart/saved/", item="one_more").status_code == 400


def test_a_cart_that_is_not_a_list_is_reset_not_a_500(site):
    from django.contrib.sessions.backends.db import SessionStore

    with site.client() as client:
        post(client, REMEMBER, colour="blue")

        def spoil(key):
            store = SessionStore(session_key=key)
            store["cart"] = {"not": "a list"}
            store.save()

        site.orm(spoil, client.cookies["sessionid"])
        reply = post(client, "/session-basics/cart/unsaved/", item="apple")
        assert reply.status_code == 200 and site.sessions(client)[0].data["cart"] == ["apple"]


def test_int_keys_come_back_as_strings(site):
    with site.client() as client:
        stored = post(client, "/session-basics/scores/").json()["python"]
        assert stored == "{1: 'gold', 2: 'silver'}"
        assert client.get(SHOW).json()["python"]["scores"] == "{'1': 'gold', '2': 'silver'}"


def test_a_garbage_session_cookie_is_an_empty_session(site):
    with site.client() as client:
        for bad in ("x" * 32, "../" * 10, "", "é"):
            client.cookies.set("sessionid", bad, domain="127.0.0.1", path="/")
            reply = client.get(SHOW)
            assert reply.status_code == 200 and reply.json()["data"] == {}


def test_unapplying_the_sessions_migration_touches_one_site_only(site):
    from django.core.management import call_command

    with start_demo_site(name="test-session_basics-other") as other:
        with site.client() as mine, other.client() as theirs:
            post(mine, REMEMBER, colour="blue")
            post(theirs, REMEMBER, colour="green")
            site.orm(lambda: call_command("migrate", "sessions", "zero", database=site.db_alias, verbosity=0))
            try:
                assert mine.get(SHOW).status_code == 500
                assert theirs.get(SHOW).json()["data"] == {"colour": "green"}
            finally:
                site.orm(lambda: call_command("migrate", "sessions", database=site.db_alias, verbosity=0))
            assert mine.get(SHOW).status_code == 200 and mine.get(SHOW).json()["data"] == {}
        with start_demo_site(name="test-session_basics-fresh") as fresh, fresh.client() as client:
            assert (
                post(client, REMEMBER, colour="teal").status_code == 200
            )  # the template still has the table
