"""Exercises of lesson 04 · Logging in with a cookie.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo site.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from course_helpers.cookies import find_cookie
from course_helpers.exercises.answer_types import CLIENT, DECORATOR
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import Case, FixTheView, FunctionExercise, HttpTask, Prediction
from course_helpers.redirects import open_redirect_payloads

LESSON = Lesson("04", "Logging in with a cookie")

CLASSIC_LOGIN = "/classic/cookie-login/login/"
CLASSIC_HOME = "/classic/cookie-login/home/"
CLASSIC_FALLBACK = "/classic/cookie-login/class-list/"
LOGIN = "/cookie-login/login/"
HOME = "/cookie-login/home/"


# -- q1: where does the classic login send you? ----------------------------------------


def _classic_login_lands(attempt: Attempt) -> str:
    from demo_site.cookie_login import classic

    with attempt.site.client() as client:
        reply = client.post(
            f"{CLASSIC_LOGIN}?next={CLASSIC_HOME}",
            data={"username": classic.CLASSIC_USERNAME, "password": classic.CLASSIC_PASSWORD},
            allow_redirects=False,
        )
    if reply.status_code >= 500:
        return "500"
    return reply.headers.get("Location", "")


q1 = LESSON.add(
    "q1",
    Prediction(
        title="Predict: where does the classic login send you?",
        variables=["landing"],
        choices=(CLASSIC_HOME, CLASSIC_FALLBACK, "500"),
        experiment=_classic_login_lands,
        explain="With the right password and ?next=/classic/cookie-login/home/, the view assigns "
        "`response = redirect(next_url)` and, on the very next line, `response = redirect(fallback)`: "
        "without an `else:` the second assignment always wins, so `next` is thrown away.",
        hints=[
            "Read the lines inside `if next_url and ...:` in `classic.login` one by one. How many "
            "assignments to `response` run?",
            "Both run, one after the other; the last one is what the view returns.",
        ],
        solution=f'landing = "{CLASSIC_FALLBACK}"',
        why="Two assignments in a row: the second overwrites the first.",
        wrong_answers=[
            WrongAnswer(f'landing = "{CLASSIC_HOME}"', "the second assignment always wins"),
            WrongAnswer('landing = "500"', f"the experiment gave '{CLASSIC_FALLBACK}'"),
            WrongAnswer('landing = "/class_list/"', "is not one of the choices"),
        ],
    ),
)


# -- q2: a safe next URL ----------------------------------------------------------------

_HOST = "127.0.0.1:8000"
_NOTES = {
    "https://evil.example": "An absolute URL to another host leaves the site.",
    "//evil.example": "'//evil.example' is protocol-relative: a browser goes to http://evil.example/. "
    "Starting with '/' does not make a URL local.",
    "/\\evil.example": "Browsers read '\\' as '/' in http(s) URLs, so '/\\evil.example' is "
    "'//evil.example': another host. urlsplit() does not know that; Django's check does.",
    "\\\\evil.example": "Browsers read '\\\\evil.example' as '//evil.example'.",
    "\\/evil.example": "Browsers read '\\/evil.example' as '//evil.example'.",
    "///evil.example": "Browsers skip any number of slashes: '///evil.example' is evil.example.",
    "https:evil.example": "'https:evil.example' (no slashes) is https://evil.example/ to a browser.",
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
    ]
    return cases


q2 = LESSON.add(
    "q2",
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
        why="url_has_allowed_host_and_scheme() parses the URL the way browsers do (backslashes, "
        "whitespace, control characters, missing slashes) and accepts only a relative URL or one whose "
        "host is in allowed_hosts and whose scheme is http(s).",
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
        ],
    ),
)


# -- q3: fix the classic check_login ----------------------------------------------------


def _secret_page(request):
    """The secret page: only logged-in users may see it."""
    from django.http import HttpResponse

    from demo_site.cookie_login.views import cookie_user

    return HttpResponse(f"The secret page, for {cookie_user(request)}.", content_type="text/plain")


def _drive_check_login(attempt: Attempt) -> str:
    client = attempt.client
    asked = f"{attempt.prefix}?x=1"
    anonymous = client.get(asked, allow_redirects=False)
    if anonymous.status_code >= 500:
        raise Incorrect(
            "An anonymous visitor got a 500: your decorator returned None for them. "
            "Is the redirect after a `return`, or is an `else:` missing?"
        )
    if anonymous.status_code == 200:
        raise Incorrect(
            "An anonymous visitor (no cookie at all) saw the secret page: your decorator let them in. "
            "Call cookie_user(request) and redirect when it is None."
        )
    location = anonymous.headers.get("Location", "")
    if anonymous.status_code not in (301, 302, 303, 307) or not location:
        raise Incorrect(f"An anonymous visitor got {anonymous.status_code}; they should be redirected (302).")
    where = urlsplit(location)
    if where.path != LOGIN:
        raise Incorrect(f"Your redirect goes to {location!r}; it should go to the login page {LOGIN}.")
    nexts = parse_qs(where.query).get("next")
    if not nexts:
        raise Incorrect(
            f"The redirect to {location!r} has no ?next=: after logging in, the visitor would not come back "
            f"to {asked}. Add ?next=<the path they asked for>."
        )
    if nexts[0] != asked:
        raise Incorrect(
            f"?next= is {nexts[0]!r} but the visitor asked for {asked!r}: use request.get_full_path() "
            "(it keeps the query string)."
        )
    client.cookies.set("login_user", "bob", domain="127.0.0.1", path="/")
    forged = client.get(asked, allow_redirects=False)
    client.cookies.clear()
    if forged.status_code == 200:
        raise Incorrect(
            "A forged, unsigned cookie login_user=bob got in. Anyone can type that cookie: read it with "
            "cookie_user(request) (get_signed_cookie checks the signature), never with request.COOKIES."
        )
    client.log_in("bob", url=LOGIN, allow_redirects=False)
    logged_in = client.get(asked, allow_redirects=False)
    if logged_in.status_code != 200:
        raise Incorrect(
            f"bob logged in (his signed cookie is valid) but your decorator answered {logged_in.status_code} "
            "instead of calling the view."
        )
    if "for bob" not in logged_in.text:
        raise Incorrect("bob got a page, but not the view's own page: call view(request, *args, **kwargs).")
    return "Anonymous visitors were sent to log in with ?next=, a forged cookie was refused, and bob got in."


class _FixTheDecorator(FixTheView):
    """A FixTheView for a decorator: it must also keep the view's name and docstring."""

    def verify(self, attempt: Attempt) -> str | None:
        result = super().verify(attempt)
        wrapped = attempt.call(attempt["check_login"], _secret_page)
        name = getattr(wrapped, "__name__", None)
        if name != _secret_page.__name__ or getattr(wrapped, "__doc__", None) != _secret_page.__doc__:
            raise Incorrect(
                f"It works, but the wrapped view lost its __name__ (it is {name!r}, not "
                f"{_secret_page.__name__!r}) and its docstring: decorate your inner function with "
                "@functools.wraps(view)."
            )
        return result


_DECORATOR_IMPORTS = (
    "import functools\n"
    "from django.shortcuts import redirect\n"
    "from demo_site.cookie_login.views import cookie_user\n"
)

q3 = LESSON.add(
    "q3",
    _FixTheDecorator(
        title="Fix the classic check_login",
        variables={"check_login": DECORATOR},
        routes=lambda attempt: {"": attempt["check_login"](_secret_page)},
        drive=_drive_check_login,
        hints=[
            "Keep the classic shape (a function `inner` inside `check_login`), but give every path a "
            "`return`: the view's response when cookie_user(request) names someone, a redirect otherwise.",
            "The redirect: redirect('/cookie-login/login/?' + urlencode({'next': request.get_full_path()})) "
            "(from django.utils.http import urlencode), or Django's "
            "redirect_to_login(request.get_full_path(), login_url='/cookie-login/login/').",
            "Put @functools.wraps(view) on the line above `def inner(...)` so the view keeps its name.",
        ],
        solution="""
            import functools

            from django.shortcuts import redirect
            from django.utils.http import urlencode

            from demo_site.cookie_login.views import cookie_user


            def check_login(view):
                @functools.wraps(view)
                def inner(request, *args, **kwargs):
                    if cookie_user(request) is None:
                        return redirect("/cookie-login/login/?" + urlencode({"next": request.get_full_path()}))
                    return view(request, *args, **kwargs)

                return inner
        """,
        why="Every path through `inner` returns a response, the signed cookie is checked by "
        "cookie_user(), ?next= brings the visitor back, and functools.wraps keeps the view's "
        "__name__ and __doc__ (Django's error messages, the site map and debuggers use them).",
        wrong_answers=[
            WrongAnswer(
                _DECORATOR_IMPORTS + "def check_login(view):\n"
                "    def inner(request, *args, **kwargs):\n"
                "        if cookie_user(request) is not None:\n"
                "            return view(request, *args, **kwargs)\n"
                "            return redirect('/cookie-login/login/?next=' + request.get_full_path())\n"
                "    return inner\n",
                "returned None",
            ),
            WrongAnswer(
                _DECORATOR_IMPORTS + "from django.utils.http import urlencode\n"
                "def check_login(view):\n"
                "    def inner(request, *args, **kwargs):\n"
                "        if cookie_user(request) is None:\n"
                "            return redirect('/cookie-login/login/?' + urlencode({'next': request.get_full_path()}))\n"
                "        return view(request, *args, **kwargs)\n"
                "    return inner\n",
                "the wrapped view lost its __name__",
            ),
            WrongAnswer(
                _DECORATOR_IMPORTS + "def check_login(view):\n"
                "    @functools.wraps(view)\n"
                "    def inner(request, *args, **kwargs):\n"
                "        if cookie_user(request) is None:\n"
                "            return redirect('/cookie-login/login/')\n"
                "        return view(request, *args, **kwargs)\n"
                "    return inner\n",
                "has no ?next=",
            ),
            WrongAnswer(
                _DECORATOR_IMPORTS + "def check_login(view):\n"
                "    @functools.wraps(view)\n"
                "    def inner(request, *args, **kwargs):\n"
                "        if not request.COOKIES.get('login_user'):\n"
                "            return redirect('/cookie-login/login/?next=' + request.get_full_path())\n"
                "        return view(request, *args, **kwargs)\n"
                "    return inner\n",
                "forged, unsigned cookie",
            ),
            WrongAnswer(
                _DECORATOR_IMPORTS + "def check_login(view):\n"
                "    @functools.wraps(view)\n"
                "    def inner(request, *args, **kwargs):\n"
                "        if cookie_user(request) is None:\n"
                "            return redirect('/cookie-login/login/?next=' + request.path)\n"
                "        return view(request, *args, **kwargs)\n"
                "    return inner\n",
                "request.get_full_path()",
            ),
        ],
    ),
)


# -- q4: log in as bob ------------------------------------------------------------------


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
                "page first (it sets the csrftoken cookie), then send "
                "csrfmiddlewaretoken=bob_client.cookies['csrftoken'] with the form."
            )
        if any(ex.status == 200 for ex in posts):
            raise Incorrect(
                f"Your POST to {LOGIN} came back with the form again (200): the username or the password "
                "is wrong. bob's password is in demo_site/home/users.py (DEMO_USERS['bob'])."
            )
        raise Incorrect(f"bob_client has no login_user cookie: it has not logged in through {LOGIN}.")
    if not any(ex.status == 302 for ex in posts):
        raise Incorrect(
            f"bob_client holds a login_user cookie but never logged in with a POST to {LOGIN}: a cookie "
            "signed in the notebook proves you have the server's key, not bob's password."
        )
    home = client.get(HOME, allow_redirects=False)
    if home.status_code != 200:
        raise Incorrect(
            f"bob_client's login_user cookie no longer works ({HOME} answered {home.status_code}): "
            "did it log out afterwards? Log in again."
        )
    if ">bob<" not in home.text:
        user = home.text.split('id="username">')[1].split("<")[0] if 'id="username">' in home.text else "?"
        raise Incorrect(f"bob_client is logged in as {user}, not bob.")
    return "The fixed home page greets bob."


q4 = LESSON.add(
    "q4",
    HttpTask(
        title="Log in as bob, CSRF token and all",
        variables={"bob_client": CLIENT},
        inspect=_inspect_bob,
        hints=[
            "bob_client = site.client(); then bob_client.get('/cookie-login/login/') gives it a csrftoken cookie.",
            "POST to /cookie-login/login/ with data={'username': ..., 'password': ..., "
            "'csrfmiddlewaretoken': bob_client.cookies['csrftoken']}.",
            "bob's password is DEMO_USERS['bob'] (from demo_site.home.users import DEMO_USERS).",
        ],
        solution="""
            from demo_site.home.users import DEMO_USERS

            bob_client = site.client()
            bob_client.get("/cookie-login/login/")
            bob_client.post(
                "/cookie-login/login/",
                data={
                    "username": "bob",
                    "password": DEMO_USERS["bob"],
                    "csrfmiddlewaretoken": bob_client.cookies["csrftoken"],
                },
            )
        """,
        why="The GET gave the client a CSRF cookie; the POST sent the same token in the form, so "
        "Django's CSRF middleware let it through; authenticate() checked bob's password; the reply set "
        "a signed login_user cookie naming bob.",
        wrong_answers=[
            WrongAnswer(
                "bob_client = site.client()\n"
                "bob_client.post('/cookie-login/login/', data={'username': 'bob', 'password': 'builder-2024'})",
                "got 403 Forbidden",
            ),
            WrongAnswer(
                "bob_client = site.client()\n"
                "bob_client.get('/cookie-login/login/')\n"
                "bob_client.post('/cookie-login/login/', data={'username': 'bob', 'password': 'bob', "
                "'csrfmiddlewaretoken': bob_client.cookies['csrftoken']})",
                "the username or the password is wrong",
            ),
            WrongAnswer(
                "bob_client = site.client()\n"
                "bob_client.get('/cookie-login/login/')\n"
                "bob_client.post('/cookie-login/login/', data={'username': 'alice', "
                "'password': 'wonderland-2024', 'csrfmiddlewaretoken': bob_client.cookies['csrftoken']})",
                "logged in as alice, not bob",
            ),
            WrongAnswer(
                "bob_client = site.client()\n"
                "bob_client.post('/classic/cookie-login/login/?next=/classic/cookie-login/home/', "
                "data={'username': 'admin', 'password': 'classic-2024'})",
                "the classic cookie",
            ),
            WrongAnswer(
                "from django.http import HttpResponse\n"
                "bob_client = site.client()\n"
                "_forged = HttpResponse()\n"
                "_forged.set_signed_cookie('login_user', 'bob', salt='demo_site.cookie_login')\n"
                "bob_client.cookies.set('login_user', _forged.cookies['login_user'].value, domain='127.0.0.1')",
                "never logged in with a POST",
            ),
        ],
    ),
)
