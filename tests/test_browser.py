"""In a real browser, no page script can read an HttpOnly cookie: not from document.cookie, not from any page.

Headless Chromium (Debian's package) driven by Playwright logs in twice by
typing and clicking (lesson 04's cookie login and Django's session login), sets
an HttpOnly cookie through lesson 02's lab, then, as a page script, reads
``document.cookie`` and ``fetch()``es every page of the site that answers a GET
(found from the site map, so a new echo page is covered by itself). None of the
HttpOnly values in the browser's own cookie store may appear anywhere.

Without Playwright or Chromium the test skips, saying which is missing; under CI
(``CI=true``) it fails instead, so that CI always takes the real path. Install
them with ``pip install -e .[test]`` and ``apt-get install -y chromium``.
"""

from __future__ import annotations

import secrets

import pytest

from course_helpers import start_demo_site
from demo_site.home.users import DEMO_USERS
from demo_site.home.views import site_map
from tests.browsers import sync_chromium

#: A page script that reads document.cookie and fetches each path, returning what it could read.
READ_EVERYTHING = """async (paths) => {
    const bodies = {};
    for (const path of paths) {
        const reply = await fetch(path, {credentials: "same-origin"});
        bodies[path] = {status: reply.status, text: await reply.text()};
    }
    return {documentCookie: document.cookie, bodies};
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="browser")
    yield site
    site.stop()


def _log_in(page, url: str, lands_on: str) -> None:
    page.goto(url)
    page.fill('input[name="username"]', "alice")
    page.fill('input[name="password"]', DEMO_USERS["alice"])
    with page.expect_navigation():
        page.click('button[type="submit"]')
    assert page.url.endswith(lands_on), page.url
    assert "alice" in page.content()


def test_no_page_script_can_read_an_httponly_cookie(browser, site):
    pages = [str(e["link"]) for e in site_map() if e["link"] and not e["internal"]]
    assert {"/echo/", "/cookies/read/", "/cookies/shop/"} <= set(pages)
    lab_value = "lab-" + secrets.token_hex(12)
    context = browser.new_context(base_url=site.url)
    try:
        page = context.new_page()
        _log_in(page, "/cookie-login/login/", "/cookie-login/home/")
        _log_in(page, "/accounts/login/", "/accounts/")
        page.goto(f"/cookies/set/?name=lab_secret&value={lab_value}&httponly=1")
        page.goto("/")
        held = {c["name"]: c for c in context.cookies()}
        assert {"sessionid", "login_user", "lab_secret", "csrftoken"} <= set(held)
        assert all(held[n]["httpOnly"] for n in ("sessionid", "login_user", "lab_secret"))
        assert not held["csrftoken"]["httpOnly"] and held["lab_secret"]["value"] == lab_value

        seen = page.evaluate(READ_EVERYTHING, pages)

        # What page scripts may read, they do: a hidden value is not just a missing page.
        csrf = held["csrftoken"]["value"]
        assert csrf in seen["documentCookie"]
        echo = seen["bodies"]["/echo/"]
        assert echo["status"] == 200 and csrf in echo["text"]

        # Every HttpOnly value the browser held while the script ran (cookies the pages set meanwhile hold
        # public words, such as came_from=redirect, that the map itself prints), each long enough not to
        # match by chance.
        secret = {name: c["value"] for name, c in held.items() if c["httpOnly"]}
        assert {"sessionid", "login_user", "lab_secret"} <= set(secret)
        assert all(len(value) >= 16 for value in secret.values()), secret
        for name, value in secret.items():
            assert value not in seen["documentCookie"], f"document.cookie shows the HttpOnly cookie {name}"
            for path, reply in seen["bodies"].items():
                assert value not in reply["text"], f"a script that fetches {path} reads {name}"
        # Their names still arrive, so a lesson can see that they were sent.
        assert '"login_user": "(hidden: HttpOnly)"' in echo["text"]
        assert '"lab_secret": "(hidden: HttpOnly)"' in echo["text"]
    finally:
        context.close()
