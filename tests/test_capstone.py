"""Lesson 14's grader, proven fair: the reference passes every requirement, each broken variant fails ONLY its own.

Every wrong answer of ``course_helpers.exercises.lesson14`` is the reference
solution with one requirement broken. If a variant also failed another
requirement, the report card would blame the learner for a fault they do not
have; if it passed its own, the grader would miss the fault. Both are ruled
out here, variant by variant, requirement by requirement.
"""

from __future__ import annotations

import re

import pytest

from course_helpers import serve_view, start_demo_site
from course_helpers.exercises import lesson14
from course_helpers.exercises.core import CORRECT, INCORRECT, NOT_ATTEMPTED

#: What the notebook's given cell puts in the namespace the learner's views run in.
GIVEN = {
    name: getattr(lesson14, name)
    for name in ("ABSOLUTE_TIMEOUT", "IDLE_TIMEOUT", "LAST_SEEN", "LOGIN_AT", "REMEMBER_ME_AGE", "page_url")
}


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="test-capstone")
    yield site
    site.stop()


def views_of(code: str, site) -> dict:
    namespace = {**GIVEN, "site": site}
    exec(compile(code, "<capstone views>", "exec"), namespace)
    return namespace


def grades(code: str, site) -> dict[str, object]:
    namespace = views_of(code, site)
    return {name: exercise._outcome(namespace) for name, exercise in lesson14.LESSON.exercises.items()}


def test_six_requirements_each_with_at_least_two_single_requirement_wrong_answers():
    assert list(lesson14.LESSON.exercises) == ["q1", "q2", "q3", "q4", "q5", "q6"]
    for name, exercise in lesson14.LESSON.exercises.items():
        assert exercise.solution_code == lesson14.SOLUTION
        assert len(exercise.wrong_answers) >= 2, name
        assert {w.code for w in exercise.wrong_answers} == {
            b.code for b in lesson14.BROKEN if b.requirement == name
        }


def test_the_reference_meets_every_requirement(site):
    for name, outcome in grades(lesson14.SOLUTION, site).items():
        assert outcome.status == CORRECT, (name, outcome.message)


@pytest.mark.parametrize("broken", lesson14.BROKEN, ids=lambda b: f"{b.requirement}-{b.what[:40]}")
def test_a_broken_variant_fails_its_own_requirement_and_no_other(broken, site):
    for name, outcome in grades(broken.code, site).items():
        if name == broken.requirement:
            assert outcome.status == INCORRECT, (name, outcome.message)
            assert broken.expect in outcome.message, outcome.message
        else:
            assert outcome.status == CORRECT, (f"{broken.what} also fails {name}", outcome.message)


def test_the_shipped_placeholders_are_not_attempted_everywhere(site):
    placeholders = (
        "def login_view(request): ...\ndef account_view(request): ...\n"
        "def logout_view(request): ...\ndef logout_everywhere_view(request): ...\n"
    )
    card = lesson14.report(views_of(placeholders, site))
    assert {o.status for o in card.outcomes.values()} == {NOT_ATTEMPTED}
    assert "0 of 6 requirements met" in card.text()


def test_a_failure_names_the_request_that_showed_it(site):
    blind = next(b for b in lesson14.BROKEN if b.what == "follows any next")
    message = grades(blind.code, site)["q6"].message
    assert re.search(r"POST /exercise/slot-\d+/login/\?next=https://evil-[0-9a-f]{6}\.example → 302", message)
    assert re.search(r"Location: https://evil-[0-9a-f]{6}\.example", message), message


def test_the_attack_host_and_the_deep_link_change_from_check_to_check(site):
    """A view that refuses 'evil.example' by name, or knows the deep link, cannot pass."""
    blind = next(b for b in lesson14.BROKEN if b.what == "follows any next")
    first, second = (grades(blind.code, site)["q6"].message for _ in range(2))
    assert "evil.example" not in first and first != second


def test_page_url_finds_the_sibling_pages(site):
    from django.http import HttpResponse

    with serve_view(
        {"account/": lambda request: HttpResponse(lesson14.page_url(request, "login/"))}
    ) as served:
        with site.client() as client:
            assert client.get(served.path_of("account/")).text == f"{served.path}login/"


def test_the_login_template_has_the_fields_the_checks_post(site):
    from django.shortcuts import render

    with serve_view(lambda request: render(request, "capstone/login.html")) as served:
        with site.client() as client:
            page = client.get(served.path + "?next=/x/%3Fa%3D1")
    for field in ('name="username"', 'name="password"', 'name="remember" value="on"', "csrfmiddlewaretoken"):
        assert field in page.text
    assert 'action="/exercise/' in page.text and "?next=" in page.text


def test_the_specification_page_states_the_numbers_and_changes_nothing(site):
    with site.client() as client:
        page = client.get("/capstone/")
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
        for fact in ("30 minutes", "12 hours", "30 days", "/exercise/slot-N/", "set_expiry(0)"):
            assert fact in page.text, fact
        assert client.post("/capstone/").status_code in (403, 405)
        assert "sessionid" not in client.cookies
