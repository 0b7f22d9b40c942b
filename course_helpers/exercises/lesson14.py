"""Exercises of lesson 14 · Capstone: a "remember me" login, graded one requirement at a time.

The learner writes four views (``login_view``, ``account_view``,
``logout_view``, ``logout_everywhere_view``) in one cell. Each exercise
``q1`` … ``q6`` is one requirement of the specification: it serves the
learner's views together under one prefix (``login/``, ``account/``,
``logout/``, ``logout-everywhere/`` below ``/exercise/slot-N/``), drives
them over HTTP with the hostile requests the course taught, and says either
that the requirement is met or what failed and the request that showed it.
:func:`report` puts the six verdicts in one table, the report card.

Every wrong answer is the reference solution with exactly one requirement
broken (:data:`BROKEN`); ``tests/test_capstone.py`` proves that each breaks
its own requirement and no other, which is what makes the grader fair.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo site.
"""

from __future__ import annotations

import contextlib
import inspect
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from course_helpers.cookies import find_cookie
from course_helpers.display import Table, describe_age
from course_helpers.exchange import set_cookie_headers
from course_helpers.exercises.answer_types import VIEW
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, Outcome, WrongAnswer
from course_helpers.exercises.kinds import FixTheView
from course_helpers.redirects import browser_destination, stays_on_site

LESSON = Lesson("14", "Capstone")

# -- the specification's numbers and names (the checks use these, whatever a notebook says) --------

#: Seconds without a request after which a session that is not remembered ends (requirement 3).
IDLE_TIMEOUT = 30 * 60
#: Seconds after the login after which a session that is not remembered ends, however active (4).
ABSOLUTE_TIMEOUT = 12 * 60 * 60
#: A remembered session: its cookie's Max-Age (2), and its absolute limit after the login (4).
REMEMBER_ME_AGE = 30 * 24 * 60 * 60
#: Where the views keep the login time (``time.time()``, a float) in the session.
LOGIN_AT = "login_at"
#: Where the views keep the time of the last request (``time.time()``, a float) in the session.
LAST_SEEN = "last_seen"

#: The learner's four views, by the path each is served at under the prefix.
PAGES = {
    "login/": "login_view",
    "account/": "account_view",
    "logout/": "logout_view",
    "logout-everywhere/": "logout_everywhere_view",
}


def page_url(request, page: str) -> str:
    """The path of ``page`` (``"login/"``, ``"account/"``) beside the view that answers ``request``.

    The checks serve the four views together under a prefix that changes from
    check to check (``/exercise/slot-7/``), so a view cannot hard-code where
    the others are: ``page_url(request, "login/")`` from ``/exercise/slot-7/account/``
    is ``/exercise/slot-7/login/``.
    """
    return request.path.rsplit("/", 2)[0] + "/" + page


# -- the reference solution: the four views ---------------------------------------------------------

SOLUTION = '''
import time

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe


@require_http_methods(["GET", "POST"])
def login_view(request):
    """GET: the form. POST: log in (1), remembered or not (2), then a safe next (6)."""
    if request.method == "POST":
        user = authenticate(
            request, username=request.POST.get("username"), password=request.POST.get("password")
        )
        if user is None:
            return render(request, "capstone/login.html", {"error": "Wrong username or password."})
        login(request, user)  # a new session key: no fixation
        remember = request.POST.get("remember") == "on"
        request.session["remember"] = remember
        request.session.set_expiry(REMEMBER_ME_AGE if remember else 0)
        request.session[LOGIN_AT] = request.session[LAST_SEEN] = time.time()
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = page_url(request, "account/")
        return HttpResponseRedirect(next_url)
    return render(request, "capstone/login.html")


def timed_out(session):
    """Whether the session is past its idle (3) or absolute (4) timeout; an unreadable marker is."""
    now = time.time()
    login_at, last_seen = session.get(LOGIN_AT), session.get(LAST_SEEN)
    if not isinstance(login_at, float) or not isinstance(last_seen, float):
        return True
    if session.get("remember"):
        return now - login_at > REMEMBER_ME_AGE
    return now - login_at > ABSOLUTE_TIMEOUT or now - last_seen > IDLE_TIMEOUT


@require_safe
def account_view(request):
    """The protected page. Anonymous or timed out: logged out, sent to log in with next."""
    if not request.user.is_authenticated or timed_out(request.session):
        logout(request)
        return redirect_to_login(request.get_full_path(), login_url=page_url(request, "login/"))
    request.session[LAST_SEEN] = time.time()  # activity slides the idle timeout
    remembered = request.session.get("remember", False)
    return JsonResponse({"username": request.user.get_username(), "remembered": remembered})


@require_POST
def logout_view(request):
    """Log out: flush() deletes the row, so no copy of the cookie works any more (5)."""
    logout(request)
    return HttpResponseRedirect(page_url(request, "login/"))


@require_POST
def logout_everywhere_view(request):
    """End every session of this user, this one included (5), by reading each live row."""
    if request.user.is_authenticated:
        me = str(request.user.pk)
        for row in Session.objects.filter(expire_date__gt=timezone.now()):
            if row.get_decoded().get("_auth_user_id") == me:
                row.delete()
    logout(request)
    return HttpResponseRedirect(page_url(request, "login/"))
'''.strip()


def _broken(*changes: tuple[str, str], imports: str = "") -> str:
    """The reference solution with each ``(old, new)`` change made (``old`` must occur exactly once)."""
    code = SOLUTION
    for old, new in changes:
        if code.count(old) != 1:
            raise ValueError(f"A broken variant's change does not match the solution once: {old!r}")
        code = code.replace(old, new)
    return imports + code


@dataclass(frozen=True)
class Broken:
    """The reference solution with one requirement broken: ``code``, and the fragment its check must say."""

    requirement: str
    code: str
    expect: str
    what: str


_LOGIN = "        login(request, user)  # a new session key: no fixation\n"
_AUTHENTICATE = (
    "        user = authenticate(\n"
    '            request, username=request.POST.get("username"), password=request.POST.get("password")\n'
    "        )\n"
)
_SET_EXPIRY = "        request.session.set_expiry(REMEMBER_ME_AGE if remember else 0)\n"
_IDLE_AND_ABSOLUTE = "    return now - login_at > ABSOLUTE_TIMEOUT or now - last_seen > IDLE_TIMEOUT\n"
_REMEMBERED_LIMIT = "        return now - login_at > REMEMBER_ME_AGE\n"
_SAFE_NEXT = (
    "        if not url_has_allowed_host_and_scheme(\n"
    "            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()\n"
    "        ):\n"
)
_EVERY_ROW = (
    "        for row in Session.objects.filter(expire_date__gt=timezone.now()):\n"
    '            if row.get_decoded().get("_auth_user_id") == me:\n'
    "                row.delete()\n"
)

#: Each wrong answer: the reference with ONE requirement broken, as a learner might break it.
BROKEN = [
    Broken(
        "q1",
        _broken(
            (
                _LOGIN,
                '        request.session["_auth_user_id"] = str(user.pk)  # what login() stores, by hand\n'
                '        request.session["_auth_user_backend"] = user.backend\n'
                '        request.session["_auth_user_hash"] = user.get_session_auth_hash()\n',
            )
        ),
        "is still the key after it",
        "logs in by writing login()'s three keys by hand: no new key",
    ),
    Broken(
        "q1",
        _broken(
            (
                '@require_http_methods(["GET", "POST"])\n',
                '@csrf_exempt\n@require_http_methods(["GET", "POST"])\n',
            ),
            imports="from django.views.decorators.csrf import csrf_exempt\n",
        ),
        "without a CSRF token",
        "marks the login @csrf_exempt",
    ),
    Broken(
        "q1",
        _broken(
            (
                _AUTHENTICATE,
                '        user = User.objects.filter(username=request.POST.get("username")).first()\n'
                "        if user is not None:\n"
                '            user.backend = "django.contrib.auth.backends.ModelBackend"\n',
            ),
            imports="from django.contrib.auth.models import User\n",
        ),
        "A wrong password logged alice in",
        "looks the user up and never checks the password",
    ),
    Broken("q2", _broken((_SET_EXPIRY, "")), "should last 30 days", "never calls set_expiry()"),
    Broken(
        "q2",
        _broken((_SET_EXPIRY, _SET_EXPIRY.replace("else 0", "else None"))),
        "end when the browser closes",
        "set_expiry(None) when not remembered: the two-week default",
    ),
    Broken(
        "q2",
        _broken((_SET_EXPIRY, "        request.session.set_expiry(0 if remember else REMEMBER_ME_AGE)\n")),
        "should last 30 days",
        "the two expiries swapped",
    ),
    Broken(
        "q3",
        _broken((_IDLE_AND_ABSOLUTE, "    return now - login_at > ABSOLUTE_TIMEOUT\n")),
        "30 minutes 10 seconds after the last request",
        "no idle timeout",
    ),
    Broken(
        "q3",
        _broken(("    request.session[LAST_SEEN] = time.time()  # activity slides the idle timeout\n", "")),
        "slide",
        "the idle timeout counted from the login: activity does not slide it",
    ),
    Broken(
        "q3",
        _broken(
            (
                _REMEMBERED_LIMIT,
                "        return now - login_at > REMEMBER_ME_AGE or now - last_seen > IDLE_TIMEOUT\n",
            )
        ),
        "A remembered session",
        "the 30-minute idle timeout applied to remembered sessions too",
    ),
    Broken(
        "q3",
        _broken(
            (
                "    if not isinstance(login_at, float) or not isinstance(last_seen, float):\n",
                "    if not isinstance(last_seen, float):\n"
                "        last_seen = now  # no marker yet: count from now\n"
                "    if not isinstance(login_at, float):\n",
            )
        ),
        "last_seen",
        "an unreadable last_seen counted as 'just now' (fails open)",
    ),
    Broken(
        "q3",
        _broken(
            (
                "    if not request.user.is_authenticated or timed_out(request.session):\n",
                '    seen = request.COOKIES.get("last_seen")  # the browser keeps the idle clock\n'
                "    session = {**request.session, LAST_SEEN: float(seen)} if seen else request.session\n"
                "    if not request.user.is_authenticated or timed_out(session):\n",
            ),
            (
                '    remembered = request.session.get("remember", False)\n'
                '    return JsonResponse({"username": request.user.get_username(), "remembered": remembered})\n',
                '    response = JsonResponse({"username": request.user.get_username()})\n'
                '    response.set_cookie("last_seen", str(time.time()), max_age=IDLE_TIMEOUT, httponly=True)\n'
                "    return response\n",
            ),
        ),
        "last_seen",
        "the idle clock kept in a cookie the client sends (and can forge)",
    ),
    Broken(
        "q4",
        _broken((_IDLE_AND_ABSOLUTE, "    return now - last_seen > IDLE_TIMEOUT\n")),
        "12 hours 1 minute after the login",
        "no absolute timeout",
    ),
    Broken(
        "q4",
        _broken((_REMEMBERED_LIMIT, "        return False\n")),
        "30 days 1 hour after the login",
        "a remembered session never ends",
    ),
    Broken(
        "q4",
        _broken((_REMEMBERED_LIMIT, "        return now - login_at > ABSOLUTE_TIMEOUT\n")),
        "10 days after the login",
        "12 hours for remembered sessions too",
    ),
    Broken(
        "q4",
        _broken(
            (
                "    login_at, last_seen = session.get(LOGIN_AT), session.get(LAST_SEEN)\n",
                "    login_at, last_seen = session.get(LOGIN_AT, now), session.get(LAST_SEEN)\n",
            )
        ),
        "no session['login_at']",
        "a missing login_at counted as 'just now' (fails open)",
    ),
    Broken(
        "q5",
        _broken(
            (
                '    """Log out: flush() deletes the row, so no copy of the cookie works any more (5)."""\n'
                "    logout(request)\n",
                '    """Log out (the classic notes\' way: only a redirect)."""\n',
            )
        ),
        "a copy of the old cookie is still logged in",
        "a logout that only redirects",
    ),
    Broken(
        "q5",
        _broken((_EVERY_ROW, "        pass  # logout(request) below ends this one\n")),
        "still logged in on her laptop",
        "log out everywhere ends only this session",
    ),
    Broken(
        "q5",
        _broken((_EVERY_ROW, _EVERY_ROW.replace(" == me:\n", ":\n"))),
        "bob was logged out too",
        "log out everywhere ends everybody's sessions",
    ),
    Broken(
        "q5",
        _broken(
            (
                "@require_POST\ndef logout_everywhere_view",
                '@require_http_methods(["GET", "POST"])\ndef logout_everywhere_view',
            )
        ),
        "A GET to",
        "log out everywhere on a GET",
    ),
    Broken("q6", _broken((_SAFE_NEXT, "        if not next_url:\n")), "off the site", "follows any next"),
    Broken(
        "q6",
        _broken(
            (
                _SAFE_NEXT,
                '        if not next_url or urlsplit(next_url).netloc not in ("", request.get_host()):\n',
            ),
            imports="from urllib.parse import urlsplit\n",
        ),
        "From an http page, a browser reads 'https:",
        "a hand-made check: no host, or this host",
    ),
    Broken(
        "q6",
        _broken((_SAFE_NEXT, '        if not next_url or "evil.example" in next_url:\n')),
        "off the site",
        "refuses the attack's host by name, not every other host",
    ),
    Broken(
        "q6",
        _broken(
            (
                '        return redirect_to_login(request.get_full_path(), login_url=page_url(request, "login/"))\n',
                '        return HttpResponseRedirect(page_url(request, "login/") + "?next=" + request.get_full_path())\n',
            )
        ),
        "URL-encoded",
        "the protected page's next not URL-encoded",
    ),
    Broken(
        "q6",
        _broken(
            (
                '        next_url = request.GET.get("next", "")\n',
                '        next_url = request.POST.get("next", "")\n',
            )
        ),
        "should land there",
        "next read from the form, where the page never puts it",
    ),
]


def _wrong_answers(name: str) -> list[WrongAnswer]:
    return [WrongAnswer(broken.code, broken.expect) for broken in BROKEN if broken.requirement == name]


# -- talking to the learner's views ---------------------------------------------------------------------

_MISSING = object()


def _request_line(response) -> str:
    """``POST /exercise/slot-3/login/?next=//evil.example → 302 Location: //evil.example``."""
    request = response.request
    line = f"{request.method} {unquote(request.path_url)} → {response.status_code}"
    location = response.headers.get("Location")
    if location is not None and 300 <= response.status_code < 400:
        line += f" Location: {location}"
    return line


def _who(client) -> str | None:
    """Who the site says the client is logged in as (Django's ``request.user``, on another page)."""
    me = client.get("/accounts/whoami/").json()
    return me["username"] if me["authenticated"] else None


def _key(client) -> str | None:
    cookie = find_cookie(client, "sessionid")
    return cookie.value if cookie is not None else None


def _copy(site, source):
    """A new client holding a copy of ``source``'s session cookie: what a thief would have."""
    thief = site.client()
    if _key(source):
        thief.cookies.set("sessionid", _key(source), domain="127.0.0.1", path="/")
    return thief


def _post_login(client, prefix, username="alice", password=None, *, remember=False, next=None, token=True):
    """POST the learner's login form (``?next=`` in the URL, as the form's action keeps it); no redirects followed."""
    from demo_site.home.users import DEMO_USERS

    if token and not client.csrf_token:
        client.get("/accounts/login/")  # any page with a form gives the jar its csrftoken cookie
    data = {"username": username, "password": DEMO_USERS[username] if password is None else password}
    if remember:
        data["remember"] = "on"
    if token:
        data["csrfmiddlewaretoken"] = client.csrf_token or ""
    params = {"next": next} if next is not None else None
    return client.post(f"{prefix}login/", params=params, data=data, allow_redirects=False)


def _logged_in(client, prefix, username="alice", **kwargs):
    """Log ``client`` in through the learner's view; a login that fails is said plainly (it is q1's business)."""
    reply = _post_login(client, prefix, username, **kwargs)
    if _who(client) != username:
        raise Incorrect(
            f"The check could not log {username} in through your login view ({_request_line(reply)}), so it "
            "could not test this requirement: make ex.q1 pass first."
        )
    return reply


def _account(client, prefix):
    return client.get(f"{prefix}account/", allow_redirects=False)


def _require_in(client, prefix, when: str) -> None:
    reply = _account(client, prefix)
    if reply.status_code != 200:
        raise Incorrect(f"{when}, the account page should still open; it did not: {_request_line(reply)}.")


def _require_out(client, prefix, when: str, why: str) -> None:
    """The account page sends the visitor to log in, and the session is over on the whole site."""
    who = _who(client)
    reply = _account(client, prefix)
    if reply.status_code == 200:
        raise Incorrect(
            f"{when}, the session should be over ({why}), but the account page still opens: "
            f"{_request_line(reply)}."
        )
    location = reply.headers.get("Location", "")
    if reply.status_code not in (301, 302, 303) or urlsplit(location).path != f"{prefix}login/":
        raise Incorrect(
            f"{when}, the account page should send the visitor to log in ({prefix}login/?next=...): "
            f"{_request_line(reply)}."
        )
    if _who(client) is not None:
        raise Incorrect(
            f"{when}, the account page refused ({_request_line(reply)}), but the session was not ended: "
            f"/accounts/whoami/ still says {who}. End it with logout(request), which flushes the row."
        )


def _set_in_session(site, client, key: str, value: Any = _MISSING) -> None:
    """Change one key of ``client``'s session on the server (``_MISSING`` deletes it), as a test double."""
    session_key = _key(client)

    def change():
        from importlib import import_module

        from django.conf import settings

        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        if value is _MISSING:
            store.pop(key, None)
        else:
            store[key] = value
        store.save()

    site.orm(change)


def _active(site, client) -> None:
    """Make ``client``'s session look active a moment ago: ``last_seen`` is now (the idle clock restarts)."""
    _set_in_session(site, client, LAST_SEEN, time.time())


def _clock():
    """Nested ``travel()`` blocks, left together: ``clock.enter_context(travel(...))`` moves on each time."""
    return contextlib.ExitStack()


def _travel(seconds: float):
    from course_helpers.clock import travel

    return travel(seconds)


MINUTE, HOUR, DAY = 60, 60 * 60, 24 * 60 * 60


# -- q1: login ------------------------------------------------------------------------------------


def _drive_login(attempt: Attempt) -> str:
    site, client, prefix = attempt.site, attempt.client, attempt.prefix
    from demo_site.home.users import DEMO_USERS

    form = client.get(f"{prefix}login/", allow_redirects=False)
    if form.status_code != 200:
        raise Incorrect(
            "On a GET the login view should show its form (render(request, 'capstone/login.html')): "
            f"{_request_line(form)}."
        )
    with site.client() as sneaky:
        reply = sneaky.get(
            f"{prefix}login/",
            params={"username": "alice", "password": DEMO_USERS["alice"]},
            allow_redirects=False,
        )
        if _who(sneaky) is not None:
            raise Incorrect(
                f"A GET logged alice in: {_request_line(reply)}. A password in a URL ends up in logs and "
                "history, and a GET must change nothing: log in on POST only."
            )
    with site.client() as forger:
        reply = _post_login(forger, prefix, token=False)  # the forger's form carries no token
        if reply.status_code != 403 or _who(forger) is not None:
            raise Incorrect(
                f"A POST without a CSRF token (a form forged on another site) must get 403 and log nobody in: "
                f"{_request_line(reply)}. Don't mark the login @csrf_exempt."
            )
    with site.client() as guesser:
        for password in ("not-her-password", ""):
            reply = _post_login(guesser, prefix, password=password)
            if _who(guesser) is not None:
                raise Incorrect(
                    f"A wrong password logged alice in: {_request_line(reply)} (password {password!r}). Log in "
                    "only when authenticate() returns a user."
                )
            if any("_auth_user_id" in row.data for row in site.sessions(guesser)):
                raise Incorrect(f"A wrong password left a logged-in session behind: {_request_line(reply)}.")
    with site.client() as attacker:
        attacker.get("/session/counter/")  # a real session, whose key the attacker knows
        planted = _key(attacker)
        client.cookies.set("sessionid", planted, domain="127.0.0.1", path="/")  # planted in the victim's jar
        reply = _post_login(client, prefix)
        if _who(client) != "alice":
            raise Incorrect(
                f"alice's right password did not log her in: {_request_line(reply)}. Check it with "
                "authenticate(request, username=..., password=...), then call login(request, user)."
            )
        if reply.status_code not in (301, 302, 303):
            raise Incorrect(
                f"After a good login, redirect (to next, or the account page): {_request_line(reply)}."
            )
        if _key(client) == planted or _who(attacker) == "alice":
            raise Incorrect(
                f"Session fixation: the session key planted in alice's browser before the login "
                f"({planted[:8]}…) is still the key after it ({_request_line(reply)}), so whoever planted it "
                "is logged in as alice too. Django's login(request, user) gives the session a new key."
            )
    with site.client() as bob:
        reply = _post_login(bob, prefix, "bob")
        if _who(bob) != "bob":
            raise Incorrect(f"bob's right password did not log him in: {_request_line(reply)}.")
    return (
        "A GET, a forged POST and wrong passwords logged nobody in; alice and bob got in with their own "
        "passwords, and the key planted before alice's login was not hers after it."
    )


# -- q2: remember me ---------------------------------------------------------------------------------


def _session_cookie(reply) -> str:
    headers = set_cookie_headers(reply, "sessionid")
    if not headers:
        raise Incorrect(f"The login set no sessionid cookie: {_request_line(reply)}.")
    return headers[-1]


def _attributes(header: str) -> dict[str, str]:
    """The attributes of a ``Set-Cookie`` header, lower-cased names (the value itself left out)."""
    found = {}
    for part in header.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        found[name.lower()] = value
    return found


def _shown_attributes(header: str) -> str:
    """The attributes of a ``Set-Cookie`` header, an ``expires`` date shown as ``…`` (it changes every run)."""
    parts = [part.strip() for part in header.split(";")[1:]]
    return "; ".join(f"{p.split('=')[0]}=…" if p.lower().startswith("expires=") else p for p in parts)


def _drive_remember(attempt: Attempt) -> str:
    site, client, prefix = attempt.site, attempt.client, attempt.prefix
    ticked = _logged_in(client, prefix, remember=True)
    header = _session_cookie(ticked)
    max_age = _attributes(header).get("max-age", "")
    if not max_age.isdigit() or not REMEMBER_ME_AGE - 60 <= int(max_age) <= REMEMBER_ME_AGE:
        raise Incorrect(
            f"With 'remember me' ticked, the session cookie should last 30 days (Max-Age={REMEMBER_ME_AGE}); "
            f"{_request_line(ticked)} set it with: {_shown_attributes(header)}. "
            "request.session.set_expiry(REMEMBER_ME_AGE)."
        )
    row = site.sessions(client)[0]
    left = (row.expire_date - _now()).total_seconds()
    if abs(left - REMEMBER_ME_AGE) > 120:
        raise Incorrect(
            f"The cookie says 30 days, but the session's row in django_session expires {describe_age(left)}: "
            "set the expiry on the session (set_expiry), not on the cookie by hand."
        )
    with site.client() as other:
        unticked = _logged_in(other, prefix)
        header = _session_cookie(unticked)
        attributes = _attributes(header)
        if "max-age" in attributes or "expires" in attributes:
            raise Incorrect(
                "Without 'remember me', the session cookie should end when the browser closes (no Max-Age, no "
                f"Expires); {_request_line(unticked)} set it with: {_shown_attributes(header)}. "
                "request.session.set_expiry(0) (None means the site's two-week default)."
            )
    return "Ticked: Max-Age of 30 days in the cookie and the row; unticked: a browser-session cookie."


def _now():
    import datetime as dt

    return dt.datetime.now(dt.UTC)


# -- q3: idle timeout ----------------------------------------------------------------------------------


def _drive_idle(attempt: Attempt) -> str:
    site, client, prefix = attempt.site, attempt.client, attempt.prefix
    _logged_in(client, prefix)
    _require_in(client, prefix, "Just after the login")
    with _clock() as clock:
        # 10 s either side of the limit: a timeout counted in whole minutes, or a minute late, is caught
        clock.enter_context(_travel(IDLE_TIMEOUT - 10))
        _require_in(client, prefix, "29 minutes 50 seconds after the login, with no request in between")
        clock.enter_context(_travel(IDLE_TIMEOUT - 10))
        _require_in(
            client,
            prefix,
            "59 minutes 40 seconds after the login and 29 minutes 50 seconds after the last request (each "
            "request must slide the idle timeout: save time.time() in session[LAST_SEEN])",
        )
        clock.enter_context(_travel(IDLE_TIMEOUT + 10))
        _require_out(
            client, prefix, "30 minutes 10 seconds after the last request", "the 30-minute idle timeout"
        )
    with site.client() as keeper, _clock() as clock:
        _logged_in(keeper, prefix, remember=True)
        clock.enter_context(_travel(31 * MINUTE))
        _require_in(keeper, prefix, "A remembered session, 31 minutes without a request (no idle timeout)")
        clock.enter_context(_travel(3 * HOUR))
        _require_in(keeper, prefix, "A remembered session, 3 hours without a request")
    for value, shown in (
        ("garbage", "session['last_seen'] = 'garbage'"),
        (_MISSING, "no session['last_seen']"),
    ):
        with site.client() as other:
            _logged_in(other, prefix)
            _require_in(other, prefix, "Just after the login")
            _set_in_session(site, other, LAST_SEEN, value)
            _require_out(other, prefix, f"With {shown}", "a marker the view cannot read ends the session")
    return (
        "In at 29 min 50 s and 59 min 40 s (activity slides it), out 30 min 10 s after the last request and "
        "logged out; "
        "remembered sessions stay in when idle; a missing or garbage last_seen ends the session."
    )


# -- q4: absolute timeout -------------------------------------------------------------------------------


def _drive_absolute(attempt: Attempt) -> str:
    site, client, prefix = attempt.site, attempt.client, attempt.prefix
    _logged_in(client, prefix)
    with _clock() as clock:
        for step, total in ((6 * HOUR, "6 hours"), (5 * HOUR + 59 * MINUTE, "11 hours 59 minutes")):
            clock.enter_context(_travel(step))
            _active(site, client)
            _require_in(client, prefix, f"{total} after the login, active all along")
        clock.enter_context(_travel(2 * MINUTE))
        _active(site, client)
        _require_out(
            client,
            prefix,
            "12 hours 1 minute after the login, active all along",
            "the 12-hour absolute timeout",
        )
    with site.client() as keeper, _clock() as clock:
        _logged_in(keeper, prefix, remember=True)
        for step, total in (
            (10 * DAY, "10 days"),
            (10 * DAY, "20 days"),
            (9 * DAY + 23 * HOUR, "29 days 23 hours"),
        ):
            clock.enter_context(_travel(step))
            _active(site, keeper)
            _require_in(keeper, prefix, f"A remembered session, {total} after the login")
        clock.enter_context(_travel(2 * HOUR))
        _active(site, keeper)
        _require_out(
            keeper,
            prefix,
            "A remembered session, 30 days 1 hour after the login, active all along",
            "a remembered session ends 30 days after the login",
        )
    for value, shown in (
        ("garbage", "session['login_at'] = 'garbage'"),
        (_MISSING, "no session['login_at']"),
    ):
        with site.client() as other:
            _logged_in(other, prefix)
            _require_in(other, prefix, "Just after the login")
            _set_in_session(site, other, LOGIN_AT, value)
            _require_out(other, prefix, f"With {shown}", "without a readable login time, fail closed")
    return (
        "Active all along, in at 11 h 59 and out at 12 h 01 (remembered: in at 29 days 23 hours, out at 30 days "
        "1 hour); a missing or garbage login_at ends the session."
    )


# -- q5: logout and log out everywhere -----------------------------------------------------------------


def _drive_logout(attempt: Attempt) -> str:
    site, victim, prefix = attempt.site, attempt.client, attempt.prefix
    _logged_in(victim, prefix)
    with _copy(site, victim) as thief:
        reply = victim.get(f"{prefix}logout/", allow_redirects=False)
        if _who(thief) != "alice":
            raise Incorrect(
                f"A GET to {prefix}logout/ ended the session: {_request_line(reply)}. Any page can make a browser "
                "send a GET (a link, an <img>): log out on POST only (@require_POST)."
            )
        reply = victim.post(f"{prefix}logout/", allow_redirects=False)
        if reply.status_code != 403 or _who(thief) != "alice":
            raise Incorrect(
                f"A POST without a CSRF token must not log anyone out: {_request_line(reply)}. Keep the view "
                "CSRF-protected (no @csrf_exempt)."
            )
        key = _key(victim)
        reply = victim.post_form(f"{prefix}logout/", allow_redirects=False)
        if reply.status_code >= 400:
            raise Incorrect(f"The logout, with its CSRF token, failed: {_request_line(reply)}.")
        if _who(thief) is not None:
            raise Incorrect(
                f"After the logout ({_request_line(reply)}), a copy of the old cookie is still logged in as alice: "
                "end the session on the server: logout(request) flushes it."
            )
        if key in site.sessions().keys():
            raise Incorrect(
                f"After the logout ({_request_line(reply)}), the old session's row is still in django_session: "
                "flush() (which logout(request) calls) deletes it."
            )
    with (
        site.client() as laptop,
        site.client() as phone,
        site.client() as here,
        site.client() as bob,
    ):
        _logged_in(laptop, prefix, remember=True)
        _logged_in(phone, prefix)
        _logged_in(here, prefix)
        _logged_in(bob, prefix, "bob")
        everywhere = f"{prefix}logout-everywhere/"
        reply = here.get(everywhere, allow_redirects=False)
        if _who(laptop) != "alice" or _who(here) != "alice":
            raise Incorrect(f"A GET to {everywhere} logged alice out: {_request_line(reply)}. POST only.")
        reply = here.post(everywhere, allow_redirects=False)
        if reply.status_code != 403 or _who(laptop) != "alice":
            raise Incorrect(f"A POST without a CSRF token must change nothing: {_request_line(reply)}.")
        reply = here.post_form(everywhere, allow_redirects=False)
        if reply.status_code >= 400:
            raise Incorrect(f"Log out everywhere, with its CSRF token, failed: {_request_line(reply)}.")
        for name, device in (("laptop", laptop), ("phone", phone)):
            if _who(device) is not None:
                raise Incorrect(
                    f"After {_request_line(reply)}, alice is still logged in on her {name}: every session of "
                    "hers must end. Find them (read each row of Session.objects and compare _auth_user_id, or "
                    "lesson 07's index) and delete them."
                )
        if _who(here) is not None:
            raise Incorrect(
                f"After {_request_line(reply)}, the session that asked is still logged in: it ends too "
                "(logout(request))."
            )
        if _who(bob) != "bob":
            raise Incorrect(
                f"After alice's {_request_line(reply)}, bob was logged out too: end alice's sessions only."
            )
        _post_login(laptop, prefix)
        if _who(laptop) != "alice":
            raise Incorrect("After log out everywhere, alice could not log in again on her laptop.")
    return (
        "A GET and a forged POST changed nothing; the logout killed every copy of the cookie and deleted the "
        "row; log out everywhere ended alice's laptop, phone and this session, not bob's, and she can log in again."
    )


# -- q6: safe next ---------------------------------------------------------------------------------------


def _payloads(host: str) -> dict[str, str]:
    """The open-redirect payloads to ``host``, and what to say when one gets through.

    The host changes from check to check (``evil-3f9a1c.example``), so a view that
    refuses the words ``evil.example`` instead of every other host is caught.
    """
    return {
        f"https://{host}": "An absolute URL to another host: check next with url_has_allowed_host_and_scheme("
        "next, allowed_hosts={request.get_host()}, require_https=request.is_secure()).",
        f"//{host}": f"'//{host}' is protocol-relative: another host. Starting with '/' proves nothing.",
        f"/\\{host}": f"Browsers read '\\' as '/': this is '//{host}'. Ask Django "
        "(url_has_allowed_host_and_scheme), don't parse the URL yourself.",
        f"https:{host}": f"From an http page, a browser reads 'https:{host}' as https://{host}/. "
        "Ask url_has_allowed_host_and_scheme.",
    }


def _drive_next(attempt: Attempt) -> str:
    site, client, prefix = attempt.site, attempt.client, attempt.prefix
    a, b = secrets.randbelow(900) + 100, secrets.choice(["x", "y z", "é&"])  # no view can know them
    asked = f"{prefix}account/?{urlencode({'a': a, 'b': b})}"
    first = client.get(asked, allow_redirects=False)
    where = urlsplit(first.headers.get("Location", ""))
    if first.status_code not in (301, 302, 303) or where.path != f"{prefix}login/":
        raise Incorrect(
            f"A visitor who is not logged in should be sent to the login page, with next: {_request_line(first)}."
        )
    carried = parse_qs(where.query).get("next", [])
    if carried != [asked]:
        raise Incorrect(
            f"next should be the whole page asked for, {asked}, URL-encoded; {_request_line(first)} carries "
            f"next={carried[0] if carried else None!r} (and the rest is lost). redirect_to_login("
            "request.get_full_path(), login_url=...) encodes it."
        )
    reply = _post_login(client, prefix, next=carried[0])
    landed = browser_destination(reply.url, reply.headers.get("Location", ""))
    if reply.status_code not in (301, 302, 303) or landed != f"{site.url.rstrip('/')}{asked}":
        raise Incorrect(
            f"alice asked for {asked} before logging in; after the login she should land there: "
            f"{_request_line(reply)}."
        )
    if client.get(landed, allow_redirects=False).status_code != 200:
        raise Incorrect(f"After the login, {asked} did not open.")
    for payload, note in _payloads(f"evil-{secrets.token_hex(3)}.example").items():
        with site.client() as visitor:
            reply = _post_login(visitor, prefix, next=payload)
            if reply.status_code not in (301, 302, 303):
                raise Incorrect(
                    f"After a good login with an unsafe next, redirect to the account page: {_request_line(reply)}."
                )
            landed = browser_destination(reply.url, reply.headers.get("Location", ""))
            if not stays_on_site(landed, site.url):
                raise Incorrect(f"{_request_line(reply)}: a browser lands on {landed}, off the site. {note}")
    with site.client() as visitor:
        reply = _post_login(visitor, prefix)
        landed = browser_destination(reply.url, reply.headers.get("Location", ""))
        if urlsplit(landed).path != f"{prefix}account/":
            raise Incorrect(
                f"Without a next, the login should send alice to the account page ({prefix}account/): "
                f"{_request_line(reply)}."
            )
    return (
        "The deep link came back whole (its query string included); another host in four disguises stayed out; "
        "no next → the account page."
    )


# -- the six exercises ---------------------------------------------------------------------------------


def _routes(attempt: Attempt) -> dict[str, Any]:
    """All four views, always: a requirement's check drives the views it needs and never the others."""
    namespace = attempt.namespace
    return {path: namespace.get(name, _unwritten) for path, name in PAGES.items()}


def _unwritten(request):
    """A view the learner has not written yet (its check would say so before driving it)."""
    from django.http import HttpResponse

    return HttpResponse("Not written yet.", status=501, content_type="text/plain")


def _requirement(title, variables, drive, hints, why):
    return FixTheView(
        title=title,
        variables=dict.fromkeys(variables, VIEW),
        routes=_routes,
        drive=drive,
        hints=hints,
        solution=SOLUTION,
        why=why,
    )


#: The requirement each exercise grades, as the report card names it.
REQUIREMENTS = {
    "q1": "1 · Login: POST + CSRF, authenticate(), a new session key",
    "q2": "2 · Remember me: a browser-session cookie, or 30 days",
    "q3": "3 · Idle timeout: 30 minutes, sliding (not when remembered)",
    "q4": "4 · Absolute timeout: 12 hours (remembered: 30 days)",
    "q5": "5 · Logout, and log out everywhere",
    "q6": "6 · A safe next",
}

_EXERCISES = {
    "q1": _requirement(
        REQUIREMENTS["q1"],
        ["login_view"],
        _drive_login,
        [
            "Keep lesson 08's login: authenticate() checks the password, Django's login() logs in.",
            "login(request, user) cycles the session key (no fixation) and stores _auth_user_id, which "
            "request.user reads on every page of the site. Writing those keys yourself keeps the old key.",
            "Don't mark the view @csrf_exempt: the CSRF middleware must answer 403 to a POST without a token. "
            "On a GET, render(request, 'capstone/login.html').",
        ],
        "authenticate() checks the password, login() gives the session a new key (a planted key is worthless) "
        "and the CSRF middleware refuses a forged form.",
    ),
    "q2": _requirement(
        REQUIREMENTS["q2"],
        ["login_view"],
        _drive_remember,
        [
            "The form's checkbox is named remember; ticked, the POST has remember=on.",
            "request.session.set_expiry(0) gives a browser-session cookie (no Max-Age, no Expires); "
            "set_expiry(REMEMBER_ME_AGE) a cookie and a row that last 30 days. set_expiry(None) is NOT "
            "'no expiry': it is the site's default, two weeks.",
            "Call set_expiry after login(request, user), and keep the choice in the session "
            "(request.session['remember'] = remember): the timeouts need it.",
        ],
        "set_expiry() sets the cookie and the row together: 0 for a browser session, 30 days when remembered.",
    ),
    "q3": _requirement(
        REQUIREMENTS["q3"],
        ["login_view", "account_view"],
        _drive_idle,
        [
            "At login, store session[LAST_SEEN] = time.time(); in account_view, compare time.time() with it.",
            "Each request that gets in must store a new LAST_SEEN: that is what makes the timeout slide.",
            "A remembered session has no 30-minute limit. A LAST_SEEN that is missing or not a float ends the "
            "session (fail closed): isinstance(last_seen, float). To end it, logout(request), then "
            "redirect_to_login(...).",
        ],
        "Idle time is measured from the last request, kept in the session; unreadable means over.",
    ),
    "q4": _requirement(
        REQUIREMENTS["q4"],
        ["login_view", "account_view"],
        _drive_absolute,
        [
            "At login, store session[LOGIN_AT] = time.time(); in account_view, compare time.time() with it.",
            "Activity must never move LOGIN_AT: only a new login does.",
            "The limit depends on the choice made at login: ABSOLUTE_TIMEOUT, or REMEMBER_ME_AGE when "
            "remembered. A LOGIN_AT that is missing or not a float ends the session.",
        ],
        "The absolute limit counts from the login and nothing moves it, so a stolen session dies on schedule "
        "however busy the thief keeps it.",
    ),
    "q5": _requirement(
        REQUIREMENTS["q5"],
        ["login_view", "logout_view", "logout_everywhere_view"],
        _drive_logout,
        [
            "Both views: @require_POST, CSRF-protected, and logout(request), which flushes this session.",
            "Log out everywhere must also find the user's other sessions. Django keeps no index from user to "
            "session: read each live row of Session.objects, decode it (row.get_decoded()), compare "
            "'_auth_user_id' with str(request.user.pk).",
            "Delete the matching rows (row.delete()), and only those: bob's sessions stay.",
        ],
        "flush() deletes the row, so a copied cookie is worthless; log out everywhere deletes every row that "
        "names this user and no other.",
    ),
    "q6": _requirement(
        REQUIREMENTS["q6"],
        ["login_view", "account_view"],
        _drive_next,
        [
            "The protected page: redirect_to_login(request.get_full_path(), login_url=page_url(request, "
            "'login/')) encodes the whole page asked for into next.",
            "The login reads next from request.GET (the form posts back to its own URL, query string and all).",
            "url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, "
            "require_https=request.is_secure()); if it says no, or there is no next, go to "
            "page_url(request, 'account/').",
        ],
        "Django's check reads the URL the way a browser does; anything else sends your users to evil.example.",
    ),
}

for _name, _exercise in _EXERCISES.items():
    _exercise.wrong_answers = _wrong_answers(_name)
    LESSON.add(_name, _exercise)

q1, q2, q3, q4, q5, q6 = (LESSON.exercises[name] for name in ("q1", "q2", "q3", "q4", "q5", "q6"))


# -- the report card ------------------------------------------------------------------------------------


class ReportCard(Table):
    """The six requirements, each ✓ met or what failed and the request that showed it; ``outcomes`` by name."""

    def __init__(self, outcomes: dict[str, Outcome]):
        self.outcomes = outcomes
        super().__init__(
            ["requirement", "result", "what the check found"],
            [
                (REQUIREMENTS[name], f"{o.status.symbol} {o.status.heading}", "met" if o.ok else o.message)
                for name, o in outcomes.items()
            ],
            title=f"Report card: {sum(o.ok for o in outcomes.values())} of {len(outcomes)} requirements met",
        )


def report(views: Mapping[str, Any] | None = None) -> ReportCard:
    """Grade every requirement: the views of the calling notebook, or ``views`` (``{"login_view": ...}``).

    With the notebook's own views, a met requirement counts in ``progress()``
    as its exercise's ``check()`` would; ``views`` given (a draft to look at)
    count for nothing.
    """
    if views is None:
        frame = inspect.currentframe()
        namespace = frame.f_back.f_globals if frame is not None and frame.f_back is not None else {}
        del frame
        return ReportCard({name: exercise.check(namespace) for name, exercise in LESSON.exercises.items()})
    caller = inspect.currentframe()
    site = caller.f_back.f_globals.get("site") if caller is not None and caller.f_back is not None else None
    del caller
    namespace = {**views, "site": site}
    return ReportCard({name: exercise._outcome(namespace) for name, exercise in LESSON.exercises.items()})
