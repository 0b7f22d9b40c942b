"""Exercises of lesson 04a · Logging in with a cookie: the classic code and its bugs.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo site.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from course_helpers.exercises.answer_types import DECORATOR, TEXT
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import FixTheView, HttpTask, Prediction

LESSON = Lesson("04a", "Logging in with a cookie (part a)")

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


# -- q2: fix the classic check_login ----------------------------------------------------

_ARGS_DROPPED = "ARGS-DROPPED"


def _secret_page(request, item, *, colour):
    """The secret page: only logged-in users may see it."""
    from django.http import HttpResponse

    from demo_site.cookie_login.views import cookie_user

    return HttpResponse(
        f"The secret {item} page ({colour}), for {cookie_user(request)}.", content_type="text/plain"
    )


def _served_with_arguments(decorated):
    """The learner's decorated view as the URLconf would call it: with a positional and a keyword argument."""
    from django.http import HttpResponse

    def view(request):
        try:
            return decorated(request, "tea", colour="green")
        except TypeError as exc:
            return HttpResponse(f"{_ARGS_DROPPED} {exc}", status=500, content_type="text/plain")

    return view


def _signed_login(value: str, *, hours_ago: float = 0) -> str:
    """A login_user value signed here with the site's key, as set_signed_cookie would, ``hours_ago`` hours ago."""
    import datetime as dt

    from django.http import HttpResponse

    from course_helpers.clock import travel
    from demo_site.cookie_login.views import LOGIN_COOKIE, LOGIN_SALT

    response = HttpResponse()
    with travel(-dt.timedelta(hours=hours_ago)):
        response.set_signed_cookie(LOGIN_COOKIE, value, salt=LOGIN_SALT)
    return response.cookies[LOGIN_COOKIE].value


def _visit_with(attempt: Attempt, url: str, cookie: str | None):
    client = attempt.client
    client.cookies.clear()
    if cookie is not None:
        client.cookies.set("login_user", cookie, domain="127.0.0.1", path="/")
    reply = client.get(url, allow_redirects=False)
    client.cookies.clear()
    _refuse_dropped_arguments(reply)
    return reply


def _refuse_dropped_arguments(reply) -> None:
    if reply.status_code == 500 and reply.text.startswith(_ARGS_DROPPED):
        raise Incorrect(
            "The URL gave the view an argument (item='tea', colour='green') and your wrapper did not pass it on "
            f"({reply.text[len(_ARGS_DROPPED) + 1 :]}): define `inner(request, *args, **kwargs)` and call "
            "`view(request, *args, **kwargs)`."
        )


def _drive_check_login(attempt: Attempt) -> str:
    asked = f"{attempt.prefix}?a=1&b=2"
    anonymous = _visit_with(attempt, asked, None)
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
    if anonymous.status_code in (301, 308):
        raise Incorrect(
            f"An anonymous visitor got {anonymous.status_code}, a permanent redirect: browsers cache it and "
            "would skip the page even after logging in. Use a temporary one (302): redirect(...) without "
            "permanent=True."
        )
    if anonymous.status_code not in (302, 303, 307) or not location:
        raise Incorrect(f"An anonymous visitor got {anonymous.status_code}; they should be redirected (302).")
    where = urlsplit(location)
    if where.path != LOGIN:
        raise Incorrect(f"Your redirect goes to {location!r}; it should go to the login page {LOGIN}.")
    query = parse_qs(where.query)
    nexts = query.get("next")
    if not nexts:
        raise Incorrect(
            f"The redirect to {location!r} has no ?next=: after logging in, the visitor would not come back "
            f"to {asked}. Add ?next=<the path they asked for>."
        )
    if nexts[0] == attempt.prefix:
        raise Incorrect(
            f"?next= is {nexts[0]!r} but the visitor asked for {asked!r}: use request.get_full_path() "
            "(it keeps the query string)."
        )
    if nexts[0] != asked:
        raise Incorrect(
            f"The visitor asked for {asked!r}, but your Location {location!r} gives next={nexts[0]!r}: the "
            "path was pasted in unencoded, so its '&b=2' became a parameter of the login URL. Encode it: "
            "'?' + urlencode({'next': request.get_full_path()}), or redirect_to_login()."
        )
    refusals = [
        ("bob", "A forged, unsigned cookie login_user=bob got in. Anyone can type that cookie: read it with "
         "cookie_user(request) (get_signed_cookie checks the signature), never with request.COOKIES."),
        ("bob:1xWHfw:" + "A" * 43, "A forged cookie with a colon in it (bob:1xWHfw:AAAA…, never signed by the "
         "site) got in: looking for ':' is not checking a signature. Use cookie_user(request)."),
        (_signed_login("mallory"), "A correctly signed cookie for 'mallory', a user who does not exist, got in: "
         "a signature proves the site wrote the value once, not that the user still exists or is active. "
         "cookie_user(request) checks both."),
        (_signed_login("bob", hours_ago=2), "bob's cookie, signed two hours ago, got in: read it with max_age "
         "(cookie_user() uses max_age=3600), or a copied cookie works forever."),
    ]  # fmt: skip
    for cookie, message in refusals:
        if _visit_with(attempt, asked, cookie).status_code == 200:
            raise Incorrect(message)
    client = attempt.client
    client.log_in("bob", url=LOGIN, allow_redirects=False)
    logged_in = client.get(asked, allow_redirects=False)
    _refuse_dropped_arguments(logged_in)
    if logged_in.status_code != 200:
        raise Incorrect(
            f"bob logged in (his signed cookie is valid) but your decorator answered {logged_in.status_code} "
            "instead of calling the view."
        )
    if "The secret tea page (green), for bob" not in logged_in.text:
        raise Incorrect("bob got a page, but not the view's own page: call view(request, *args, **kwargs).")
    return (
        "Anonymous visitors were sent to log in with the whole path in ?next=; forged, stale and hand-signed "
        "cookies were refused; bob got in, with the view's arguments passed on."
    )


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


_IMPORTS = (
    "import functools\n"
    "from django.shortcuts import redirect\n"
    "from django.utils.http import urlencode\n"
    "from demo_site.cookie_login.views import cookie_user\n"
)


def _decorator(
    condition: str, redirect_call: str, *, wraps: bool = True, call: str = "view(request, *args, **kwargs)"
) -> str:
    return (
        _IMPORTS
        + "def check_login(view):\n"
        + ("    @functools.wraps(view)\n" if wraps else "")
        + "    def inner(request, *args, **kwargs):\n"
        + f"        if {condition}:\n"
        + f"            return {redirect_call}\n"
        + f"        return {call}\n"
        + "    return inner\n"
    )


_GOOD_REDIRECT = "redirect('/cookie-login/login/?' + urlencode({'next': request.get_full_path()}))"
_NOBODY = "cookie_user(request) is None"

q2 = LESSON.add(
    "q2",
    _FixTheDecorator(
        title="Fix the classic check_login",
        variables={"check_login": DECORATOR},
        routes=lambda attempt: {"": _served_with_arguments(attempt["check_login"](_secret_page))},
        drive=_drive_check_login,
        hints=[
            "Keep the classic shape (a function `inner` inside `check_login`), but give every path a "
            "`return`: the view's response when cookie_user(request) names someone, a redirect otherwise.",
            "The redirect: redirect('/cookie-login/login/?' + urlencode({'next': request.get_full_path()})) "
            "(from django.utils.http import urlencode), or Django's "
            "redirect_to_login(request.get_full_path(), login_url='/cookie-login/login/').",
            "Put @functools.wraps(view) on the line above `def inner(request, *args, **kwargs)`, and pass "
            "*args, **kwargs on to the view.",
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
        why="Every path through `inner` returns a response; the signed cookie is checked by cookie_user() "
        "(signature, max_age, an active user); ?next= carries the whole path, encoded, in a temporary "
        "redirect; the view gets its arguments; and functools.wraps keeps the view's __name__ and __doc__.",
        wrong_answers=[
            WrongAnswer(
                _IMPORTS + "def check_login(view):\n"
                "    def inner(request, *args, **kwargs):\n"
                "        if cookie_user(request) is not None:\n"
                "            return view(request, *args, **kwargs)\n"
                "            return redirect('/cookie-login/login/?next=' + request.get_full_path())\n"
                "    return inner\n",
                "returned None",
            ),
            WrongAnswer(
                _decorator(_NOBODY, _GOOD_REDIRECT, wraps=False), "the wrapped view lost its __name__"
            ),
            WrongAnswer(_decorator(_NOBODY, "redirect('/cookie-login/login/')"), "has no ?next="),
            WrongAnswer(
                _decorator(_NOBODY, "redirect('/cookie-login/login/?next=' + request.get_full_path())"),
                "pasted in unencoded",
            ),
            WrongAnswer(
                _decorator(_NOBODY, "redirect('/cookie-login/login/?' + urlencode({'next': request.path}))"),
                "request.get_full_path()",
            ),
            WrongAnswer(
                _decorator(_NOBODY, _GOOD_REDIRECT.replace("))", "), permanent=True)")),
                "a permanent redirect",
            ),
            WrongAnswer(
                _decorator("not request.COOKIES.get('login_user')", _GOOD_REDIRECT), "forged, unsigned cookie"
            ),
            WrongAnswer(
                _decorator("':' not in request.COOKIES.get('login_user', '')", _GOOD_REDIRECT),
                "a colon in it",
            ),
            WrongAnswer(
                _decorator(
                    "request.get_signed_cookie('login_user', default=None, salt='demo_site.cookie_login', "
                    "max_age=3600) is None",
                    _GOOD_REDIRECT,
                ),
                "a user who does not exist",
            ),
            WrongAnswer(
                "from django.contrib.auth.models import User\n"
                + _decorator(
                    "not User.objects.filter(is_active=True, username=request.get_signed_cookie("
                    "'login_user', default='', salt='demo_site.cookie_login')).exists()",
                    _GOOD_REDIRECT,
                ),
                "signed two hours ago",
            ),
            WrongAnswer(_decorator(_NOBODY, _GOOD_REDIRECT, call="view(request)"), "did not pass it on"),
        ],
    ),
)


# -- q3: another way out -----------------------------------------------------------------

CLASSIC_INTENDED_LOGIN = "/classic/cookie-login/intended/login/"


def _shown_payloads(host: str) -> set[str]:
    """The ?next= values the lesson's table already tried."""
    return {
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "///evil.example",
        "https:evil.example",
        f"http://{host}@evil.example",
    }


def _same_trick(escape: str, host: str, shown: set[str]) -> str | None:
    """The payload of the table that ``escape`` repeats with another host, path or http(s), or ``None``.

    ``host`` is where a browser goes (lower case): its spelling in ``escape`` is replaced by evil.example
    and what follows it is cut, so 'https://phish.example/login' is the table's 'https://evil.example'.
    Another letter case ('EVIL.EXAMPLE', 'HTTPS:') is a trick of its own and is kept.
    """
    at = escape.find(host) if host else -1
    if at < 0:
        return None
    shape = escape[:at] + "evil.example"
    if "@" in shape.split("//", 1)[-1]:
        shape = next(p for p in shown if "@" in p)
    for candidate in (shape, "https:" + shape.removeprefix("http:")):
        if candidate in shown:
            return candidate
    return None


def _inspect_escape(attempt: Attempt) -> str:
    from course_helpers.redirects import browser_destination, stays_on_site
    from demo_site.cookie_login import classic

    escape = attempt["escape"]
    site = attempt.site
    shown = {payload.rstrip("/") for payload in _shown_payloads(f"127.0.0.1:{site.port}")}
    if escape.rstrip("/") in shown:
        raise Incorrect(
            f"{escape!r} is already in the table above: find one the lesson did not show (think of what a browser "
            "fixes up: letter case, missing or extra slashes)."
        )
    with site.client() as client:
        reply = client.post(
            CLASSIC_INTENDED_LOGIN,
            params={"next": escape},
            data={"username": classic.CLASSIC_USERNAME, "password": classic.CLASSIC_PASSWORD},
            allow_redirects=False,
        )
    location = reply.headers.get("Location")
    if reply.status_code >= 400 or location is None:
        raise Incorrect(
            f"The classic login answered {reply.status_code} with no redirect: Django's HttpResponseRedirect "
            "refuses schemes other than http, https and ftp (javascript:, data:), so no browser goes anywhere."
        )
    goes_to = browser_destination(reply.url, location)
    if stays_on_site(goes_to, site.url):
        raise Incorrect(
            f"The login answered Location: {location!r}, and a browser resolves that to {goes_to}: still this "
            "site. Django percent-encoded what a URL may not contain (a backslash becomes %5C, a space %20), "
            "and a path is a path, whatever text it holds."
        )
    same = _same_trick(escape, urlsplit(goes_to).hostname or "", shown)
    if same:
        raise Incorrect(
            f"{escape!r} is the table's {same!r} again, with another host, scheme or path: the same trick. "
            "Find a way of writing the URL that the table did not try (what does a browser fix up?)."
        )
    return f"Location: {location!r} takes a browser to {goes_to}."


q3 = LESSON.add(
    "q3",
    HttpTask(
        title="Find another way out",
        variables={"escape": TEXT},
        inspect=_inspect_escape,
        hints=[
            "Schemes and host names are case-insensitive, and browsers repair sloppy URLs.",
            "Browsers skip any number of slashes after 'https:' (one, two, four...).",
            "Try 'https:/evil.example' (one slash) or 'HTTPS://EVIL.EXAMPLE'.",
        ],
        solution='escape = "https:/evil.example"',
        why="A browser reads a URL with a special scheme other than the page's as absolute, however many "
        "slashes follow, and a path starting with '//' (any number of slashes) as another host. Other ways "
        "out: 'HTTPS://EVIL.EXAMPLE', '////evil.example'. Another domain is not another way out: it is the same trick. A login must check "
        "where `next` goes, not what it looks like.",
        wrong_answers=[
            WrongAnswer('escape = "//evil.example"', "already in the table"),
            WrongAnswer('escape = "https://evil.example/"', "already in the table"),
            WrongAnswer('escape = "/evil.example"', "still this site"),
            WrongAnswer('escape = "https://phish.example/login"', "the same trick"),
            WrongAnswer('escape = "//evil.com"', "the same trick"),
            WrongAnswer('escape = "http://evil.example"', "the same trick"),
            WrongAnswer('escape = " //evil.example"', "a space %20"),
            WrongAnswer('escape = "javascript:alert(1)"', "refuses schemes other than http"),
        ],
    ),
)
