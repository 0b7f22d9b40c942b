"""Exercises of lesson 09 · Where sessions live.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo site.
"""

from __future__ import annotations

import secrets

from course_helpers.cookies import find_cookie
from course_helpers.exercises._no_shortcuts import call_watching
from course_helpers.exercises.answer_types import CLIENT, FUNCTION
from course_helpers.exercises.core import (
    AnswerType,
    Attempt,
    Incorrect,
    LearnerError,
    Lesson,
    Uncheckable,
    WrongAnswer,
)
from course_helpers.exercises.kinds import HttpTask, Prediction, ValueExercise
from course_helpers.session_engines import engine_in_use, engine_named

LESSON = Lesson("09", "Where sessions live")

#: The session engines Django ships, the ones the lesson compares (the course's table may list more).
DJANGO_ENGINES = ("db", "cache", "cached_db", "file", "signed_cookies")

SHOW = "/session-stores/"
ADD = "/session-stores/cart/add/"
LOGIN = "/accounts/login/"
COOKIE = "sessionid"
#: The salt the signed_cookies engine signs with (django/contrib/sessions/backends/signed_cookies.py).
SIGNED_COOKIES_SALT = "django.contrib.sessions.backends.signed_cookies"

#: A set of engine names, e.g. {"db", "file"}.
ENGINE_SET = AnswerType(
    "a set of engine names, like {{'db', 'file'}}",
    (set, frozenset),
    "Write the names in braces, {'db', 'file'}, or set() for none: the order does not matter.",
)


def _require_engine(attempt: Attempt, name: str, where: str):
    """The site, if it runs the engine ``name``; else :class:`Uncheckable` saying which cell to run."""
    site = attempt.site
    engine = engine_in_use()
    if engine is None or engine.name != name:
        current = engine.name if engine else "another engine"
        raise Uncheckable(
            f"This check needs the demo site running with the {name} engine, and it runs {current}. "
            f"Run the cell {where} again, then this one."
        )
    return site


def _post(client, path: str, **fields: str):
    """POST ``fields`` with the CSRF token, as a form does (a GET first gives the jar its token)."""
    if not client.csrf_token:
        client.get(SHOW)
    return client.post_form(path, fields, allow_redirects=False)


def _cookie_in_header(header: str) -> str | None:
    name, _, value = header.split(";", 1)[0].strip().partition("=")
    return value if name == COOKIE else None


def _values_received(client) -> set[str]:
    """Every sessionid value the site set in ``client``'s recorded responses."""
    return {
        value
        for exchange in client.trace
        for header in exchange.set_cookies
        if (value := _cookie_in_header(header)) not in (None, "", '""')
    }


# -- q1: predict: an admin deletes a cached_db row ----------------------------------------------


def _row_deleted_cart_still_there(attempt: Attempt) -> bool:
    site = _require_engine(attempt, "cached_db", "that starts the cached_db site")
    with site.client() as shopper:
        _post(shopper, ADD, item="tea")
        key = shopper.cookies.get(COOKIE, "")

        def delete_row() -> int:
            from django.contrib.sessions.models import Session

            return Session.objects.filter(session_key=key).delete()[0]

        if not key or site.orm(delete_row) != 1:
            raise Uncheckable(
                "The cached_db site did not store the cart in a row: run the cells above again."
            )
        return shopper.get(SHOW).json()["cart"] == ["tea"]


q1 = LESSON.add(
    "q1",
    Prediction(
        title="An admin deletes the row of a cached_db session: is the cart still there?",
        variables=["cart_still_there"],
        choices=(True, False),
        experiment=_row_deleted_cart_still_there,
        explain="cached_db reads the cache first and goes to the table only when the cache has nothing. "
        "Session.objects.filter(...).delete() goes straight to the table and never tells the cache, so the "
        "cached copy keeps the session alive until it expires (SESSION_COOKIE_AGE). End a session through "
        "its SessionStore (SessionStore(key).delete()), which deletes both.",
        hints=[
            "Where does cached_db look first when a request comes in?",
            "Does Session.objects.filter(...).delete() know that a cache exists?",
        ],
        solution="cart_still_there = True",
        why="Deleting rows behind SessionStore's back leaves cached_db's cached copy in charge.",
        wrong_answers=[
            WrongAnswer("cart_still_there = False", "reads the cache first"),
            WrongAnswer("cart_still_there = 'True'", "not one of the choices"),
            WrongAnswer("cart_still_there = 'only until the next write'", "not one of the choices"),
        ],
    ),
)


# -- q2: which engines lose sessions with the cache, which can end one server-side --------------


def _engine_facts() -> dict[str, dict[str, bool]]:
    """Run Django's own backends, in this process: each engine, a cache wiped, a session deleted.

    Cache-backed stores get a private ``LocMemCache`` of their own, so that the
    running site's sessions are never touched. Runs in a worker thread with the
    site's database (``site.orm``).
    """
    from importlib import import_module

    from django.core.cache.backends.locmem import LocMemCache

    facts = {}
    for engine in map(engine_named, DJANGO_ENGINES):
        private = LocMemCache(f"lesson09-check-{secrets.token_hex(4)}", {})
        module = import_module(engine.store)

        def store(key=None, module=module, private=private):
            made = module.SessionStore(key)
            if hasattr(made, "_cache"):
                made._cache = private
            return made

        first = store()
        first["cart"] = ["tea"]
        first.save()
        key = first.session_key
        private.clear()  # memcached restarted, or a deploy restarted the processes holding LocMem
        lost = store(key).load().get("cart") != ["tea"]
        store(key).delete()  # what an admin (or "log out everywhere") does to end it server-side
        revocable = store(key).load().get("cart") != ["tea"]
        store(key).delete()  # tidy up whatever is left (cached_db's copy in the cache, a file)
        facts[engine.name] = {"lost": lost, "revocable": revocable}
    return facts


def _expected_sets(attempt: Attempt) -> dict[str, set[str]]:
    facts = attempt.site.orm(_engine_facts)
    return {
        "lost_when_cache_cleared": {name for name, f in facts.items() if f["lost"]},
        "revocable": {name for name, f in facts.items() if f["revocable"]},
    }


def _diagnose_sets(attempt: Attempt) -> str | None:
    answer, expected, name = set(attempt.answer), set(attempt.expected), attempt.name
    unknown = answer - set(DJANGO_ENGINES)
    if unknown:
        return f"{sorted(unknown)} in `{name}` are not engine names; they are {', '.join(DJANGO_ENGINES)}."
    if name == "lost_when_cache_cleared":
        if "cached_db" in answer - expected:
            return "cached_db loses only its cached copy: the next read goes to django_session and refills the cache."
        if answer - expected:
            return (
                f"{sorted(answer - expected)} keep nothing in the cache: a wiped cache does not touch them."
            )
        return f"{sorted(expected - answer)} keep the session only in the cache: wiped, it is gone."
    if "signed_cookies" in answer - expected:
        return (
            "signed_cookies: SessionStore(key).delete() has nothing to delete; the cookie the client holds "
            "stays valid until it expires (or SECRET_KEY changes)."
        )
    missing = expected - answer
    return (
        f"{sorted(missing)} keep the session on the server too (a cache entry, a file): deleting it there ends it."
        if missing
        else None
    )


q2 = LESSON.add(
    "q2",
    ValueExercise(
        title="Which engines lose sessions when the cache is wiped, and which let the server end one?",
        variables={"lost_when_cache_cleared": ENGINE_SET, "revocable": ENGINE_SET},
        expected=_expected_sets,
        diagnose=_diagnose_sets,
        hints=[
            "For each engine, ask: where does the server look the session up, and is that place the cache only?",
            "Revoking means the server deletes its copy. Which engine has no copy to delete?",
            "Only `cache` keeps a session in the cache alone; only `signed_cookies` keeps none on the server.",
        ],
        solution="""
            lost_when_cache_cleared = {"cache"}
            revocable = {"db", "cache", "cached_db", "file"}
        """,
        why="The check ran Django's own backends: a session saved, the cache wiped, then the session deleted "
        "server-side. A session that lives only in the cache dies with it (cached_db refills from the table); "
        "a session the server keeps can be ended by deleting it, except with signed_cookies, whose session is "
        "the client's cookie.",
        wrong_answers=[
            WrongAnswer(
                "lost_when_cache_cleared = {'cache', 'cached_db'}\nrevocable = {'db', 'cache', 'cached_db', 'file'}",
                "cached_db loses only its cached copy",
            ),
            WrongAnswer(
                "lost_when_cache_cleared = {'cache'}\nrevocable = {'db', 'cache', 'cached_db', 'file', 'signed_cookies'}",
                "nothing to delete",
            ),
            WrongAnswer(
                "lost_when_cache_cleared = {'cache'}\nrevocable = {'db', 'cached_db'}",
                "keep the session on the server too",
            ),
            WrongAnswer(
                "lost_when_cache_cleared = ['cache']\nrevocable = ['db', 'cache', 'cached_db', 'file']",
                "should be a set of engine names",
            ),
            WrongAnswer(
                "lost_when_cache_cleared = {'memcached'}\nrevocable = {'db', 'cache', 'cached_db', 'file'}",
                "are not engine names",
            ),
        ],
    ),
)


# -- q3: read your own session from the cookie, without the key ------------------------------


def _foreign_cookies() -> dict[str, tuple[str, dict]]:
    """Cookies as another site's signed_cookies engine makes them, with another SECRET_KEY."""
    from django.contrib.sessions.serializers import JSONSerializer
    from django.core import signing

    other_key = secrets.token_urlsafe(40)
    small = {"cart": ["tea"], "_auth_user_id": "7"}
    big = {"cart": ["apple"] * 20, "_auth_user_id": "42", "_auth_user_hash": "ab" * 32}
    return {
        label: (
            signing.dumps(
                data, key=other_key, salt=SIGNED_COOKIES_SALT, serializer=JSONSerializer, compress=True
            ),
            data,
        )
        for label, data in (("short", small), ("compressed", big))
    }


def _inspect_read_session(attempt: Attempt) -> str:
    site = _require_engine(attempt, "signed_cookies", "that starts the signed_cookies site")
    me, read_session = attempt["me"], attempt["read_session"]
    cookie = find_cookie(me, COOKIE)
    if cookie is None:
        raise Incorrect("`me` has no sessionid cookie: log it in first, me.log_in('alice').")
    if cookie.value not in _values_received(me):
        raise Incorrect(
            "`me` never received the sessionid it holds from the site (no Set-Cookie in me.trace gave it): "
            "a cookie copied into the jar is another client's session. Log in with `me` itself."
        )
    if not any(ex.method == "POST" and ex.path.split("?")[0] == LOGIN for ex in me.trace):
        raise Incorrect(f"`me` never logged in (no POST to {LOGIN} in me.trace): me.log_in('alice').")
    rows = site.sessions(me)
    if len(rows) != 1 or "_auth_user_id" not in rows[0].data:
        raise Incorrect(
            "The site does not see a logged-in session in `me`'s cookie (expired, or logged out since?). "
            "Log in again with me.log_in('alice')."
        )
    expected = rows[0].data
    import course_helpers.signed

    try:
        got, shortcuts = call_watching(attempt, [course_helpers.signed], read_session, cookie.value)
    except LearnerError as exc:
        compressed = (
            " It starts with '.': zlib-compressed before base64." if cookie.value.startswith(".") else ""
        )
        raise Incorrect(
            f"read_session(me's cookie) raised {type(exc.original).__name__}: {exc.original}.{compressed}"
        ) from exc
    if shortcuts:
        raise Incorrect(
            "read_session() called the course's own explain_signed_value: it shows the answer, it is not "
            "yours. Decode the cookie yourself: the part before the first ':' is base64 of the JSON."
        )
    if isinstance(got, str):
        raise Incorrect(
            "read_session(cookie) returned a str (the cookie itself, or a piece of it), not the session's dict. "
            "The part before the first ':' is base64 of the JSON."
        )
    if got != expected:
        raise Incorrect(f"read_session(me's cookie) gave {got!r}; the site sees {expected!r} in it.")
    for label, (value, data) in _foreign_cookies().items():
        try:
            result = attempt.call(read_session, value)
        except LearnerError as exc:
            raise Incorrect(
                f"read_session() raised {type(exc.original).__name__} on a {label} cookie signed by another "
                "site, with another SECRET_KEY. Reading needs no key (only trusting it does): decode the "
                "payload yourself, and undo the compression when it starts with '.'."
            ) from exc
        if result != data:
            raise Incorrect(
                f"read_session() read {result!r} from a {label} cookie of another site holding {data!r}."
            )
    return "It read your own logged-in session, and two cookies of a site whose key you don't have."


q3 = LESSON.add(
    "q3",
    HttpTask(
        title="Read your session (and who you are) from the cookie, without the key",
        variables={"me": CLIENT, "read_session": FUNCTION},
        inspect=_inspect_read_session,
        hints=[
            "Log `me` in (me.log_in('alice')): its cookie then carries Django's _auth_user_* keys too.",
            "The cookie is payload:timestamp:signature, like signing.dumps() makes. The payload is "
            "base64url JSON; when it starts with '.', it was zlib-compressed first.",
            "payload = value.split(':')[0]; compressed = payload.startswith('.'); "
            "raw = signing.b64_decode(payload.lstrip('.').encode()); then zlib.decompress(raw) if compressed; "
            "then json.loads().",
        ],
        solution="""
            import json
            import zlib

            from django.core import signing

            me = site.client()
            me.log_in("alice")


            def read_session(cookie_value):
                payload = cookie_value.split(":")[0]
                raw = signing.b64_decode(payload.lstrip(".").encode())
                return json.loads(zlib.decompress(raw) if payload.startswith(".") else raw)
        """,
        why="Under signed_cookies the cookie IS the session: signing.dumps(session, compress=True) with a salt "
        "of its own. Anyone holding it reads everything in it (here your user id and the hash that ties the "
        "session to your password) without any key; the key only lets the server trust it.",
        wrong_answers=[
            WrongAnswer(
                "me = site.client()\nme.log_in('alice')\ndef read_session(cookie_value):\n    return cookie_value",
                "returned a str",
            ),
            WrongAnswer(
                "me = site.client()\nme.log_in('alice')\n"
                "def read_session(cookie_value):\n"
                "    return explain_signed_value(cookie_value, salt=SIGNED_SALT).data",
                "explain_signed_value",
            ),
            WrongAnswer(
                "from django.core import signing\n"
                "from django.contrib.sessions.serializers import JSONSerializer\n"
                "me = site.client()\nme.log_in('alice')\n"
                "def read_session(cookie_value):\n"
                "    return signing.loads(cookie_value, salt='django.contrib.sessions.backends.signed_cookies',"
                " serializer=JSONSerializer)",
                "another SECRET_KEY",
            ),
            WrongAnswer(
                "import base64, json\n"
                "me = site.client()\nme.log_in('alice')\n"
                "def read_session(cookie_value):\n"
                "    payload = cookie_value.split(':')[0]\n"
                "    return json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)))",
                "zlib-compressed before base64",
            ),
            WrongAnswer(
                "import json, zlib\nfrom django.core import signing\n"
                "alice = site.client()\nalice.log_in('alice')\n"
                "me = site.client()\n"
                "me.cookies.set('sessionid', alice.cookies['sessionid'], domain='127.0.0.1', path='/')\n"
                "def read_session(cookie_value):\n"
                "    payload = cookie_value.split(':')[0]\n"
                "    raw = signing.b64_decode(payload.lstrip('.').encode())\n"
                "    return json.loads(zlib.decompress(raw) if payload.startswith('.') else raw)",
                "never received the sessionid",
            ),
            WrongAnswer(
                "import json, zlib\nfrom django.core import signing\n"
                "me = site.client()\nme.get('/session-stores/')\n"
                "me.post('/session-stores/cart/add/', data={'item': 'tea', 'csrfmiddlewaretoken': me.csrf_token})\n"
                "def read_session(cookie_value):\n"
                "    payload = cookie_value.split(':')[0]\n"
                "    raw = signing.b64_decode(payload.lstrip('.').encode())\n"
                "    return json.loads(zlib.decompress(raw) if payload.startswith('.') else raw)",
                "never logged in",
            ),
        ],
    ),
)
