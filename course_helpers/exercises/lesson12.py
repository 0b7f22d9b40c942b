"""Exercises of lesson 12 · Cookie security lab.

q1 and q3 need no browser. q2 reads what the notebook's real browser did; where
there is no browser it says it could not check, never that the learner failed.
Django is imported lazily (inside the checks): this module is imported before
the notebook starts the demo site.
"""

from __future__ import annotations

from course_helpers.exercises.answer_types import CLIENT, TEXT, WHOLE_NUMBER
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, Uncheckable, WrongAnswer
from course_helpers.exercises.kinds import HttpTask, Prediction

LESSON = Lesson("12", "Cookie security lab")

WEAK_LOGIN = "/vulnerable/security-lab/weak/login/"
WEAK_WHOAMI = "/vulnerable/security-lab/weak/whoami/"
TRANSFER = "/security-lab/transfer/"
LANDING = "/security-lab/landing/"


# -- q3: bob logged in a moment ago: take over his weak session -----------------------------------


def bob_logs_in(site) -> None:
    """Bob logs in to the weak login, now, from his own client (the exercise's victim)."""
    from demo_site.home.users import DEMO_USERS

    bob = site.client()
    bob.post(WEAK_LOGIN, data={"username": "bob", "password": DEMO_USERS["bob"]})


def _bob_key(site) -> str | None:
    """The weak store's record of bob's latest ID: its SHA-256 (the store never keeps the ID itself)."""

    def latest():
        from demo_site.security_lab.models import WeakSession

        row = WeakSession.objects.filter(username="bob").order_by("-pk").first()
        return row.key if row else None

    return site.orm(latest)


def _weak_ids_sent(exchange) -> list[str]:
    """The weak_session values ``exchange``'s request carried."""
    from http.cookies import SimpleCookie

    found = []
    for name, value in exchange.request_headers:
        if name.lower() == "cookie":
            jar = SimpleCookie()
            jar.load(value)
            if "weak_session" in jar:
                found.append(jar["weak_session"].value)
    return found


def _inspect_takeover(attempt: Attempt) -> str:
    from demo_site.security_lab.vulnerable import stored_key

    thief = attempt["thief"]
    bob_hash = _bob_key(attempt.site)
    if bob_hash is None:
        raise Incorrect(
            "Bob has not logged in yet: run ex.bob_logs_in(site) first, then take over his session."
        )
    asked = [e for e in thief.trace if e.path.startswith(WEAK_WHOAMI)]
    if not asked:
        raise Incorrect(
            f"thief never asked {WEAK_WHOAMI} who it is: the check reads thief's traffic. Send your guesses there."
        )
    hits = [value for e in asked for value in _weak_ids_sent(e) if stored_key(value) == bob_hash]
    if not hits:
        raise Incorrect(
            f"thief asked {WEAK_WHOAMI} {len(asked)} time(s), never with bob's ID. Bob logged in just before you: "
            "his counter is one less than yours, and his timestamp a few seconds before yours or the same. "
            "(The weak store keeps only a hash of each ID: the ID must be predicted, not read from the table.)"
        )
    return f"It took thief {len(asked)} request(s) to /weak/whoami/ to find {hits[0].split('-')[0]}-…"


q3 = LESSON.add(
    "q3",
    HttpTask(
        title="Take over bob's weak session: he logged in just BEFORE you",
        variables={"thief": CLIENT},
        inspect=_inspect_takeover,
        hints=[
            "Log in to the weak login yourself with thief (as alice): your own weak_session shows the counter "
            "and the time now.",
            "Bob's ID is (your counter − 1)-(a timestamp from a few seconds ago up to yours). Try each candidate "
            "at /vulnerable/security-lab/weak/whoami/ until it answers bob.",
            "For t in range(stamp, stamp - 10, -1): thief.cookies.set('weak_session', f'{counter - 1}-{t}') "
            "then thief.get(...).json()['user'] (thief.cookies.clear() first, so that only the guess is sent).",
        ],
        solution="""
            ex.bob_logs_in(site)
            thief = site.client()
            thief.post("/vulnerable/security-lab/weak/login/", data={"username": "alice", "password": DEMO_USERS["alice"]})
            counter, stamp = map(int, thief.cookies["weak_session"].split("-"))
            thief.cookies.clear()
            for t in range(stamp, stamp - 30, -1):
                thief.cookies.set("weak_session", f"{counter - 1}-{t}")
                if thief.get("/vulnerable/security-lab/weak/whoami/").json()["user"] == "bob":
                    break
        """,
        why="An ID anyone can compute from what they see (a counter, the clock) is a password everyone knows: "
        "a session key must come from a CSPRNG with at least 128 bits, as Django's does.",
        wrong_answers=[
            WrongAnswer(
                "ex.bob_logs_in(site)\nthief = site.client()\n"
                'thief.post("/vulnerable/security-lab/weak/login/", data={"username": "alice", '
                '"password": DEMO_USERS["alice"]})\nthief.get("/vulnerable/security-lab/weak/whoami/")\n',
                "one less than yours",
            ),
            WrongAnswer(
                "ex.bob_logs_in(site)\nthief = site.client()\n"
                'thief.post("/vulnerable/security-lab/weak/login/", data={"username": "alice", '
                '"password": DEMO_USERS["alice"]})\n'
                'counter, stamp = map(int, thief.cookies["weak_session"].split("-"))\n'
                "thief.cookies.clear()\n"
                'thief.cookies.set("weak_session", f"{counter + 1}-{stamp}")\n'
                'thief.get("/vulnerable/security-lab/weak/whoami/")\n',
                "one less than yours",
            ),
            WrongAnswer(
                "ex.bob_logs_in(site)\nthief = site.client()\n"
                'thief.cookies.set("weak_session", "1-1")\n'
                'thief.get("/vulnerable/security-lab/weak/login/")\n',
                "never asked",
            ),
            WrongAnswer(
                # Reading the store instead of predicting: the table holds a hash, which logs nobody in.
                "from demo_site.security_lab.models import WeakSession\n"
                "ex.bob_logs_in(site)\nthief = site.client()\n"
                'stolen = site.orm(lambda: WeakSession.objects.filter(username="bob").last().key)\n'
                'thief.cookies.set("weak_session", stolen)\n'
                'thief.get("/vulnerable/security-lab/weak/whoami/")\n',
                "never with bob's ID",
            ),
            WrongAnswer(
                # The attacker of the demo above found alice, the next ID after its own: not bob.
                "ex.bob_logs_in(site)\nthief = attacker\n",
                "never with bob's ID",
            ),
            WrongAnswer('thief = "bob"\n', "should be a client"),
        ],
    ),
)


# -- q1: predict: does a sibling subdomain's POST, with a planted token, pass Django's CSRF check? ---


def _sibling_post(attempt: Attempt) -> int:
    """A logged-in alice; evil.site-a.test plants its own CSRF cookie (Domain=site-a.test) and posts it back."""
    site = attempt.site
    alice = site.client()
    alice.log_in("alice")
    planted = "p" * 32  # a CSRF secret the attacker chose, set from evil.site-a.test with Domain=site-a.test
    host = f"site-a.test:{site.port}"
    reply = alice.post(
        TRANSFER,
        data={"to": "mallory", "amount": "5", "csrfmiddlewaretoken": planted},
        headers={
            "Host": host,
            "Origin": f"http://evil.site-a.test:{site.port}",
            "Cookie": f"sessionid={alice.cookies['sessionid']}; csrftoken={planted}",
        },
    )
    return reply.status_code


q1 = LESSON.add(
    "q1",
    Prediction(
        title="Predict: evil.site-a.test plants its own csrftoken and posts it back. Does the transfer go through?",
        variables={"status": WHOLE_NUMBER},
        choices=(200, 403),
        experiment=_sibling_post,
        explain=lambda attempt: (
            "A sibling subdomain can set a cookie for Domain=site-a.test, so the attacker knows the CSRF "
            "cookie and can send the matching form field: the token check alone would pass. Django checks the "
            "Origin header first: http://evil.site-a.test is another origin, not in CSRF_TRUSTED_ORIGINS, so "
            "403 ('Origin checking failed'). A __Host- CSRF cookie would also stop the planting."
        ),
        hints=[
            "The sibling is the same site: the browser sends every cookie, Strict ones too.",
            "Django's CsrfViewMiddleware compares the Origin header with the request's own host before it looks "
            "at the token.",
        ],
        solution="status = 403",
        why="SameSite is about sites; Django's Origin check is about origins, which is the finer line.",
        wrong_answers=[
            WrongAnswer("status = 200", "the experiment gave 403"),
            WrongAnswer('status = "403"', "should be a whole number"),
            WrongAnswer("status = 302", "not one of the choices"),
        ],
    ),
)


# -- q2: in the browser, a fetch that carries lab_strict from another origin ------------------------------


def _inspect_sibling_fetch(attempt: Attempt) -> str:
    browser = attempt.namespace.get("browser")
    if not browser:
        raise Uncheckable("could not check: no browser here (this exercise reads what the real browser did).")
    where = attempt["where"].strip().lower()
    fetches = [r for r in browser.requests(LANDING, host="site-a.test") if r.kind == "Fetch"]
    carried = [
        r for r in fetches if "lab_strict" in r.sent and r.headers.get("sec-fetch-site") == "same-site"
    ]
    if not carried:
        if where == "evil.site-a.test":
            raise Incorrect(
                "Right host, but the browser made no such fetch: `where` alone is not proof. Open a page on "
                "that host and run its fetchTarget() (browser.evaluate(page, 'fetchTarget()'))."
            )
        if not fetches:
            raise Incorrect(
                f"The browser sent no fetch() to site-a.test{LANDING}: open a page on another host and run "
                "the page's fetchTarget() there."
            )
        last = fetches[-1]
        fetch_site = last.headers.get("sec-fetch-site", "")
        if fetch_site == "same-origin":
            raise Incorrect(
                "That fetch came from site-a.test itself (Sec-Fetch-Site: same-origin): start it on another host."
            )
        why = ", ".join(last.withheld.get("lab_strict", ())) or "it was not in the browser"
        raise Incorrect(
            f"The last fetch (Sec-Fetch-Site: {fetch_site}) carried no lab_strict: the browser withheld it "
            f"({why}). From another SITE, a fetch carries nothing here; try a host of the same site."
        )
    started_on = {r.document_host for r in carried}
    if where not in started_on:
        raise Incorrect(
            f"The fetch worked, but `where` = {where!r}: name the host whose page started it "
            f"(the browser says: {', '.join(sorted(started_on))})."
        )
    last = [r for r in carried if r.document_host == where][-1]
    return f"Sec-Fetch-Site: same-site; the fetch carried {', '.join(sorted(last.sent))}."


q2 = LESSON.add(
    "q2",
    HttpTask(
        title="In the browser: make a fetch() from another origin carry the Strict cookie",
        variables={"where": TEXT},
        inspect=_inspect_sibling_fetch,
        hints=[
            "From site-b.test the fetch carried nothing (third-party cookies are blocked, and lab_strict is "
            "Strict). Which other host of this lab is not another site?",
            "evil.site-a.test: same registrable domain, so same site. Open the attacker page there and call "
            "its fetchTarget().",
            "page = await browser.open('/vulnerable/security-lab/attacker/?target=site-a.test', "
            "host='evil.site-a.test'); await browser.evaluate(page, 'fetchTarget()'); where = 'evil.site-a.test'",
        ],
        solution="""
            page = await browser.open("/vulnerable/security-lab/attacker/?target=site-a.test", host="evil.site-a.test")
            await browser.evaluate(page, "fetchTarget()")
            where = "evil.site-a.test"
        """,
        why="SameSite draws its line around the site (the registrable domain), not the origin: any subdomain, "
        "however hostile, gets Strict cookies on fetches too. Keep subdomains you do not control off your domain.",
        wrong_answers=[
            WrongAnswer('where = "site-b.test"\n', "withheld"),
            WrongAnswer('where = "site-a.test"\n', "withheld"),
            WrongAnswer('where = "evil.site-a.test"\n', "alone is not proof"),
            WrongAnswer("where = browser\n", "should be text"),
        ],
    ),
)
