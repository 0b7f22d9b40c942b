"""Exercises of lesson 04b · Logging in with a cookie: the fix, and its limits.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo site.
"""

from __future__ import annotations

from course_helpers.cookies import find_cookie
from course_helpers.exercises.answer_types import CLIENT, WHOLE_NUMBER
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import Case, FunctionExercise, HttpTask, Prediction
from course_helpers.redirects import open_redirect_payloads

LESSON = Lesson("04b", "Logging in with a cookie (part b)")

LOGIN = "/cookie-login/login/"
HOME = "/cookie-login/home/"
LANDING = "/cookie-login/home/?from=exercise"


# -- q1: a safe next URL ----------------------------------------------------------------

_HOST = "127.0.0.1:8000"
_NOTES = {
    "https://evil.example": "An absolute URL to another host leaves the site.",
    "//evil.example": "'//evil.example' is protocol-relative: a browser goes to http://evil.example/. "
    "Starting with '/' does not make a URL local.",
    "/\\evil.example": "Browsers read '\\' as '/' in http(s) URLs, so '/\\evil.example' is "
    "'//evil.example': another host. urlsplit() does not know that; Django's check re-checks with '\\' as '/'.",
    "\\\\evil.example": "Browsers read '\\\\evil.example' as '//evil.example'.",
    "\\/evil.example": "Browsers read '\\/evil.example' as '//evil.example'.",
    "///evil.example": "Browsers skip any number of slashes: '///evil.example' is evil.example.",
    "https:evil.example": "From an http page (this demo site), a browser reads 'https:evil.example' as "
    "https://evil.example/: a special scheme other than the page's makes the URL absolute, slashes or not.",
    "http:\\\\evil.example": "Backslashes after 'http:' are slashes to a browser.",
    "HTTPS://EVIL.EXAMPLE/": "Schemes and host names are case-insensitive: a block list or a string "
    "comparison that looks for 'evil' or 'https://' misses 'EVIL' and 'HTTPS://'.",
    "javascript:alert(1)": "A javascript: URL is not a page of this site.",
    "data:text/html,<script>alert(1)</script>": "A data: URL is not a page of this site.",
    "%2F%2Fevil.example": "The characters '%2F%2Fevil.example' are a relative path (the browser does not "
    "decode %2F into a slash): it stays on the site and is allowed.",
    " //evil.example": "Browsers trim leading spaces: ' //evil.example' is '//evil.example'.",
    "\x01//evil.example": "Browsers trim leading control characters too.",
    "\t//evil.example": "Browsers remove tabs and newlines anywhere in a URL.",
    "/\t/evil.example": "Browsers remove the tab: '/\\t/evil.example' becomes '//evil.example'.",
    "/\r\n/evil.example": "Browsers remove newlines: this becomes '//evil.example'.",
    "\u3000//evil.example": "Django strips Unicode spaces before it checks; refuse it.",
}


def _safe_next_cases() -> list[Case]:
    cases = [
        Case(
            ("/cookie-login/home/?x=1", _HOST), "/cookie-login/home/?x=1", note="A path on this site is safe."
        ),
        Case(("", _HOST), HOME, note="No next at all: fall back to the home page."),
    ]
    for payload in open_redirect_payloads(_HOST):
        local = payload == "%2F%2Fevil.example"
        note = _NOTES.get(payload, "It leaves the site (the user name or host name is a disguise).")
        cases.append(Case((payload, _HOST), payload if local else HOME, note=note))
    cases += [
        Case(
            ("https://phish.example/login", _HOST),
            HOME,
            note="A block list ('evil' not in ...) misses every attacker domain you did not think of: "
            "check where the URL goes, not what it looks like.",
        ),
        Case(
            (f"http://{_HOST}/cookie-login/home/", _HOST),
            f"http://{_HOST}/cookie-login/home/",
            note="An absolute URL on this very host is safe: pass allowed_hosts={host}.",
        ),
        Case(
            (f"https://{_HOST}/cookie-login/home/", _HOST),
            f"https://{_HOST}/cookie-login/home/",
            note="Over plain http, require_https=False (request.is_secure()) lets an https URL of this host "
            "through: it is the same site, upgraded.",
        ),
        Case(
            ("http://shop.example:8080/cookie-login/home/", "shop.example:8080"),
            "http://shop.example:8080/cookie-login/home/",
            note="The site's host is the `host` argument, whatever it is: allowed_hosts={host}, not a constant.",
        ),
        Case(
            (f"http://{_HOST}/cookie-login/home/", "shop.example:8080"),
            HOME,
            note="For the site shop.example:8080, 127.0.0.1:8000 is another host: allowed_hosts={host}.",
        ),
    ]
    return cases


q1 = LESSON.add(
    "q1",
    FunctionExercise(
        title="A next URL that stays on the site",
        variables=["safe_next_url"],
        cases=_safe_next_cases(),
        hints=[
            "Don't look at the URL yourself: ask Django. `from django.utils.http import "
            "url_has_allowed_host_and_scheme`.",
            "Call it with allowed_hosts={host} (a set holding the one host this site answers to) and "
            "require_https=False (this demo site speaks plain http).",
            "Return next_url when it says True, else '/cookie-login/home/'. An empty next_url is not safe.",
        ],
        solution="""
            from django.utils.http import url_has_allowed_host_and_scheme


            def safe_next_url(next_url, host):
                if next_url and url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={host}, require_https=False
                ):
                    return next_url
                return "/cookie-login/home/"
        """,
        why="url_has_allowed_host_and_scheme() is urlsplit() plus heuristics for what browsers do (leading "
        "control characters, three slashes, '\\' re-checked as '/'); it accepts only a relative URL or one "
        "whose host is in allowed_hosts and whose scheme is http(s). Its docstring warns that True does not "
        "make a URL safe in every other way: it is a host check, not a sanitizer.",
        wrong_answers=[
            WrongAnswer(
                "def safe_next_url(next_url, host):\n"
                "    return next_url if next_url.startswith('/') else '/cookie-login/home/'",
                "protocol-relative",
            ),
            WrongAnswer(
                "from urllib.parse import urlsplit\n"
                "def safe_next_url(next_url, host):\n"
                "    if next_url and urlsplit(next_url).netloc in ('', host):\n"
                "        return next_url\n"
                "    return '/cookie-login/home/'",
                "Browsers read '\\' as '/'",
            ),
            WrongAnswer(
                "def safe_next_url(next_url, host):\n"
                "    if next_url and 'evil' not in next_url:\n"
                "        return next_url\n"
                "    return '/cookie-login/home/'",
                "case-insensitive",
            ),
            WrongAnswer(
                "from django.utils.http import url_has_allowed_host_and_scheme\n"
                "def safe_next_url(next_url, host):\n"
                "    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):\n"
                "        return next_url\n"
                "    return '/cookie-login/home/'",
                "pass allowed_hosts={host}",
            ),
            WrongAnswer(
                "from django.utils.http import url_has_allowed_host_and_scheme\n"
                "def safe_next_url(next_url, host):\n"
                "    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={'127.0.0.1:8000'}):\n"
                "        return next_url\n"
                "    return '/cookie-login/home/'",
                "not a constant",
            ),
        ],
    ),
)


# -- q2: log in as bob, and land on the right page ---------------------------------------


def _login_cookie_value(header: str) -> str:
    return header.split(";")[0].partition("=")[2]


def _inspect_bob(attempt: Attempt) -> str:
    client = attempt["bob_client"]
    posts = [ex for ex in client.trace if ex.method == "POST" and ex.path.split("?")[0] == LOGIN]
    cookie = find_cookie(client, "login_user")
    if cookie is None:
        if find_cookie(client, "login") is not None:
            raise Incorrect(
                "bob_client holds the classic cookie `login` (it says 'yes', for nobody in particular). "
                f"Log in through the fixed login at {LOGIN}, as bob."
            )
        if any(ex.status == 403 for ex in posts):
            raise Incorrect(
                f"Your POST to {LOGIN} got 403 Forbidden: Django's CSRF check refused it. GET the login "
                "page first (it sets the csrftoken cookie) and send its token back with the form: "
                "bob_client.post_form(url, data) does both, and so does bob_client.log_in(...)."
            )
        if any(ex.status == 200 for ex in posts):
            raise Incorrect(
                f"Your POST to {LOGIN} came back with the form again (200): the username or the password "
                "is wrong. bob's password is DEMO_USERS['bob']."
            )
        raise Incorrect(f"bob_client has no login_user cookie: it has not logged in through {LOGIN}.")
    logins = [
        (ex, header)
        for ex in posts
        if ex.status == 302
        for header in ex.set_cookies
        if header.startswith("login_user=")
    ]
    if not logins:
        raise Incorrect(
            f"bob_client holds a login_user cookie but never logged in with a POST to {LOGIN}: a cookie "
            "signed in the notebook proves you have the server's key, not bob's password."
        )
    received = [(ex, header) for ex, header in logins if _login_cookie_value(header) == cookie.value]
    if not received:
        raise Incorrect(
            "bob_client holds a login_user cookie that no login POST gave it: the cookie was planted or "
            "signed in the notebook after the login. Log in as bob and keep the cookie the site set."
        )
    login, header = received[-1]
    user = cookie.value.split(":")[0]
    if user != "bob":
        raise Incorrect(f"bob_client is logged in as {user}, not bob.")
    location = dict((k.lower(), v) for k, v in login.response_headers).get("location")
    if location != LANDING:
        raise Incorrect(
            f"The login sent bob to {location!r}, not {LANDING!r}: send next={LANDING!r} with the login "
            "(a form field, or the query string of the POST)."
        )
    home = client.get(HOME, allow_redirects=False)
    if home.status_code != 200:
        raise Incorrect(
            f"bob_client's login_user cookie no longer works ({HOME} answered {home.status_code}): "
            "did it log out afterwards? Log in again."
        )
    return f"The login answered 302 to {LANDING}, and its Set-Cookie is the cookie bob holds."


_BOB = "bob_client = site.client()\n"
_LOG_IN = "bob_client.log_in({who!r}, url='/cookie-login/login/'{extra})\n"

q2 = LESSON.add(
    "q2",
    HttpTask(
        title="Log in as bob, and land on the right page",
        variables={"bob_client": CLIENT},
        inspect=_inspect_bob,
        hints=[
            "bob_client = site.client(). The POST needs the CSRF token, which bob_client.post_form(url, data) "
            "adds for you; `next` is one more field of the form.",
            "bob_client.post_form('/cookie-login/login/', {'username': 'bob', 'password': DEMO_USERS['bob'], "
            "'next': ...}).",
            "Or in one line: bob_client.log_in('bob', url='/cookie-login/login/', "
            "next='/cookie-login/home/?from=exercise').",
        ],
        solution="""
            bob_client = site.client()
            bob_client.post_form(
                "/cookie-login/login/",
                {"username": "bob", "password": DEMO_USERS["bob"], "next": "/cookie-login/home/?from=exercise"},
            )
        """,
        why="post_form() first fetched a page that gave the client a CSRF cookie; the POST sent the same token in the form, so Django's "
        "CSRF middleware let it through; authenticate() checked bob's password; safe_next() kept the "
        "local next; and the reply's signed login_user cookie, naming bob, is the one the client holds.",
        wrong_answers=[
            WrongAnswer(
                _BOB
                + "bob_client.post('/cookie-login/login/', data={'username': 'bob', 'password': 'builder-2024'})",
                "got 403 Forbidden",
            ),
            WrongAnswer(
                _BOB + _LOG_IN.format(who="bob", extra=", password='bob'"),
                "the username or the password is wrong",
            ),
            WrongAnswer(
                _BOB + _LOG_IN.format(who="alice", extra=", next='/cookie-login/home/?from=exercise'"),
                "logged in as alice, not bob",
            ),
            WrongAnswer(
                _BOB + _LOG_IN.format(who="bob", extra=""), "not '/cookie-login/home/?from=exercise'"
            ),
            WrongAnswer(
                _BOB + "bob_client.post('/classic/cookie-login/login/?next=/classic/cookie-login/home/', "
                "data={'username': 'admin', 'password': 'classic-2024'})",
                "the classic cookie",
            ),
            WrongAnswer(
                "from django.http import HttpResponse\n" + _BOB + "_forged = HttpResponse()\n"
                "_forged.set_signed_cookie('login_user', 'bob', salt='demo_site.cookie_login')\n"
                "bob_client.cookies.set('login_user', _forged.cookies['login_user'].value, domain='127.0.0.1')",
                "never logged in with a POST",
            ),
            WrongAnswer(
                "from django.http import HttpResponse\n"
                + _BOB
                + _LOG_IN.format(who="alice", extra=", next='/cookie-login/home/?from=exercise'")
                + "_forged = HttpResponse()\n"
                "_forged.set_signed_cookie('login_user', 'bob', salt='demo_site.cookie_login')\n"
                "bob_client.cookies.set('login_user', _forged.cookies['login_user'].value, "
                "domain='127.0.0.1', path='/')",
                "no login POST gave it",
            ),
        ],
    ),
)


# -- q3: does a password change end the copy? ---------------------------------------------


def _set_password(username: str, password: str) -> None:
    from django.contrib.auth.models import User

    user = User.objects.get(username=username)
    user.set_password(password)
    user.save()


def _copy_after_password_change(attempt: Attempt) -> int:
    from demo_site.home.users import DEMO_USERS

    site = attempt.site
    with site.client() as alice, site.client() as thief:
        alice.log_in("alice", url=LOGIN)
        thief.cookies.set("login_user", alice.cookies["login_user"], domain="127.0.0.1", path="/")
        site.orm(_set_password, "alice", "a new password after the theft")
        try:
            return thief.get(HOME, allow_redirects=False).status_code
        finally:
            site.orm(_set_password, "alice", DEMO_USERS["alice"])


q3 = LESSON.add(
    "q3",
    Prediction(
        title="Predict: does a password change end the copy?",
        variables={"thief_gets": WHOLE_NUMBER},
        choices=(200, 302),
        experiment=_copy_after_password_change,
        explain="cookie_user() checks the signature, the age, and that alice exists and is active; nothing in "
        "the cookie depends on her password, so the copy still opens the page until it expires. A per-user "
        "value in the cookie (as sessions keep get_session_auth_hash()) would end every copy at a password "
        "change; no signed cookie can end just one.",
        hints=[
            "Read cookie_user() again: what does it look up in the database?",
            "Is the password, or anything derived from it, inside alice:TIMESTAMP:SIGNATURE?",
        ],
        solution="thief_gets = 200",
        why="The cookie vouches for a username, not for a password: changing the password changes nothing the "
        "fixed login checks.",
        wrong_answers=[
            WrongAnswer("thief_gets = 302", "the experiment gave 200"),
            WrongAnswer("thief_gets = 500", "is not one of the choices"),
            WrongAnswer("thief_gets = '200'", "whole number"),
        ],
    ),
)
