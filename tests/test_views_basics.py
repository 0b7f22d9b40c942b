"""The views of the basics app (lessons 00 and 01), driven over HTTP like a learner drives them."""

from __future__ import annotations

import http.client

import pytest
import requests

from course_helpers import raw_http, set_cookie_headers, start_demo_site


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-basics")
    yield site
    site.stop()


def get(site, path: str, cookie: str | None = None) -> tuple[int, dict[str, list[str]], str]:
    """One request over a fresh connection, no cookie jar: status, headers (repeats kept), body."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie is not None else {})
        reply = conn.getresponse()
        headers: dict[str, list[str]] = {}
        for name, value in reply.getheaders():
            headers.setdefault(name.lower(), []).append(value)
        return reply.status, headers, reply.read().decode()
    finally:
        conn.close()


# -- the counters lesson 00 relies on -------------------------------------------------


def test_cookie_counter_counts_with_a_jar_and_not_without(site):
    client = site.client()
    texts = [client.get("/counter/").text for _ in range(3)]
    assert texts == [
        "You have visited this page 1 time.\n",
        "You have visited this page 2 times.\n",
        "You have visited this page 3 times.\n",
    ]
    assert client.cookies["visits"] == "3"
    status, headers, body = get(site, "/counter/")
    assert status == 200 and body == "You have visited this page 1 time.\n"
    assert headers["set-cookie"] == ["visits=1; HttpOnly; Path=/; SameSite=Lax"]


def test_cookie_counter_trusts_a_hand_written_cookie(site):
    assert get(site, "/counter/", "visits=41")[2] == "You have visited this page 42 times.\n"


@pytest.mark.parametrize("garbage", ["visits=abc", "visits=-3", "visits=1e9", "visits=99999999999", "=;;"])
def test_cookie_counter_garbage_counts_as_zero(site, garbage):
    status, _, body = get(site, "/counter/", garbage)
    assert status == 200 and body == "You have visited this page 1 time.\n"


def test_cookie_counter_non_ascii_digits_count_as_zero(site):
    reply = raw_http(
        site, "GET /counter/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: visits=\u0663\r\n\r\n".encode()
    )
    assert reply.status == 200 and reply.body == b"You have visited this page 1 time.\n"


def test_session_counter_keeps_the_count_in_a_row(site):
    client = site.client()
    for n in (1, 2, 3):
        assert client.get("/session/counter/").text == (
            f"You have visited this page {n} time{'s' if n != 1 else ''} in this session.\n"
        )
    key = client.cookies["sessionid"]
    assert len(key) == 32
    assert site.sessions().get(key).data == {"visits": 3}


def test_session_counter_without_cookies_makes_a_new_row_each_time(site):
    before = len(site.sessions())
    for _ in range(3):
        reply = requests.get(site.url + "/session/counter/", timeout=10)
        assert "1 time in this session" in reply.text
    assert len(site.sessions()) == before + 3


@pytest.mark.parametrize("garbage", ["sessionid=nonsense", "sessionid=" + "a" * 32, "sessionid=%00%ff"])
def test_session_counter_ignores_unknown_keys(site, garbage):
    status, headers, body = get(site, "/session/counter/", garbage)
    assert status == 200 and "1 time in this session" in body
    assert headers["set-cookie"][0].startswith("sessionid=")


def test_echo_reports_cookies_and_headers(site):
    reply = requests.get(site.url + "/echo/?x=1", headers={"Cookie": "b=2; a=1"}, timeout=10)
    data = reply.json()
    assert data["method"] == "GET" and data["path"] == "/echo/?x=1"
    assert data["cookies"] == {"a": "1", "b": "2"} and list(data["cookies"]) == ["a", "b"]
    assert data["headers"]["Cookie"] == "b=2; a=1"


def test_echo_hides_the_session_key(site):
    # echoing the HttpOnly session key into a page body would hand it to any script on the site
    client = site.client()
    client.get("/session/counter/")
    key = client.cookies["sessionid"]
    data = client.get("/echo/", headers={"Cookie": f"a=1; sessionid={key}"}).json()
    assert key not in str(data)
    assert data["cookies"] == {"a": "1", "sessionid": "(hidden: HttpOnly)"}
    assert data["headers"]["Cookie"] == "a=1; sessionid=(hidden: HttpOnly)"


@pytest.mark.parametrize("path", ["/counter/", "/session/counter/", "/echo/", "/hello/", "/shop/"])
def test_state_changing_methods_are_refused(site, path):
    assert requests.post(site.url + path, timeout=10).status_code in (403, 405)
    assert requests.put(site.url + path, timeout=10).status_code in (403, 405)


# -- lesson 01 ------------------------------------------------------------------------


def test_forgetful_counter_always_says_one(site):
    client = site.client()
    texts = {client.get("/forgetful/counter/").text for _ in range(3)}
    assert texts == {"You have visited this page 1 time.\n"}
    assert len(client.cookies) == 0


def test_everyone_counter_counts_all_clients_together_per_site(site):
    first = int(requests.get(site.url + "/everyone/counter/", timeout=10).text.split()[5])
    a, b = site.client(), site.client()
    texts = [c.get("/everyone/counter/").text for c in (a, b, a)]
    assert [int(t.split()[5]) for t in texts] == [first + 1, first + 2, first + 3]
    assert texts[0].endswith("by everyone together.\n")
    assert len(a.cookies) == 0
    with start_demo_site(name="test-basics-other") as other:
        assert requests.get(other.url + "/everyone/counter/", timeout=10).text.startswith(
            "This page has been visited 1 time,"
        )


def test_hello_remembers_a_name_in_a_cookie(site):
    client = site.client()
    assert client.get("/hello/").text == "Hello, stranger! Tell me your name: /hello/?name=Ada\n"
    reply = client.get("/hello/", params={"name": "Ada"})
    assert reply.text.startswith("Nice to meet you, Ada!")
    assert set_cookie_headers(reply) == ["name=Ada; HttpOnly; Path=/; SameSite=Lax"]
    assert client.get("/hello/").text == "Hello again, Ada!\n"
    assert get(site, "/hello/", "name=Grace")[2] == "Hello again, Grace!\n"


@pytest.mark.parametrize("bad", ["", "a" * 31, "Ada Lovelace", "<script>", "Zoë", "a;b"])
def test_hello_refuses_a_bad_name_with_400(site, bad):
    reply = requests.get(site.url + "/hello/", params={"name": bad}, timeout=10)
    assert reply.status_code == 400 and "1 to 30 letters" in reply.text
    assert "Set-Cookie" not in reply.headers


@pytest.mark.parametrize("garbage", ['name="<b>hi</b>"', "name=" + "x" * 200, "name=", "name=%ff%00"])
def test_hello_treats_a_garbage_cookie_as_no_name(site, garbage):
    status, _, body = get(site, "/hello/", garbage)
    assert status == 200 and body.startswith("Hello, stranger!")


def test_raw_set_cookie_has_a_harmless_extra_space(site):
    reply = raw_http(site, "GET /hello/?name=Ada HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n")
    assert b"\r\nSet-Cookie:  name=Ada; HttpOnly; Path=/; SameSite=Lax\r\n" in reply.received
    assert reply.header("Set-Cookie") == ["name=Ada; HttpOnly; Path=/; SameSite=Lax"]


def test_shop_cookie_is_sent_only_under_shop(site):
    client = site.client()
    reply = client.get("/shop/")
    assert reply.text == "Welcome to the shop: visit 1 to the shop.\n"
    assert set_cookie_headers(reply) == ["shop_visits=1; HttpOnly; Path=/shop/; SameSite=Lax"]
    assert client.get("/shop/fruit/").text == "Welcome to the fruit aisle of the shop: visit 2 to the shop.\n"
    jar = [(c.name, c.domain, c.path) for c in client.cookies]
    assert jar == [("shop_visits", "127.0.0.1", "/shop/")]
    assert "shop_visits" not in client.get("/echo/").json()["cookies"]
    assert client.get("/shopping/").request.headers.get("Cookie") is None
    assert client.get("/shop/").request.headers["Cookie"] == "shop_visits=2"


@pytest.mark.parametrize("garbage", ["shop_visits=x", "shop_visits=", "shop_visits=-1"])
def test_shop_garbage_cookie_counts_as_zero(site, garbage):
    status, _, body = get(site, "/shop/", garbage)
    assert status == 200 and body == "Welcome to the shop: visit 1 to the shop.\n"


def test_shop_aisle_must_be_a_slug(site):
    assert requests.get(site.url + "/shop/no%20such/", timeout=10).status_code == 404


def test_every_new_view_has_a_one_line_docstring():
    from demo_site.basics import views

    for view in (views.forgetful_counter, views.everyone_counter, views.hello, views.shop):
        doc = (view.__doc__ or "").strip()
        assert doc and "\n" not in doc, view.__name__
