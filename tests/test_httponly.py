"""No page of the demo site hands an HttpOnly cookie's value back (demo_site.httponly), over HTTP.

A page that prints the cookies it received would let any script on the site
``fetch()`` it and read a cookie that ``HttpOnly`` hides from ``document.cookie``.
The pages checked are discovered from the site map (every page that answers a
GET), so a new echo page is covered without touching this file;
tests/test_browser.py proves the same in a real browser.
"""

from __future__ import annotations

import secrets

import pytest
from django.conf import settings
from django.http import HttpResponse

from course_helpers import start_demo_site
from demo_site.exercise_slots import plugged
from demo_site.home.views import site_map
from demo_site.httponly import HIDDEN


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-httponly")
    yield site
    site.stop()


def _log_in(client, path: str) -> None:
    assert client.log_in("alice", url=path, allow_redirects=False).status_code == 302, path


def _get_pages() -> list[str]:
    return [str(e["link"]) for e in site_map() if e["link"] and not e["internal"]]


def test_the_recorder_is_the_outermost_middleware():
    # Outermost, it sees the cookies SessionMiddleware and CsrfViewMiddleware add on the way out.
    assert settings.MIDDLEWARE[0] == "demo_site.httponly.RememberHttpOnlyCookies"


def test_no_page_echoes_the_login_cookies_or_a_lab_cookie_set_with_httponly(site):
    with site.client() as client:
        _log_in(client, "/cookie-login/login/")
        _log_in(client, "/accounts/login/")
        lab_value = "lab-" + secrets.token_hex(8)
        client.get("/cookies/set/", params={"name": "lab_secret", "value": lab_value, "httponly": 1})
        secrets_held = {
            "login_user": client.cookies["login_user"],
            "sessionid": client.cookies["sessionid"],
            "lab_secret": lab_value,
        }
        for page in _get_pages():
            body = client.get(page, allow_redirects=False).text
            for name, value in secrets_held.items():
                assert value not in body, f"{page} shows the value of the HttpOnly cookie {name}"
        data = client.get("/echo/").json()
        assert {data["cookies"][name] for name in secrets_held} == {HIDDEN}  # the names are still there
        assert f"login_user={HIDDEN}" in data["headers"]["Cookie"]


def test_a_name_once_sent_with_httponly_stays_hidden(site):
    with site.client() as client:
        client.get("/cookies/set/", params={"name": "flip", "value": "first", "httponly": 1})
        client.get("/cookies/set/", params={"name": "flip", "value": "second"})  # now without HttpOnly
        assert client.get("/cookies/read/", params={"name": "flip"}).json()["value"] == HIDDEN


def test_cookies_that_are_not_httponly_are_echoed_as_they_are(site):
    with site.client() as client:
        client.get("/cookies/httponly/")  # js_hidden (HttpOnly) and js_visible (not)
        read = client.get("/cookies/read/").json()
        assert read["cookies"] == {"js_hidden": HIDDEN, "js_visible": "1"}
        assert read["cookie_header"] == f"js_hidden={HIDDEN}; js_visible=1"


def test_every_copy_of_a_repeated_name_is_hidden_and_the_rest_of_the_header_kept(site):
    with site.client() as client:
        client.get("/cookies/shop/add/")  # cart=apple, HttpOnly, Path=/cookies/shop
        client.get("/cookies/set/", params={"name": "cart", "value": "pear"})
        seen = client.get("/cookies/shop/cart/").json()
    assert seen["cookie_header"] == f"cart={HIDDEN}; cart={HIDDEN}"
    assert "apple" not in str(seen) and "pear" not in str(seen)


def test_a_new_view_that_sets_an_httponly_cookie_is_covered_without_touching_the_echo_pages(site):
    name = "new_app_" + secrets.token_hex(4)  # a name no view of the site has ever used

    def new_app_view(request):
        response = HttpResponse("a new app's page")
        response.set_cookie(name, "new-app-secret", httponly=True, samesite="Lax")
        return response

    with site.client() as client:
        client.get("/echo/", headers={"Cookie": f"{name}=typed-by-hand"})
        with plugged({"": new_app_view}) as slot:
            assert client.get(slot.prefix).status_code == 200
        echoed = client.get("/echo/").json()
    assert echoed["cookies"][name] == HIDDEN and "new-app-secret" not in str(echoed)
