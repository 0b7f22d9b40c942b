"""Exercises of lesson 07 · Ending a session.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo site.
"""

from __future__ import annotations

import secrets

from course_helpers.cookies import find_cookie
from course_helpers.exercises.answer_types import CLIENT, VIEW
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import FixTheView, HttpTask, Prediction

LESSON = Lesson("07", "Ending a session")

PLAYGROUND = "/ending/"
VULNERABLE_LOGIN = "/vulnerable/ending/login/"
SAFE_LOGIN = "/accounts/login/"
WHOAMI = "/accounts/whoami/"
COOKIE = "sessionid"


def _fresh_session(client) -> str:
    """Give ``client`` a session the server issued (POST /ending/do/set/ with CSRF); return its key."""
    client.get(PLAYGROUND)
    client.post_form("/ending/do/set/")
    return client.cookies.get(COOKIE, "")


def _plant(client, key: str) -> None:
    client.cookies.set(COOKIE, key, domain="127.0.0.1", path="/")


def _who(client) -> str | None:
    """Whom ``/accounts/whoami/`` says ``client`` is logged in as (``None``: anonymous)."""
    reply = client.get(WHOAMI)
    return reply.json().get("username") if reply.status_code == 200 else None


# -- q1: session fixation, as the attacker ------------------------------------------------------


def _cookie_in_header(header: str | None) -> str | None:
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return None


def _keys_issued_to(client) -> set[str]:
    """The session keys the server set in ``client``'s recorded responses (deletions left out)."""
    keys = set()
    for exchange in client.trace:
        for header in exchange.set_cookies:
            value = _cookie_in_header(header.split(";", 1)[0])
            if value and value != '""':
                keys.add(value)
    return keys


def _inspect_fixation(attempt: Attempt) -> str:
    attacker, victim = attempt["attacker"], attempt["victim"]
    if attacker is victim:
        raise Incorrect("`attacker` and `victim` are the same client: make two, one for each person.")
    if any(ex.method == "POST" and "login" in ex.path for ex in attacker.trace):
        raise Incorrect(
            "The attacker logged in themselves (its traffic has a POST to a login page). The attacker does "
            "not know alice's password: only the victim logs in; the attacker only plants a key."
        )
    logins = [ex for ex in victim.trace if ex.method == "POST" and ex.path.split("?")[0] == VULNERABLE_LOGIN]
    done = [ex for ex in logins if ex.status == 302]
    if not done:
        if any(ex.method == "POST" and ex.path.split("?")[0] == SAFE_LOGIN for ex in victim.trace):
            raise Incorrect(
                f"The victim logged in at {SAFE_LOGIN}: Django's login() cycled the key, so the planted key "
                f"is worthless (that is the defence). Send the victim to {VULNERABLE_LOGIN}."
            )
        raise Incorrect(
            f"The victim never logged in at {VULNERABLE_LOGIN} (no POST answered 302 in its traffic)."
        )
    login = done[-1]
    planted = _cookie_in_header(login.cookie_sent)
    if not planted:
        raise Incorrect(
            "The victim's login sent no sessionid cookie: nothing was planted before it logged in. Fixation "
            "happens BEFORE the login: the attacker's key must already be in the victim's jar."
        )
    if planted not in _keys_issued_to(attacker):
        if planted in _keys_issued_to(victim):
            raise Incorrect(
                "The key the victim logged in with was issued to the victim, not to the attacker: copying the "
                "victim's cookie is theft, not fixation. The attacker gets a key from the server first and "
                "plants it in the victim's jar."
            )
        raise Incorrect(
            "The key the victim logged in with was never issued by the server (it is not in the attacker's "
            "traffic): Django does not use a key it does not know, so the login got a brand-new key. The "
            "attacker must first get a real key (any page that writes the session, e.g. POST /ending/do/set/)."
        )
    row = attempt.site.sessions().get(planted)
    if row is None or "_auth_user_id" not in row.data:
        raise Incorrect(
            "The planted key no longer holds a logged-in session (did the victim log out, or log in again?). "
            "Run your attack again from the start."
        )
    held = find_cookie(attacker, COOKIE)
    if held is None or held.value != planted:
        raise Incorrect(
            "The attacker's own jar no longer holds the planted key: keep it, it is the whole point."
        )
    rode = [ex for ex in attacker.trace if _cookie_in_header(ex.cookie_sent) == planted and ex.path == WHOAMI]
    if not rode:
        raise Incorrect(f"The attacker never asked {WHOAMI} with the planted key: prove who it is now.")
    if not any(ex.order > login.order for ex in rode):
        raise Incorrect(
            f"The attacker asked {WHOAMI} only before the victim logged in: then the planted key was still "
            f"anonymous. Ask again, after the victim's login, to prove the key is now alice's."
        )
    with attempt.site.client() as probe:  # not the attacker's client: the check adds nothing to its trace
        _plant(probe, planted)
        who = _who(probe)
    if who is None:
        raise Incorrect("The attacker's key does not log anyone in now.")
    return f"With the key it planted, the attacker's own client is logged in as {who}."


q1 = LESSON.add(
    "q1",
    HttpTask(
        title="Ride the victim's login (session fixation)",
        variables={"attacker": CLIENT, "victim": CLIENT},
        inspect=_inspect_fixation,
        hints=[
            "Three steps: the attacker gets a session key the server really issued; the key is planted in the "
            "victim's jar; the victim logs in at /vulnerable/ending/login/. Then the attacker asks /accounts/whoami/.",
            "A real key: attacker.get('/ending/') (for the CSRF cookie), then attacker.post('/ending/do/set/', "
            "data={'csrfmiddlewaretoken': attacker.csrf_token}); the key is attacker.cookies['sessionid'].",
            "Plant it: victim.cookies.set('sessionid', key, domain='127.0.0.1', path='/'); then "
            "victim.log_in('alice', url='/vulnerable/ending/login/') and attacker.get('/accounts/whoami/').",
        ],
        solution="""
            attacker = site.client()
            attacker.get("/ending/")
            attacker.post_form("/ending/do/set/")
            planted = attacker.cookies["sessionid"]

            victim = site.client()
            victim.cookies.set("sessionid", planted, domain="127.0.0.1", path="/")
            victim.log_in("alice", url="/vulnerable/ending/login/")

            attacker.get("/accounts/whoami/").json()
        """,
        why="The vulnerable login wrote alice's id into the session the victim's cookie named, and that is "
        "the attacker's session: the key the attacker knew before the login is now a logged-in key.",
        wrong_answers=[
            WrongAnswer(
                "attacker = site.client()\n"
                "attacker.log_in('alice', url='/vulnerable/ending/login/')\n"
                "victim = site.client()\n"
                "victim.log_in('alice', url='/vulnerable/ending/login/')\n"
                "attacker.get('/accounts/whoami/')",
                "The attacker logged in themselves",
            ),
            WrongAnswer(
                "attacker = site.client()\n"
                "victim = site.client()\n"
                "victim.cookies.set('sessionid', 'iamtheattackerandiknowthiskey123', domain='127.0.0.1', path='/')\n"
                "victim.log_in('alice', url='/vulnerable/ending/login/')\n"
                "attacker.cookies.set('sessionid', 'iamtheattackerandiknowthiskey123', domain='127.0.0.1', path='/')\n"
                "attacker.get('/accounts/whoami/')",
                "never issued by the server",
            ),
            WrongAnswer(
                "attacker = site.client()\n"
                "attacker.get('/ending/')\n"
                "attacker.post('/ending/do/set/', data={'csrfmiddlewaretoken': attacker.csrf_token})\n"
                "victim = site.client()\n"
                "victim.cookies.set('sessionid', attacker.cookies['sessionid'], domain='127.0.0.1', path='/')\n"
                "victim.log_in('alice')\n"
                "attacker.get('/accounts/whoami/')",
                "Django's login() cycled the key",
            ),
            WrongAnswer(
                "victim = site.client()\n"
                "victim.get('/ending/')\n"
                "victim.post('/ending/do/set/', data={'csrfmiddlewaretoken': victim.csrf_token})\n"
                "victim.log_in('alice', url='/vulnerable/ending/login/')\n"
                "attacker = site.client()\n"
                "attacker.cookies.set('sessionid', victim.cookies['sessionid'], domain='127.0.0.1', path='/')\n"
                "attacker.get('/accounts/whoami/')",
                "copying the victim's cookie is theft",
            ),
            WrongAnswer(
                "attacker = site.client()\n"
                "attacker.get('/ending/')\n"
                "attacker.post('/ending/do/set/', data={'csrfmiddlewaretoken': attacker.csrf_token})\n"
                "attacker.get('/accounts/whoami/')\n"
                "victim = site.client()\n"
                "victim.cookies.set('sessionid', attacker.cookies['sessionid'], domain='127.0.0.1', path='/')\n"
                "victim.log_in('alice', url='/vulnerable/ending/login/')",
                "only before the victim logged in",
            ),
        ],
    ),
)


# -- q2: fix the vulnerable login --------------------------------------------------------------


def _drive_fixed_login(attempt: Attempt) -> str:
    from demo_site.home.users import DEMO_USERS

    site, url = attempt.site, attempt.prefix
    right = {"username": "alice", "password": DEMO_USERS["alice"]}

    with site.client() as attacker, site.client() as victim:
        planted = _fresh_session(attacker)
        _plant(victim, planted)
        victim.get(SAFE_LOGIN)  # the victim's CSRF cookie, as a page with the form gives it
        reply = victim.post_form(url, right, allow_redirects=False)
        if reply.status_code >= 500:
            raise Incorrect(f"The right password, sent by POST with a CSRF token, got {reply.status_code}.")
        if _who(victim) != "alice":
            raise Incorrect(
                f"alice POSTed the right password with a CSRF token and is not logged in (the reply was "
                f"{reply.status_code}). Use authenticate(), then login(request, user)."
            )
        if _who(attacker) is not None:
            raise Incorrect(
                "alice logged in, and the attacker, still holding the key it planted before her login, is "
                "logged in as her: the session key was not changed at login. Call login(request, user) "
                "(it cycles the key) or request.session.cycle_key()."
            )

    with site.client() as guesser:
        guesser.get(SAFE_LOGIN)
        reply = guesser.post_form(url, {"username": "alice", "password": "password123"})
        if reply.status_code >= 500:
            raise Incorrect(
                f"A wrong password got {reply.status_code}: answer the form again (200), not an error."
            )
        if _who(guesser) is not None:
            raise Incorrect(
                "A wrong password logged alice in: check it with authenticate(request, username=..., "
                "password=...), which returns None when it is wrong."
            )
        for data in ({}, {"username": "alice"}, {"password": "x" * 5000}):
            reply = guesser.post_form(url, data)
            if reply.status_code >= 500:
                raise Incorrect(
                    f"A form with fields {sorted(data)} only got {reply.status_code}: use .get(..., '')."
                )

    with site.client() as forger:
        reply = forger.post(url, data=right, allow_redirects=False)
        if reply.status_code != 403 or _who(forger) is not None:
            raise Incorrect(
                "A POST with the right password but without any CSRF token (what a hidden form on another site "
                f"sends) got {reply.status_code} and not 403: is your view @csrf_exempt? Leave Django's CSRF "
                "check on."
            )

    with site.client() as linker:
        linker.get(url, params=right)
        if _who(linker) is not None:
            raise Incorrect(
                "A GET with the password in the query string logged alice in: log in only on a POST "
                "(read request.POST, never request.GET), so no link or image can do it."
            )
    return "The planted key was worthless after the login; wrong passwords, forged POSTs and GETs logged nobody in."


q2 = LESSON.add(
    "q2",
    FixTheView(
        title="Fix the vulnerable login",
        variables={"fixed_login": VIEW},
        drive=_drive_fixed_login,
        hints=[
            "Keep authenticate() (it checks the password) and replace the three hand-written session lines.",
            "django.contrib.auth.login(request, user) writes the same keys AND cycles the session key "
            "(and rotates the CSRF token).",
            "Act only when request.method == 'POST'; read request.POST; never mark the view @csrf_exempt. "
            "Answer a redirect on success and an HttpResponse (the form again) otherwise.",
        ],
        solution="""
            from django.contrib.auth import authenticate, login
            from django.http import HttpResponse
            from django.shortcuts import redirect


            def fixed_login(request):
                if request.method == "POST":
                    user = authenticate(
                        request,
                        username=request.POST.get("username", ""),
                        password=request.POST.get("password", ""),
                    )
                    if user is not None:
                        login(request, user)  # a new session key: the planted one is worthless
                        return redirect("/accounts/")
                return HttpResponse("Please log in.", status=200)
        """,
        why="login() cycles the session key (a key known before the login is worthless after it) and "
        "authenticate() checks the password; Django's CSRF middleware refuses a POST without a token, and a "
        "GET never logs anyone in.",
        wrong_answers=[
            WrongAnswer(
                "from demo_site.ending.vulnerable import login as fixed_login",
                "the session key was not changed at login",
            ),
            WrongAnswer(
                "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, authenticate\n"
                "from django.http import HttpResponse\n"
                "from django.shortcuts import redirect\n"
                "def fixed_login(request):\n"
                "    if request.method == 'POST':\n"
                "        user = authenticate(request, username=request.POST.get('username', ''),\n"
                "                            password=request.POST.get('password', ''))\n"
                "        if user is not None:\n"
                "            request.session.clear()  # start from an empty session\n"
                "            request.session[SESSION_KEY] = str(user.pk)\n"
                "            request.session[BACKEND_SESSION_KEY] = user.backend\n"
                "            request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
                "            return redirect('/accounts/')\n"
                "    return HttpResponse('Please log in.')",
                "the session key was not changed at login",
            ),
            WrongAnswer(
                "from django.contrib.auth import get_user_model, login\n"
                "from django.http import HttpResponse\n"
                "from django.shortcuts import redirect\n"
                "def fixed_login(request):\n"
                "    if request.method == 'POST':\n"
                "        user = get_user_model().objects.filter(username=request.POST.get('username', '')).first()\n"
                "        if user is not None:\n"
                "            login(request, user, backend='django.contrib.auth.backends.ModelBackend')\n"
                "            return redirect('/accounts/')\n"
                "    return HttpResponse('Please log in.')",
                "A wrong password logged alice in",
            ),
            WrongAnswer(
                "from django.contrib.auth import authenticate, login\n"
                "from django.http import HttpResponse\n"
                "from django.shortcuts import redirect\n"
                "from django.views.decorators.csrf import csrf_exempt\n"
                "@csrf_exempt\n"
                "def fixed_login(request):\n"
                "    if request.method == 'POST':\n"
                "        user = authenticate(request, username=request.POST.get('username', ''),\n"
                "                            password=request.POST.get('password', ''))\n"
                "        if user is not None:\n"
                "            login(request, user)\n"
                "            return redirect('/accounts/')\n"
                "    return HttpResponse('Please log in.')",
                "without any CSRF token",
            ),
            WrongAnswer(
                "from django.contrib.auth import authenticate, login\n"
                "from django.http import HttpResponse\n"
                "from django.shortcuts import redirect\n"
                "def fixed_login(request):\n"
                "    data = request.POST or request.GET\n"
                "    user = authenticate(request, username=data.get('username', ''), password=data.get('password', ''))\n"
                "    if user is not None:\n"
                "        login(request, user)\n"
                "        return redirect('/accounts/')\n"
                "    return HttpResponse('Please log in.')",
                "A GET with the password in the query string",
            ),
            WrongAnswer(
                "from django.contrib.auth import authenticate, login\n"
                "from django.shortcuts import redirect\n"
                "def fixed_login(request):\n"
                "    user = authenticate(request, username=request.POST['username'], password=request.POST['password'])\n"
                "    if user is not None:\n"
                "        login(request, user)\n"
                "        return redirect('/accounts/')",
                "returned None",
            ),
        ],
    ),
)


# -- q3: predict what deactivating a user does to their session -----------------------------


def _deactivated_session(attempt: Attempt) -> str:
    from django.contrib.auth import get_user_model

    site = attempt.site
    username, password = f"q3-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    site.orm(lambda: get_user_model().objects.create_user(username, password=password))
    key = ""
    try:
        with site.client() as client:
            client.log_in(username, password)
            key = client.cookies[COOKIE]
            site.orm(lambda: get_user_model().objects.filter(username=username).update(is_active=False))
            who = _who(client)
            kept = site.sessions().get(key) is not None
    finally:
        from django.contrib.sessions.models import Session

        site.orm(lambda: Session.objects.filter(session_key=key).delete())
        site.orm(lambda: get_user_model().objects.filter(username=username).delete())
    return f"{'logged in' if who else 'anonymous'}, row {'kept' if kept else 'deleted'}"


q3 = LESSON.add(
    "q3",
    Prediction(
        title="Predict: a deactivated user's session on its next request",
        variables=["after_deactivation"],
        choices=("logged in, row kept", "anonymous, row kept", "anonymous, row deleted"),
        experiment=_deactivated_session,
        explain="ModelBackend.get_user() returns None for a user with is_active=False, so the request is "
        "anonymous; but unlike a stale password hash, nothing flushes the session: the row stays, with the "
        "user's id in it, until it expires. Set is_active=True again and that cookie works again.",
        hints=[
            "Two questions: does AuthenticationMiddleware still find a user? Does anything delete the row?",
            "Read django.contrib.auth.get_user(): when does it call request.session.flush()? "
            "And what does ModelBackend.get_user() return for an inactive user?",
        ],
        solution='after_deactivation = "anonymous, row kept"',
        why="Deactivating refuses the user on every request, but leaves their sessions in the store.",
        wrong_answers=[
            WrongAnswer('after_deactivation = "anonymous, row deleted"', "nothing flushes the session"),
            WrongAnswer(
                'after_deactivation = "logged in, row kept"', "returns None for a user with is_active=False"
            ),
            WrongAnswer('after_deactivation = "logged out"', "is not one of the choices"),
        ],
    ),
)
