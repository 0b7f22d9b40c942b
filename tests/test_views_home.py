"""The front page (a map of the site, grouped by lesson) and the page Django's session login lands on."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver

from course_helpers import start_demo_site
from course_helpers.catalog import lessons
from demo_site.home.users import DEMO_USERS
from demo_site.home.views import site_map


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-home")
    yield site
    site.stop()


@pytest.fixture(scope="module")
def front(site) -> str:
    with site.client() as client:
        reply = client.get("/")
    assert reply.status_code == 200
    return reply.text


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*>\s*<td>.*?</tr>", html, re.S)


def _links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a href="(/[^"#]*)"', html)]


def _count_patterns(patterns) -> int:
    return sum(_count_patterns(p.url_patterns) if isinstance(p, URLResolver) else 1 for p in patterns)


# -- site_map(): the contract the security tests and the fuzzer rely on ------------------------


def test_site_map_still_lists_every_url_pattern_internal_ones_included():
    entries = site_map()
    assert len(entries) == _count_patterns(get_resolver().url_patterns)
    slot = next(e for e in entries if e["name"] == "exercise_slot")
    assert slot["internal"] and slot["link"] is None and str(slot["route"]).startswith("/^exercise/")


def test_site_map_links_plain_get_routes_only():
    by_route = {e["route"]: e for e in site_map()}
    assert by_route["/cookies/read/"]["link"] == "/cookies/read/"
    assert by_route["/accounts/login/"]["link"] == "/accounts/login/"  # a class-based view with get()
    for post_only in ("/accounts/logout/", "/cookie-login/logout/"):
        assert by_route[post_only]["link"] is None and by_route[post_only]["methods"] == "POST", post_only
    assert by_route["/shop/<slug:aisle>/"]["link"] is None  # a parameter: nothing to click
    assert by_route["/cookies/read/"]["methods"] == "GET"


def test_every_app_with_urls_says_which_lesson_it_belongs_to():
    for entry in site_map():
        if entry["internal"]:
            continue
        config = apps.get_app_config(str(entry["app"]))
        assert hasattr(config, "lesson"), f"{config.name}: add lesson = 'NN' (or None) to its AppConfig"
        assert config.lesson is None or re.fullmatch(r"\d\d", config.lesson), (config.name, config.lesson)
        assert entry["lesson"] == (config.lesson or "")


# -- the page a person sees ------------------------------------------------------------------------


def test_front_page_groups_urls_under_the_lessons_of_the_catalog(front):
    headings = re.findall(r"<h2 id=\"([^\"]+)\">([^<]+)</h2>", front)
    lesson_headings = [unescape(text) for anchor, text in headings if anchor.startswith("lesson-")]
    in_catalog = [f"Lesson {lesson.number} · {lesson.title}" for lesson in lessons()]
    assert [h for h in lesson_headings if h in in_catalog] == in_catalog  # in order, titles from the catalog
    assert lesson_headings == sorted(
        lesson_headings
    )  # lessons the catalog does not list yet come in order too
    section = front.split('<h2 id="lesson-02">')[1].split("<h2 ")[0]
    assert "<code>/cookies/set/</code>" in section and "<code>/signed/plan/</code>" not in section
    assert "Django&#x27;s own login (not in a lesson yet)" in front  # an app no lesson claims yet


def test_front_page_links_every_page_that_answers_a_get_and_they_all_answer(site, front):
    expected = {str(e["link"]) for e in site_map() if e["link"] and not e["internal"]}
    linked = set(_links(front))
    assert expected <= linked
    with site.client() as client:
        for link in sorted(expected):
            reply = client.get(link, allow_redirects=False)
            assert reply.status_code not in (404, 405), (link, reply.status_code)
            if not link.startswith(("/classic/", "/vulnerable/")):
                assert reply.status_code < 500, (link, reply.status_code)


def test_front_page_shows_post_only_and_parameter_routes_without_a_link(front):
    linked = set(_links(front))
    for route in ("/accounts/logout/", "/cookie-login/logout/"):
        row = next(r for r in _rows(front) if f"<code>{route}</code>" in r)
        assert route not in linked and "POST only" in row
    assert "<code>/shop/&lt;slug:aisle&gt;/</code>" in front and "/shop/<slug" not in front


def test_front_page_hides_internal_routes_and_raw_regexes(front):
    assert "exercise" not in front and "(?P&lt;" not in front and "<code>/^" not in front


def test_front_page_marks_exactly_the_vulnerable_rows(front):
    rows = _rows(front)
    assert rows
    for row in rows:
        route = re.search(r"<code>([^<]+)</code>", row).group(1)
        vulnerable = route.startswith(("/classic/", "/vulnerable/"))
        assert ("(vulnerable on purpose)" in row) == vulnerable, route
        assert ('class="warning"' in row) == vulnerable, route


def test_front_page_keeps_the_purpose_where_lesson_04_reads_it(front):
    # Lesson 04 reads the purpose as the first <td> after the route's <code> in its row.
    def purpose(route):
        row = front.split(f"<code>{route}</code>")[1].split("</tr>")[0]
        return " ".join(row.split("<td>")[1].split("</td>")[0].split("<b>")[0].split()) or "(empty)"

    assert purpose("/classic/cookie-login/home/") == "(empty)"
    assert purpose("/cookie-login/home/").startswith("A page for logged-in users only")


# -- Django's session login, through the site alone ------------------------------------------------------


def _csrf_field(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_log_in_see_the_account_page_log_out(site):
    with site.client() as client:
        form = client.get("/accounts/login/")
        assert form.status_code == 200 and '<a href="/">' in form.text
        landed = client.post(
            "/accounts/login/",
            data={
                "username": "alice",
                "password": DEMO_USERS["alice"],
                "csrfmiddlewaretoken": _csrf_field(form.text),
            },
        )
        assert [r.headers["Location"] for r in landed.history] == ["/accounts/"]
        assert landed.status_code == 200 and "text/html" in landed.headers["Content-Type"]
        assert 'You are logged in as <b id="username">alice</b>.' in landed.text
        logout_form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', landed.text, re.S)
        assert logout_form and logout_form.group(1) == "/accounts/logout/"
        assert 'name="csrfmiddlewaretoken"' in logout_form.group(2) and "Log out" in logout_form.group(2)
        assert '<a href="/">' in landed.text  # back to the map
        assert "You are logged in as <b>alice</b>" in client.get("/").text
        assert client.get("/accounts/whoami/").json() == {"authenticated": True, "username": "alice"}

        refused = client.post("/accounts/logout/", allow_redirects=False)  # no token: CSRF says no
        assert refused.status_code == 403 and "alice" in client.get("/accounts/").text

        out = client.post("/accounts/logout/", data={"csrfmiddlewaretoken": _csrf_field(landed.text)})
        assert [r.headers["Location"] for r in out.history] == ["/accounts/login/"]
        after = client.get("/accounts/")
        assert (
            after.status_code == 200 and "You are not logged in." in after.text and "alice" not in after.text
        )
        assert "logout" not in after.text
        assert client.get("/accounts/whoami/").json() == {"authenticated": False, "username": None}


def test_account_page_is_never_cached_and_answers_get_only(site):
    with site.client() as client:
        reply = client.get("/accounts/")
        assert reply.status_code == 200 and "no-cache" in reply.headers["Cache-Control"]
        assert client.post("/accounts/", allow_redirects=False).status_code in (403, 405)


def test_a_lesson_without_pages_of_its_own_still_has_its_section(front):
    section = front.split('<h2 id="lesson-13">')[1].split("<h2 ")[0]
    assert "Sessions at scale" in section and "its notebook serves the views it needs" in section
    assert "<table>" not in section
