"""Exercises of lesson 13 · Sessions at scale.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo sites. Checks that need Redis say
"could not check" (uncheckable) when it is not here.
"""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

from course_helpers.balancer import STICKY_COOKIE, Balancer
from course_helpers.exercises.answer_types import CLIENT, VIEW
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, Uncheckable, WrongAnswer
from course_helpers.exercises.kinds import FixTheView, HttpTask, Prediction
from course_helpers.redis_server import redis_missing, start_redis_server
from course_helpers.session_engines import engine_in_use

LESSON = Lesson("13", "Sessions at scale")

WHOAMI = "/accounts/whoami/"
LOGIN = "/accounts/login/"
COOKIE = "sessionid"
#: q4: visits sent at once, and the sleep inside the view (seconds) that opens the race window.
BURST, SLOW = 10, 0.05


def _header(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name.lower()]


def _cookie_in(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


# -- q1: predict: sticky sessions, separate stores, the user's server stops ----------------------


def _sticky_server_stops(attempt: Attempt) -> bool:
    from course_helpers.balancer import start_balancer
    from course_helpers.server import REGISTRY, start_demo_site

    engine = engine_in_use()
    if engine is not None and engine.name != "db":
        raise Uncheckable(
            f"This check needs servers with a store each (the db engine), and the sites run {engine.name}. "
            "Run the cell that starts the sticky cluster again, then this one."
        )
    overrides = dict(
        REGISTRY.overrides.active
    )  # the same settings as the running sites: they can run together
    sites = [start_demo_site(f"lesson13-q1-app{n}", **overrides) for n in (1, 2)]
    try:
        with start_balancer(sites, sticky="cookie", name="lesson13-q1") as lb, lb.client() as alice:
            alice.log_in()
            home = alice.cookies.get(STICKY_COOKIE)
            if home is None or alice.get(WHOAMI).json()["username"] != "alice":
                raise Uncheckable(
                    "The experiment could not log alice in through the balancer; run the cells above."
                )
            lb.server(home).stop()
            return alice.get(WHOAMI).json()["authenticated"]
    finally:
        for site in sites:
            site.stop()


q1 = LESSON.add(
    "q1",
    Prediction(
        title="Sticky sessions, a store per server: alice's server stops. Is she still logged in?",
        variables=["still_logged_in"],
        choices=(True, False),
        experiment=_sticky_server_stops,
        explain="The balancer fails over: her next request goes to the other server, which has never seen "
        "her session key (its store is its own), so she is anonymous, and that server even deletes her "
        "sessionid cookie. Sticky sessions spread users over servers; they do not copy sessions. Only a "
        "store every server shares (Redis, a database) keeps her logged in when a server goes.",
        hints=[
            "Where does the balancer send her once her server is gone?",
            "Does the other server's store hold her session?",
        ],
        solution="still_logged_in = False",
        why="Sticky routing loses every session of a server that stops; a shared store does not.",
        wrong_answers=[
            WrongAnswer("still_logged_in = True", "never seen"),
            WrongAnswer("still_logged_in = 'False'", "not one of the choices"),
            WrongAnswer("still_logged_in = 'only if the balancer fails over'", "not one of the choices"),
        ],
    ),
)


# -- q2: the sticky cookie is the client's: send bob to the other server ---------------------------


def _balancer(attempt: Attempt) -> Balancer:
    lb = attempt.namespace.get("lb")
    if not isinstance(lb, Balancer) or not lb.running or lb.sticky != "cookie":
        raise Uncheckable(
            "This check needs the sticky balancer `lb` of the cell above (sticky='cookie'). "
            "Run that cell again, then yours, then this one."
        )
    return lb


def _inspect_rerouted(attempt: Attempt) -> str:
    lb = _balancer(attempt)
    bob = attempt["bob"]
    trace = list(bob.trace)
    base = lb.url
    logins = [
        ex
        for ex in trace
        if ex.method == "POST" and ex.url.startswith(base) and ex.path.startswith(LOGIN) and ex.status == 302
    ]
    if not logins:
        raise Incorrect(
            "bob's client never logged in through the balancer (no POST to /accounts/login/ answered 302 "
            "in bob.trace). Use bob = lb.client() and bob.log_in(username='bob') first."
        )
    login = logins[-1]
    home = (_header(login.response_headers, "X-Backend") or [None])[0]
    keys = [_cookie_in(h, COOKIE) for h in _header(login.response_headers, "Set-Cookie")]
    key = next((k for k in keys if k), None)
    later = trace[trace.index(login) + 1 :]
    asked = [ex for ex in later if ex.path.startswith(WHOAMI) and ex.url.startswith(base)]
    if not asked:
        raise Incorrect("After the login, bob never asked /accounts/whoami/ through the balancer.")
    for ex in asked:
        sent = "; ".join(_header(ex.request_headers, "Cookie"))
        served = (_header(ex.response_headers, "X-Backend") or [None])[0]
        pinned = _cookie_in(sent, STICKY_COOKIE)
        if pinned and pinned != home and served == pinned and _cookie_in(sent, COOKIE) == key:
            deleted = any(
                _cookie_in(h, COOKIE) in ("", '""') for h in _header(ex.response_headers, "Set-Cookie")
            )
            if not deleted:
                raise Incorrect(
                    f"{served} answered with bob's session key and kept it: is it sharing {home}'s store? "
                    "Run the cell that starts the sticky cluster (separate stores) again."
                )
            return (
                f"bob logged in on {home}; with {STICKY_COOKIE}={pinned} he was sent to {served}, which does not "
                "know his key: anonymous, and his sessionid was deleted. The sticky cookie is a hint the "
                "client controls, not a security boundary, and the session does not travel with it."
            )
    if any(_cookie_in("; ".join(_header(ex.request_headers, "Cookie")), COOKIE) != key for ex in asked):
        raise Incorrect(
            "bob's whoami did not carry the session key his login received: change only "
            f"the {STICKY_COOKIE} cookie, keep sessionid."
        )
    raise Incorrect(
        f"bob logged in on {home}, and every whoami after it went back to {home}: set his "
        f"{STICKY_COOKIE} cookie to the other server's name (bob.cookies.set('{STICKY_COOKIE}', ..., "
        "domain='127.0.0.1', path='/')), then ask /accounts/whoami/."
    )


q2 = LESSON.add(
    "q2",
    HttpTask(
        title="Send bob to the other server by changing only the sticky cookie",
        variables={"bob": CLIENT},
        inspect=_inspect_rerouted,
        hints=[
            "Log bob in through lb; his jar then holds lb_server, the name of the server he is pinned to.",
            "The servers are called app1 and app2: set lb_server to the other one, keep sessionid as it is.",
            "bob.cookies.set('lb_server', other, domain='127.0.0.1', path='/'), then bob.get('/accounts/whoami/').",
        ],
        solution="""
            bob = lb.client()
            bob.log_in(username="bob")
            home = bob.cookies["lb_server"]
            other = "app2" if home == "app1" else "app1"
            bob.cookies.set("lb_server", other, domain="127.0.0.1", path="/")
            bob.get("/accounts/whoami/").json()
        """,
        why="The balancer trusts whatever lb_server says; the servers trust only their own store.",
        wrong_answers=[
            WrongAnswer(
                "bob = lb.client()\nbob.log_in(username='bob')\nbob.get('/accounts/whoami/')\n",
                "went back to",
            ),
            WrongAnswer(
                "bob = lb.client()\nbob.get('/accounts/whoami/')\n", "never logged in through the balancer"
            ),
            WrongAnswer(
                "bob = lb.client()\nbob.log_in(username='bob')\nhome = bob.cookies['lb_server']\n"
                "other = 'app2' if home == 'app1' else 'app1'\n"
                "bob.cookies.set('lb_server', other, domain='127.0.0.1', path='/')\n"
                "bob.cookies.set('sessionid', 'x' * 32, domain='127.0.0.1', path='/')\n"
                "bob.get('/accounts/whoami/')\n",
                "change only",
            ),
            WrongAnswer(
                "bob = lb.server('app1').client()\nbob.log_in(username='bob')\nbob.get('/accounts/whoami/')\n",
                "never logged in through the balancer",
            ),
        ],
    ),
)


# -- q3: predict: cached_db over Redis, Redis stops -----------------------------------------------


def _cached_db_without_redis(attempt: Attempt) -> str:
    missing = redis_missing()
    if missing:
        raise Uncheckable(f"Could not check: no Redis here. {missing}")
    site = attempt.site

    def experiment(url: str, stop) -> str:
        from django.contrib.auth import get_user_model
        from django.contrib.sessions.backends.cached_db import SessionStore
        from django.core.cache.backends.redis import RedisCache

        cache = RedisCache(url, {})

        def store(key=None):
            made = SessionStore(key)
            made._cache = cache  # a private Redis: the notebook's sessions are never touched
            return made

        alice = get_user_model().objects.get(username="alice")
        first = store()
        first.update({"_auth_user_id": str(alice.pk)})
        first.save()
        try:
            stop()
            try:
                data = store(first.session_key).load()
            except Exception:  # what SessionMiddleware would let through: Django answers 500
                return "500"
            return "logged in" if data.get("_auth_user_id") == str(alice.pk) else "anonymous"
        finally:
            from django.contrib.sessions.models import Session

            Session.objects.filter(session_key=first.session_key).delete()

    with start_redis_server(name="lesson13-q3") as redis:
        return site.orm(experiment, redis.url, redis.stop)


q3 = LESSON.add(
    "q3",
    Prediction(
        title="cached_db over Django's RedisCache, and Redis stops: what does alice get?",
        variables=["alice_gets"],
        choices=("logged in", "anonymous", "500"),
        experiment=_cached_db_without_redis,
        explain="cached_db reads the cache first, and a failed read counts as a miss; it then reads the row "
        "from the database and puts it back in the cache. That put is not guarded: RedisCache raises "
        "ConnectionError, and the request ends in a 500. The data is safe in the table; the page is not. "
        "A cache that fails open (reads miss, writes are dropped) turns the outage into a slower site.",
        hints=[
            "cached_db's load(): the cache, then the table, then what?",
            "After reading the row, load() writes it back into the cache. Is that call inside a try?",
        ],
        solution="alice_gets = '500'",
        why="Django catches a failed cache read in load(), not the cache write that follows it.",
        wrong_answers=[
            WrongAnswer("alice_gets = 'logged in'", "not guarded"),
            WrongAnswer("alice_gets = 'anonymous'", "not guarded"),
            WrongAnswer("alice_gets = 500", "not one of the choices"),
        ],
    ),
)


# -- q4: fix the racy visit counter --------------------------------------------------------------

#: Kinds of object that, held by the view's module or closure, keep the count in this one process.
_PROCESS_LOCAL = (dict, list, set, bytearray)


def _process_local_state(view) -> str | None:
    """The name of a global or closure variable in which ``view`` keeps state of its own process, if any.

    Every demo server of this kernel shares one process, so a dict or an
    ``itertools.count`` in the notebook counts right *here*; on two real servers
    each would count its own half. Such state cannot be seen over HTTP from one
    process, so it is looked for where it lives: a ``global`` the view assigns,
    or a container, counter or lock that it reads from its module or closure.
    """
    import dis
    import itertools
    import threading

    code = getattr(view, "__code__", None)
    if code is None:
        return None
    stored = [ins.argval for ins in dis.get_instructions(code) if ins.opname == "STORE_GLOBAL"]
    if stored:
        return stored[0]
    held = {name: view.__globals__[name] for name in code.co_names if name in view.__globals__}
    for name, cell in zip(code.co_freevars, view.__closure__ or (), strict=False):
        with contextlib.suppress(ValueError):
            held[name] = cell.cell_contents
    lock_types = (type(threading.Lock()), type(threading.RLock()), threading.Semaphore, threading.Condition)
    for name, value in held.items():
        if isinstance(value, (*_PROCESS_LOCAL, itertools.count, *lock_types)):
            return name
    return None


def _drive_counter(attempt: Attempt) -> str:
    client, path = attempt.client, attempt.prefix
    first = client.get(path)
    try:
        first.json()["visits"]  # noqa: B018
    except (ValueError, KeyError, TypeError):
        raise Incorrect(
            f"GET {path} answered {first.status_code} {first.text[:60]!r}; the view should answer JSON "
            "{'visits': 1}."
        ) from None
    if first.json().get("visits") != 1:
        raise Incorrect(f"A new visitor's first visit said {first.json()!r}; it should say {{'visits': 1}}.")
    if COOKIE not in client.cookies:
        raise Incorrect(
            "The first visit set no sessionid cookie, so the next visits cannot be counted as this visitor's."
        )
    started = time.monotonic()
    with ThreadPoolExecutor(BURST) as pool:
        replies = list(pool.map(lambda _: client.get(path), range(BURST)))
    burst = time.monotonic() - started
    if any(r.status_code != 200 for r in replies):
        raise Incorrect(
            f"Under {BURST} visits at once the view answered {sorted({r.status_code for r in replies})}."
        )
    if min(r.elapsed.total_seconds() for r in replies) < SLOW * 0.9:
        raise Incorrect(
            f"Keep the time.sleep({SLOW}) in the view: it stands for the real work of a page, and without it "
            "the race is still there, only rarer."
        )
    counted = sorted(r.json().get("visits") for r in replies)
    final = client.get(path).json().get("visits")
    lost = BURST + 2 - (final or 0)
    if counted != list(range(2, BURST + 2)) or final != BURST + 2:
        raise Incorrect(
            f"{BURST} visits at once were answered {counted}, and the next visit said {final}: "
            f"{max(lost, 1)} visit(s) lost. Each request read the count, waited, and saved its own value; "
            "the last save wins. Keep the count out of the session, in a store that increments atomically."
        )
    if burst > BURST * SLOW * 0.7:
        raise Incorrect(
            f"Every visit was counted, but {BURST} visits took {burst:.2f} s: they waited for each other. "
            "A lock makes the requests of one process queue up, and does nothing for the other servers "
            "(each process has its own lock). Let the store do the counting: cache.incr() or F('visits') + 1."
        )
    with attempt.site.client() as newcomer:
        theirs = newcomer.get(path).json().get("visits")
    if theirs != 1:
        raise Incorrect(
            f"Another visitor's first visit said {{'visits': {theirs}}}: the count should be each visitor's own "
            "(a key made from request.session.session_key), not one counter for everybody."
        )
    held = _process_local_state(attempt["count_visit"])
    if held is not None:
        raise Incorrect(
            f"Every visit was counted, in `{held}`, which lives in this Python process. Here the demo servers "
            "share one process, so it works; on two real servers each would count its own visits. Keep the "
            "count in the shared store: cache.incr() or F('visits') + 1."
        )
    return f"{BURST} visits at once, {BURST} counted, in {burst:.2f} s; another visitor counted apart."


q4 = LESSON.add(
    "q4",
    FixTheView(
        title="Make the visit counter count every visit, even ten at once",
        variables={"count_visit": VIEW},
        drive=_drive_counter,
        hints=[
            "The count is read, then (50 ms later) written back: two requests in between both write the "
            "same number. What if the store did the +1 itself?",
            "Django's cache has an atomic increment: cache.add(key, 0) creates the counter once, "
            "cache.incr(key) adds one and returns the new value in one step (atomic in Redis).",
            "Count under a key made from the session key (request.session.session_key); for a new visitor, "
            "put something in the session and save it first, so that the key (and the cookie) exist.",
        ],
        solution="""
            import time

            from django.core.cache import cache
            from django.http import JsonResponse


            def count_visit(request):
                if request.session.session_key is None:
                    request.session["counting"] = True  # a new visitor: the session (and its cookie) must exist
                    request.session.save()
                key = f"visits:{request.session.session_key}"
                cache.add(key, 0)  # creates the counter once; does nothing if it exists
                time.sleep(0.05)  # the slow part of the page
                return JsonResponse({"visits": cache.incr(key)})  # read and write in one atomic step
        """,
        why="A read-then-write of the session loses concurrent updates (last write wins); an atomic "
        "increment in the shared store cannot, on one server or twenty.",
        wrong_answers=[
            WrongAnswer(
                "import time\nfrom django.http import JsonResponse\n\n"
                "def count_visit(request):\n"
                "    visits = request.session.get('visits', 0) + 1\n"
                "    time.sleep(0.05)\n"
                "    request.session['visits'] = visits\n"
                "    request.session.modified = True\n"
                "    return JsonResponse({'visits': visits})\n",
                "lost",
            ),
            WrongAnswer(
                "import time\nfrom django.http import JsonResponse\n\n"
                "def count_visit(request):\n"
                "    visits = request.session.get('visits', 0) + 1\n"
                "    time.sleep(0.05)\n"
                "    request.session['visits'] = visits\n"
                "    request.session.save()\n"
                "    return JsonResponse({'visits': visits})\n",
                "lost",
            ),
            WrongAnswer(
                "import time\nfrom django.core.cache import cache\nfrom django.http import JsonResponse\n\n"
                "def count_visit(request):\n"
                "    if request.session.session_key is None:\n"
                "        request.session['counting'] = True\n"
                "        request.session.save()\n"
                "    key = f'visits:{request.session.session_key}'\n"
                "    visits = cache.get(key, 0) + 1\n"
                "    time.sleep(0.05)\n"
                "    cache.set(key, visits)\n"
                "    return JsonResponse({'visits': visits})\n",
                "lost",
            ),
            WrongAnswer(
                "import threading, time\nfrom django.core.cache import cache\nfrom django.http import JsonResponse\n\n"
                "LOCK = threading.Lock()\n\n"
                "def count_visit(request):\n"
                "    if request.session.session_key is None:\n"
                "        request.session['counting'] = True\n"
                "        request.session.save()\n"
                "    key = f'visits:{request.session.session_key}'\n"
                "    with LOCK:\n"
                "        visits = cache.get(key, 0) + 1\n"
                "        time.sleep(0.05)\n"
                "        cache.set(key, visits)\n"
                "    return JsonResponse({'visits': visits})\n",
                "one process",
            ),
            WrongAnswer(
                "import itertools, time\nfrom django.http import JsonResponse\n\n"
                "VISITS = itertools.count(1)\n\n"
                "def count_visit(request):\n"
                "    request.session['counting'] = True\n"
                "    time.sleep(0.05)\n"
                "    return JsonResponse({'visits': next(VISITS)})\n",
                "Another visitor",
            ),
            WrongAnswer(
                "import collections, itertools, time\nfrom django.http import JsonResponse\n\n"
                "VISITS = collections.defaultdict(lambda: itertools.count(1))\n\n"
                "def count_visit(request):\n"
                "    if request.session.session_key is None:\n"
                "        request.session['counting'] = True\n"
                "        request.session.save()\n"
                "    time.sleep(0.05)\n"
                "    return JsonResponse({'visits': next(VISITS[request.session.session_key])})\n",
                "lives in this Python process",
            ),
        ],
    ),
)

__all__ = ["LESSON", "q1", "q2", "q3", "q4"]
