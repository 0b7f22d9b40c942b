"""Exercises of lesson 08 · Logging in with a session.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from course_helpers.cookies import find_cookie
from course_helpers.exercises.answer_types import CLIENT, VIEW, WHOLE_NUMBER
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import FixTheView, HttpTask, Prediction
from course_helpers.redirects import browser_destination, stays_on_site

LESSON = Lesson("08", "Logging in with a session")

CLASSIC_LOGIN = "/classic/session-login/login/"
CLASSIC_LOGOUT = "/classic/session-login/logout/"
CLASSIC_INDEX = "/classic/session-login/index/"
CLASSIC_CREDENTIALS = {"user": "admin", "pwd": "classic-2024"}
LOGIN = "/session-login/login/"
INDEX = "/session-login/index/"
WELCOME = "/session-login/index/?from=q4&tab=2"


def _copy_session(site, source):
    """A new client holding a copy of ``source``'s sessionid cookie: what an attacker would have."""
    attacker = site.client()
    cookie = find_cookie(source, "sessionid")
    if cookie is not None:
        attacker.cookies.set("sessionid", cookie.value, domain="127.0.0.1", path="/")
    return attacker


def _session_key(client) -> str | None:
    cookie = find_cookie(client, "sessionid")
    return cookie.value if cookie is not None else None


# -- q1: after the classic logout, does the copied cookie still get in? ------------------


def _copy_after_classic_logout(attempt: Attempt) -> int:
    site = attempt.site
    with site.client() as victim:
        victim.post(CLASSIC_LOGIN, data=CLASSIC_CREDENTIALS)
        with _copy_session(site, victim) as attacker:
            victim.get(CLASSIC_LOGOUT)
            return attacker.get(CLASSIC_INDEX, allow_redirects=False).status_code


q1 = LESSON.add(
    "q1",
    Prediction(
        title="Predict: after the classic logout, does a copy of the cookie still get in?",
        variables={"copy_gets": WHOLE_NUMBER},
        choices=(200, 302, 500),
        experiment=_copy_after_classic_logout,
        explain="The classic logout only redirects: the row in django_session still says "
        '{"user": "admin"}, under the same key. Any client that sends that key (the victim\'s browser, '
        "or an attacker's copy) is still logged in and gets the index page.",
        hints=[
            "Read the body of the classic `logout`: which line touches request.session?",
            "None does. The row is untouched, and the copy sends the same key as before the logout.",
        ],
        solution="copy_gets = 200",
        why="A logout that does not end the session on the server ends nothing.",
        wrong_answers=[
            WrongAnswer("copy_gets = 500", "the experiment gave 200"),
            WrongAnswer("copy_gets = 302", "the experiment gave 200"),
            WrongAnswer('copy_gets = "200"', "should be a whole number"),
            WrongAnswer("copy_gets = 403", "is not one of the choices"),
        ],
    ),
)


# -- q2: fix the classic logout ----------------------------------------------------------------


def _session_user(request):
    """What the classic session says about this request, as JSON (the check's own probe)."""
    from django.http import JsonResponse

    return JsonResponse({"user": request.session.get("user")})


def _user_of(client, prefix: str):
    return client.get(f"{prefix}whoami/").json()["user"]


def _drive_logout(attempt: Attempt) -> str:
    site, victim, prefix = attempt.site, attempt.client, attempt.prefix
    victim.get(LOGIN)  # a page with a form: the victim's browser gets its csrftoken cookie
    victim.post(CLASSIC_LOGIN, data=CLASSIC_CREDENTIALS)
    key = _session_key(victim)
    with _copy_session(site, victim) as attacker:
        if _user_of(attacker, prefix) != "admin":
            raise Incorrect("The check could not log in through the classic login; run the setup cell again.")

        by_get = victim.get(f"{prefix}logout/", allow_redirects=False)
        if _user_of(attacker, prefix) is None or key not in site.sessions().keys():
            raise Incorrect(
                "A GET to your logout ended the session. A GET must never change state: any page on any "
                "site can make a browser send one (a link, an <img>), and log your users out. Accept only "
                "POST: put @require_POST (django.views.decorators.http) on the view."
            )
        no_token = victim.post(f"{prefix}logout/", allow_redirects=False)
        if _user_of(attacker, prefix) is None or key not in site.sessions().keys():
            raise Incorrect(
                f"A POST without a CSRF token ended the session (your view answered {no_token.status_code}). "
                "Another site could forge that form: don't mark the logout @csrf_exempt, let Django's CSRF "
                "middleware answer 403."
            )

        reply = victim.post_form(f"{prefix}logout/", allow_redirects=False)
        if reply.status_code >= 400:
            raise Incorrect(f"The logout POST (with its CSRF token) got {reply.status_code} {reply.reason}.")
        if _user_of(attacker, prefix) == "admin":
            raise Incorrect(
                "After your logout the attacker's copy of the cookie is still logged in: the row still says "
                '{"user": "admin"}. A logout must end the session on the server.'
            )
        if _user_of(victim, prefix) == "admin":
            raise Incorrect(
                "The attacker's copy is out, but the victim is still logged in after logging out: the "
                "session's data lives on under a new key. cycle_key() is what a login does (a new key, the "
                "same data); a logout must drop the data too: flush()."
            )
        victim.post(CLASSIC_LOGIN, data=CLASSIC_CREDENTIALS)  # the victim logs in again, later
        if _user_of(attacker, prefix) == "admin":
            raise Incorrect(
                "The attacker was out, but when the victim logged in again the attacker's copy was logged "
                "in again too: your logout emptied the session (del or clear()) but kept its key, and the "
                "classic login wrote the new login under that same key. flush() deletes the row and gives "
                "a new key (session fixation: lesson 07)."
            )
        if key in site.sessions().keys():
            raise Incorrect("The old session row is still in django_session: flush() deletes it.")
    if by_get.status_code != 405:
        raise Incorrect(
            f"A GET to your logout answered {by_get.status_code}; a view that only accepts POST answers "
            "405 Method Not Allowed: put @require_POST on it."
        )
    return "A GET and a POST without a token changed nothing; the real logout deleted the row, and no copy of the old cookie works, even after the next login."


_LOGOUT_IMPORTS = (
    "from django.shortcuts import redirect\nfrom django.views.decorators.http import require_POST\n"
)

q2 = LESSON.add(
    "q2",
    FixTheView(
        title="Fix the classic logout",
        variables={"logout_view": VIEW},
        routes=lambda attempt: {"logout/": attempt["logout_view"], "whoami/": _session_user},
        drive=_drive_logout,
        hints=[
            "Two things are missing: the line that ends the session, and a rule about which method may "
            "log out.",
            "request.session.flush() deletes the row and gives the session a new, empty key (Django's "
            "logout(request) calls it). del and clear() empty the data but keep the key.",
            "@require_POST (from django.views.decorators.http) above the view; keep it CSRF-protected "
            "(no @csrf_exempt); return redirect('/classic/session-login/login/').",
        ],
        solution="""
            from django.shortcuts import redirect
            from django.views.decorators.http import require_POST


            @require_POST
            def logout_view(request):
                request.session.flush()
                return redirect("/classic/session-login/login/")
        """,
        why="flush() deletes the session's row and key, so every copy of the old cookie points at nothing, "
        "and the next login starts under a new key; @require_POST plus Django's CSRF check mean no other "
        "site can log your users out.",
        wrong_answers=[
            WrongAnswer(
                _LOGOUT_IMPORTS + "@require_POST\n"
                "def logout_view(request):\n"
                "    return redirect('/classic/session-login/login/')\n",
                "still logged in",
            ),
            WrongAnswer(
                _LOGOUT_IMPORTS + "@require_POST\n"
                "def logout_view(request):\n"
                "    del request.session['user']\n"
                "    return redirect('/classic/session-login/login/')\n",
                "logged in again too",
            ),
            WrongAnswer(
                _LOGOUT_IMPORTS + "@require_POST\n"
                "def logout_view(request):\n"
                "    request.session.clear()\n"
                "    return redirect('/classic/session-login/login/')\n",
                "kept its key",
            ),
            WrongAnswer(
                _LOGOUT_IMPORTS + "@require_POST\n"
                "def logout_view(request):\n"
                "    request.session.cycle_key()  # a copy of the old key is worthless (lesson 07)\n"
                "    return redirect('/classic/session-login/login/')\n",
                "the victim is still logged in",
            ),
            WrongAnswer(
                _LOGOUT_IMPORTS + "def logout_view(request):\n"
                "    request.session.flush()\n"
                "    return redirect('/classic/session-login/login/')\n",
                "A GET must never change state",
            ),
            WrongAnswer(
                _LOGOUT_IMPORTS + "from django.views.decorators.csrf import csrf_exempt\n"
                "@csrf_exempt\n"
                "@require_POST\n"
                "def logout_view(request):\n"
                "    request.session.flush()\n"
                "    return redirect('/classic/session-login/login/')\n",
                "without a CSRF token",
            ),
        ],
    ),
)


# -- q3: fix the classic login: Django's login() and a safe next ---------------------------------

#: The open-redirect payloads the check sends, and what to say when one gets through.
_PAYLOADS = {
    "https://evil.example": "An absolute URL to another host leaves the site: check it with "
    "url_has_allowed_host_and_scheme(next, allowed_hosts={request.get_host()}).",
    "//evil.example": "'//evil.example' is protocol-relative: another host. Starting with '/' proves nothing.",
    "/\\evil.example": "Browsers read '\\' as '/': this is '//evil.example'. Ask Django "
    "(url_has_allowed_host_and_scheme), don't parse the URL yourself.",
}
#: More disguises, not named in the lesson: a list of bad values copied from the exercise is never complete.
_MORE_PAYLOADS = {
    "https://attacker.test/login": "Another host than the one in the exercise: a list of bad values is "
    "never complete. Ask Django which URLs stay on this host (url_has_allowed_host_and_scheme).",
    "///attacker.test": "Three slashes: browsers read it as //attacker.test, another host. Don't parse URLs "
    "yourself: url_has_allowed_host_and_scheme refuses it.",
    "https:attacker.test": "A scheme without slashes: browsers go to https://attacker.test. "
    "url_has_allowed_host_and_scheme refuses it.",
}


def _protected_page(request):
    """A page for logged-in users (the check's own): anyone else goes to the learner's login with ?next=."""
    from django.contrib.auth.views import redirect_to_login
    from django.http import HttpResponse

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=request.path.removesuffix("page/"))
    return HttpResponse(f"The page, for {request.user.get_username()}.", content_type="text/plain")


def _credentials(client, username: str, password: str | None = None) -> dict[str, str]:
    from demo_site.home.users import DEMO_USERS

    if client.csrf_token is None:
        client.get(LOGIN)
    return {
        "username": username,
        "password": DEMO_USERS[username] if password is None else password,
        "csrfmiddlewaretoken": client.csrf_token or "",
    }


def _whoami(client) -> str | None:
    me = client.get("/accounts/whoami/").json()
    return me["username"] if me["authenticated"] else None


def _drive_login(attempt: Attempt) -> str:
    site, client, prefix = attempt.site, attempt.client, attempt.prefix
    form = client.get(prefix, allow_redirects=False)
    if form.status_code != 200:
        raise Incorrect(
            f"GET {prefix} answered {form.status_code}: on a GET, show the login form (render it)."
        )
    client.get("/session/counter/")  # an anonymous session first, to see whether the login cycles its key
    before = _session_key(client)
    asked = f"{prefix}page/?a=1&b=2"
    first = client.get(asked, allow_redirects=False)
    reply = client.post(first.headers["Location"], data=_credentials(client, "bob"), allow_redirects=False)
    if _whoami(client) != "bob":
        row = site.sessions(client)
        data = row[0].data if len(row) else {}
        if any(name in data for name in ("user", "username")):
            raise Incorrect(
                f"Your view put the user in the session itself ({sorted(data)}): Django does not know "
                "anyone is logged in (request.user is anonymous, @login_required sends bob back). Call "
                "django.contrib.auth.login(request, user): it stores _auth_user_id and cycles the key."
            )
        raise Incorrect(
            f"bob's real password did not log him in (your view answered {reply.status_code}). Check "
            "passwords with authenticate(request, username=..., password=...), never a constant in the code."
        )
    if reply.status_code not in (301, 302, 303):
        raise Incorrect(
            f"bob logged in, but your view answered {reply.status_code} instead of redirecting him. Is a "
            "redirect after a `return` (the notes' missing else)?"
        )
    location = reply.headers.get("Location", "")
    where = urlsplit(location)
    if f"{where.path}?{where.query}" != asked:
        raise Incorrect(
            f"bob came to log in from {asked} (the ?next= in the query string); your view sent him to "
            f"{location!r}. Redirect to request.GET['next'] when it is safe."
        )
    if _session_key(client) == before:
        raise Incorrect(
            "bob is logged in under the session key he had before: call login(), which cycles it."
        )
    for payload, note in {**_PAYLOADS, **_MORE_PAYLOADS}.items():
        with site.client() as visitor:
            hostile = visitor.post(
                prefix, params={"next": payload}, data=_credentials(visitor, "bob"), allow_redirects=False
            )
        if hostile.status_code not in (301, 302, 303):
            raise Incorrect(
                f"With ?next={payload!r} your view answered {hostile.status_code}: after a good login, an "
                "unsafe next should fall back to /session-login/index/ (an `else:` with a redirect)."
            )
        goes_to = browser_destination(hostile.url, hostile.headers.get("Location", ""))
        if not stays_on_site(goes_to, site.url):
            raise Incorrect(f"With ?next={payload!r} a browser lands on {goes_to}, off the site. {note}")
    with site.client() as forger:
        password = _credentials(forger, "bob")["password"]  # the forger has the cookie, not the form's token
        forged = forger.post(prefix, data={"username": "bob", "password": password}, allow_redirects=False)
        if forged.status_code != 403 or _whoami(forger) is not None:
            raise Incorrect(
                "A POST without a CSRF token logged bob in: don't mark the login @csrf_exempt; Django's "
                "CSRF middleware must answer 403."
            )
    with site.client() as linker:
        query = {k: v for k, v in _credentials(linker, "bob").items() if k != "csrfmiddlewaretoken"}
        linker.get(prefix, params=query, allow_redirects=False)
        if _whoami(linker) is not None:
            raise Incorrect(
                "A GET with bob's password in the query string logged him in: a link or an <img> on any site "
                "could do that, and the password lands in logs and history. Log in only on a POST, from "
                "request.POST."
            )
    with site.client() as guesser:
        guesser.post(prefix, data=_credentials(guesser, "alice", "not-her-password"), allow_redirects=False)
        if _whoami(guesser) is not None:
            raise Incorrect(
                "A wrong password for alice logged her in: log in only when authenticate() returns a user."
            )
    return (
        "bob came back to the page he asked for (query string and all), under a new session key; "
        "evil.example in all three disguises stayed out; no CSRF token, no login."
    )


_LOGIN_IMPORTS = (
    "from django.contrib.auth import authenticate\n"
    "from django.contrib.auth import login as auth_login\n"
    "from django.http import HttpResponseRedirect\n"
    "from django.shortcuts import render\n"
    "from django.utils.http import url_has_allowed_host_and_scheme\n"
)


def _login_answer(body: str) -> str:
    """A wrong answer: the login view with ``body`` in place of its POST branch."""
    return (
        _LOGIN_IMPORTS + "def login_view(request):\n"
        "    if request.method == 'POST':\n"
        + body
        + "    return render(request, 'session_login/login.html')\n"
    )


_AUTHENTICATED = (
    "        user = authenticate(request, username=request.POST.get('username'),\n"
    "                            password=request.POST.get('password'))\n"
    "        if user is not None:\n"
)

q3 = LESSON.add(
    "q3",
    FixTheView(
        title="Fix the classic login: Django's login() and a next that stays home",
        variables={"login_view": VIEW},
        routes=lambda attempt: {"": attempt["login_view"], "page/": _protected_page},
        drive=_drive_login,
        hints=[
            "Keep the classic shape (if POST → check → remember the user → redirect), and replace each "
            "line by Django's own: authenticate(), login(), and a check on next.",
            "Import login under another name (from django.contrib.auth import login as auth_login): your "
            "view is called login_view, but a `def login` of your own would hide Django's.",
            "The next check: url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, "
            "require_https=request.is_secure()); otherwise redirect to '/session-login/index/'.",
        ],
        solution="""
            from django.contrib.auth import authenticate
            from django.contrib.auth import login as auth_login
            from django.http import HttpResponseRedirect
            from django.shortcuts import render
            from django.utils.http import url_has_allowed_host_and_scheme


            def login_view(request):
                if request.method == "POST":
                    user = authenticate(
                        request, username=request.POST.get("username"), password=request.POST.get("password")
                    )
                    if user is not None:
                        auth_login(request, user)
                        next_url = request.GET.get("next")
                        if next_url and url_has_allowed_host_and_scheme(
                            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                        ):
                            return HttpResponseRedirect(next_url)
                        else:
                            return HttpResponseRedirect("/session-login/index/")
                return render(request, "session_login/login.html")
        """,
        why="authenticate() checks the password against the site's users; login() cycles the session key "
        "and stores _auth_user_id, _auth_user_backend and _auth_user_hash, which request.user and "
        "@login_required read; next is followed only when Django says it stays on this host.",
        wrong_answers=[
            WrongAnswer(
                _login_answer(
                    "        if request.POST.get('username') == 'admin' and request.POST.get('password') == 'classic-2024':\n"
                    "            request.session['user'] = 'admin'\n"
                    "            return HttpResponseRedirect(request.GET.get('next') or '/session-login/index/')\n"
                ),
                "bob's real password did not log him in",
            ),
            WrongAnswer(
                _login_answer(
                    _AUTHENTICATED + "            request.session['user'] = user.username\n"
                    "            return HttpResponseRedirect(request.GET.get('next') or '/session-login/index/')\n"
                ),
                "login(request, user)",
            ),
            WrongAnswer(
                _login_answer(
                    _AUTHENTICATED + "            auth_login(request, user)\n"
                    "            return HttpResponseRedirect(request.GET.get('next') or '/session-login/index/')\n"
                ),
                "https://evil.example",
            ),
            WrongAnswer(
                _login_answer(
                    _AUTHENTICATED + "            auth_login(request, user)\n"
                    "            next_url = request.GET.get('next') or ''\n"
                    "            if next_url.startswith('/'):\n"
                    "                return HttpResponseRedirect(next_url)\n"
                    "            return HttpResponseRedirect('/session-login/index/')\n"
                ),
                "protocol-relative",
            ),
            WrongAnswer(
                _login_answer(
                    _AUTHENTICATED + "            auth_login(request, user)\n"
                    "            next_url = request.GET.get('next')\n"
                    "            if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):\n"
                    "                return HttpResponseRedirect(next_url)\n"
                    "                return HttpResponseRedirect('/session-login/index/')\n"
                ),
                "an `else:` with a redirect",
            ),
            WrongAnswer(
                _login_answer(
                    _AUTHENTICATED + "            auth_login(request, user)\n"
                    "            next_url = request.GET.get('next') or ''\n"
                    "            if next_url and 'evil.example' not in next_url:\n"
                    "                return HttpResponseRedirect(next_url)\n"
                    "            return HttpResponseRedirect('/session-login/index/')\n"
                ),
                "never complete",
            ),
            WrongAnswer(
                _LOGIN_IMPORTS + "def login_view(request):\n"
                "    data = request.POST if request.method == 'POST' else request.GET\n"
                "    user = authenticate(request, username=data.get('username'), password=data.get('password'))\n"
                "    if user is not None:\n"
                "        auth_login(request, user)\n"
                "        next_url = request.GET.get('next')\n"
                "        if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):\n"
                "            return HttpResponseRedirect(next_url)\n"
                "        return HttpResponseRedirect('/session-login/index/')\n"
                "    return render(request, 'session_login/login.html')\n",
                "in the query string logged him in",
            ),
        ],
    ),
)


# -- q4: bob, through the fixed form, lands on a deep link ----------------------------------------


def _inspect_bob(attempt: Attempt) -> str:
    client, site = attempt["bob_client"], attempt.site
    posts = [ex for ex in client.trace if ex.method == "POST"]
    to_login = [ex for ex in posts if urlsplit(ex.url).path == LOGIN]
    if not to_login:
        if posts:
            raise Incorrect(
                f"bob_client POSTed to {urlsplit(posts[-1].url).path}, not to the fixed session login {LOGIN}."
            )
        raise Incorrect(
            "bob_client never POSTed the login form: a sessionid cookie set by hand or copied from another "
            f"client proves nothing about bob's password. Log in through {LOGIN}."
        )
    good = [ex for ex in to_login if ex.status == 302]
    if not good:
        last = to_login[-1]
        if last.status == 403:
            raise Incorrect(
                "The login POST got 403 Forbidden: it carried no valid CSRF token. GET the form first and "
                "send csrfmiddlewaretoken (client.log_in() does both)."
            )
        raise Incorrect(
            f"The login POST got {last.status} {last.reason}: the username or the password is wrong."
        )
    key = _session_key(client)
    rows = site.sessions(client)
    if key is None or not len(rows):
        raise Incorrect("bob_client holds no live session: did it log out afterwards? Log in again.")
    if not any(f"sessionid={key}" in header for ex in good for header in ex.set_cookies):
        raise Incorrect("bob_client's sessionid was not set by its own login POST: it was planted by hand.")

    def username_of(pk):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=pk).first()
        return user.get_username() if user else None

    name = site.orm(username_of, rows[0].data.get("_auth_user_id"))
    if name != "bob":
        raise Incorrect(
            f"bob_client's session row says _auth_user_id is {name}'s: it is logged in as {name}, not bob."
        )
    landed = good[-1].location or ""
    if landed == WELCOME.split("&")[0]:
        raise Incorrect(
            f"The login sent bob to {landed!r}: tab=2 was lost. Written by hand into a URL, "
            f"?next={WELCOME} ends at the '&', and tab=2 becomes a parameter of the login page itself. "
            "URL-encode next (the & as %26): log_in(next=...) does it, as does urllib.parse.urlencode."
        )
    if landed != WELCOME or not any(
        ex.method == "GET" and ex.path == WELCOME and ex.status == 200 for ex in client.trace
    ):
        raise Incorrect(
            f"bob logged in, but the login sent him to {good[-1].location!r}, not {WELCOME}: pass next= with "
            "the page he should land on."
        )
    return f"The trace shows the POST answered 302 → {WELCOME}, and the session row names bob."


q4 = LESSON.add(
    "q4",
    HttpTask(
        title="bob logs in and lands on a deep link",
        variables={"bob_client": CLIENT},
        inspect=_inspect_bob,
        hints=[
            "bob_client = site.client(), then log it in through the fixed session login form.",
            "client.log_in() takes url= (the form) and next= (where to land after the login).",
            f"bob_client.log_in('bob', url='{LOGIN}', next='{WELCOME}')",
        ],
        solution=f"""
            bob_client = site.client()
            bob_client.log_in("bob", url="{LOGIN}", next="{WELCOME}")
        """,
        why="The POST carried the CSRF token and bob's password; login() gave the client a new session whose "
        "row names bob; the safe next brought him to the page he asked for.",
        wrong_answers=[
            WrongAnswer(
                "_helper = site.client()\n"
                f"_helper.log_in('bob', url='{LOGIN}')\n"
                "bob_client = site.client()\n"
                "bob_client.cookies.set('sessionid', _helper.cookies['sessionid'], domain='127.0.0.1', path='/')\n"
                f"bob_client.get('{WELCOME}')",
                "never POSTed the login form",
            ),
            WrongAnswer(
                f"bob_client = site.client()\nbob_client.log_in('alice', url='{LOGIN}', next='{WELCOME}')",
                "logged in as alice, not bob",
            ),
            WrongAnswer(
                "from demo_site.home.users import DEMO_USERS\n"
                "bob_client = site.client()\n"
                f"bob_client.post('{LOGIN}', params={{'next': '{WELCOME}'}}, "
                "data={'username': 'bob', 'password': DEMO_USERS['bob']})",
                "403 Forbidden",
            ),
            WrongAnswer(
                f"bob_client = site.client()\nbob_client.log_in('bob', next='{WELCOME}')",
                "not to the fixed session login",
            ),
            WrongAnswer(
                f"bob_client = site.client()\nbob_client.log_in('bob', url='{LOGIN}?next={WELCOME}')",
                "tab=2 was lost",
            ),
            WrongAnswer(
                f"bob_client = site.client()\nbob_client.log_in('bob', url='{LOGIN}')",
                "not /session-login/index/?from=q4",
            ),
        ],
    ),
)
