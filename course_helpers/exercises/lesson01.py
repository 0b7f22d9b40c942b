"""Exercises of lesson 01 · HTTP forgets."""

from __future__ import annotations

import re

import requests

from course_helpers.cookies import find_cookie
from course_helpers.exchange import set_cookie_headers
from course_helpers.exercises.answer_types import CLIENT, RAW_REPLY
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import HttpTask, Prediction, ValueExercise

LESSON = Lesson("01", "HTTP forgets")

_COUNT = re.compile(r"visited this page (\d+) time")


def _count_in(text: str) -> int | None:
    """The visit count a counter page reports, or ``None`` if the text is not a counter page."""
    match = _COUNT.search(text)
    return int(match.group(1)) if match else None


# -- q1: send a Cookie header by hand ---------------------------------------------------


def _inspect_counter_42(attempt: Attempt) -> str:
    reply = attempt["counter_reply"]
    request_line, headers = reply.request_line, reply.request_headers
    parts = request_line.split(" ")
    if len(parts) < 2 or parts[0] != "GET" or parts[1].split("?")[0] != "/counter/":
        raise Incorrect(
            f"Your request line was {request_line!r}; the counter page is reached with GET /counter/ HTTP/1.1."
        )
    cookies = [v for k, v in headers if k.lower() == "cookie"]
    if not cookies:
        if any(k.lower() == "set-cookie" for k, _ in headers):
            raise Incorrect(
                "You sent a Set-Cookie header. Set-Cookie is what a *server* sends; a client sends the "
                "cookie back in a header named Cookie."
            )
        raise Incorrect(
            "Your request had no Cookie header, so the server started counting from nothing. "
            "Add a line Cookie: name=value under the Host line."
        )
    if reply.status != 200:
        raise Incorrect(
            f"The server answered {reply.status}, not 200. Check the request line and the Host header "
            "(Host: 127.0.0.1)."
        )
    count = _count_in(reply.body.decode("utf-8", "replace"))
    if count == 42:
        return f"You sent Cookie: {cookies[0]} and the page says 42."
    if count == 43:
        raise Incorrect(
            f"The page says 43: the server read your Cookie ({cookies[0]}), added one for this visit, and "
            "answered 43. Send the count *before* this visit."
        )
    if count == 1 and not re.search(r"(^|;)\s*visits=0+\s*(;|$)", cookies[0]):
        raise Incorrect(
            f"The page says 1: the server found no usable cookie named visits in Cookie: {cookies[0]}. "
            "A Cookie header holds name=value pairs (visits=...), separated by '; '."
        )
    raise Incorrect(
        f"The page says {count}: the server read {None if count is None else count - 1} from your cookie "
        "and added one. Which number makes it say 42?"
    )


q1 = LESSON.add(
    "q1",
    HttpTask(
        title="Be remembered by hand",
        variables={"counter_reply": RAW_REPLY},
        inspect=_inspect_counter_42,
        hints=[
            "Start from the raw_http request above and add one header line to it.",
            "The line is Cookie: visits=N. The server adds one to N for this visit.",
            "counter_reply = raw_http(site, 'GET /counter/ HTTP/1.1\\nHost: 127.0.0.1\\nCookie: visits=41\\n')",
        ],
        solution="""
            counter_reply = raw_http(
                site,
                "GET /counter/ HTTP/1.1\\n"
                "Host: 127.0.0.1\\n"
                "Cookie: visits=41\\n"
                "Connection: close\\n",
            )
        """,
        why="The server read visits=41 from your Cookie header, added one and answered 42: it 'remembers' "
        "41 visits that never happened, because a plain cookie is whatever the client says it is.",
        wrong_answers=[
            WrongAnswer(
                "counter_reply = raw_http(site, 'GET /counter/ HTTP/1.1\\nHost: 127.0.0.1\\nCookie: visits=42\\n')",
                "added one for this visit",
            ),
            WrongAnswer(
                "counter_reply = raw_http(site, 'GET /counter/ HTTP/1.1\\nHost: 127.0.0.1\\nSet-Cookie: visits=41\\n')",
                "Set-Cookie is what a *server* sends",
            ),
            WrongAnswer(
                "counter_reply = raw_http(site, 'GET /counter/ HTTP/1.1\\nHost: 127.0.0.1\\nCookie: visits:41\\n')",
                "no usable cookie named visits",
            ),
            WrongAnswer(
                "counter_reply = raw_http(site, 'GET /counter/ HTTP/1.1\\nHost: 127.0.0.1\\n')",
                "no Cookie header",
            ),
            WrongAnswer(
                "counter_reply = raw_http(site, 'GET /counter/ HTTP/1.1\\nHost: 127.0.0.1\\nCookie: visits=0\\n')",
                "the server read 0 from your cookie",
            ),
            WrongAnswer(
                "import requests\ncounter_reply = requests.get(site.url + '/counter/', headers={'Cookie': 'visits=41'})",
                "should be the reply of raw_http",
            ),
        ],
    ),
)


# -- q2: which requests carry a Path=/shop/ cookie ---------------------------------------

#: The paths the learner chooses from.
SHOP_CANDIDATES = ("/", "/echo/", "/shop/", "/shop/fruit/", "/shopping/")


def _paths_that_get_the_shop_cookie(attempt: Attempt) -> set[str]:
    """Visit /shop/ with a fresh client, then each candidate: which requests carried shop_visits?"""
    with attempt.site.client() as client:
        client.get("/shop/")
        carried = set()
        for path in SHOP_CANDIDATES:
            sent = client.get(path).request.headers.get("Cookie", "")
            if "shop_visits=" in sent:
                carried.add(path)
    return carried


def _diagnose_shop(attempt: Attempt) -> str | None:
    name, answer, expected = attempt.name, attempt.answer, attempt.expected
    if not isinstance(answer, (set, frozenset, list, tuple)) or not all(isinstance(p, str) for p in answer):
        return f"`{name}` should be a set of paths such as {{'/shop/'}}, not {answer!r}."
    chosen = set(answer)
    unknown = sorted(chosen - set(SHOP_CANDIDATES))
    if unknown:
        return f"{unknown[0]!r} is not one of the candidates: choose among {', '.join(SHOP_CANDIDATES)}."
    if chosen == expected:
        return f"Right paths, but written as a {type(answer).__name__}: write them as a set, with {{ }}."
    if "/shopping/" in chosen:
        return (
            "/shopping/ starts with the letters '/shop' but not with the path '/shop/': a Path matches "
            "whole path segments, so the jar keeps the cookie away from /shopping/."
        )
    if chosen & {"/", "/echo/"}:
        return (
            "Path=/shop/ keeps the cookie away from pages outside /shop/, such as / and /echo/: "
            "the jar sends it only when the request's path starts with /shop/."
        )
    if "/shop/" not in chosen:
        return "The page that set the cookie, /shop/, is itself under Path=/shop/: it gets the cookie back."
    if "/shop/fruit/" not in chosen:
        return (
            "/shop/fruit/ lies under /shop/: a Path covers every page below it, so the cookie goes there too."
        )
    return None


q2 = LESSON.add(
    "q2",
    ValueExercise(
        title="Which pages get the shop's cookie?",
        variables=["gets_shop_cookie"],
        expected=_paths_that_get_the_shop_cookie,
        diagnose=_diagnose_shop,
        where_to_look="Look at the Path column of show_cookies(shopper) above.",
        hints=[
            "The cookie says Path=/shop/. Which of the candidate paths begin with the path /shop/?",
            "A Path covers its own page and everything below it, whole segments only: "
            "/shop/ matches /shop/ and /shop/anything, not /shopping/.",
        ],
        solution='gets_shop_cookie = {"/shop/", "/shop/fruit/"}',
        why="A cookie with Path=/shop/ is sent with every request whose path is /shop/ or lies below it, "
        "and with no other: the check visited each candidate with a fresh client and watched the Cookie header.",
        wrong_answers=[
            WrongAnswer('gets_shop_cookie = {"/shop/", "/shop/fruit/", "/shopping/"}', "whole path segments"),
            WrongAnswer('gets_shop_cookie = {"/shop/"}', "covers every page below it"),
            WrongAnswer(
                'gets_shop_cookie = {"/", "/echo/", "/shop/", "/shop/fruit/"}', "away from pages outside"
            ),
            WrongAnswer('gets_shop_cookie = ["/shop/", "/shop/fruit/"]', "write them as a set"),
        ],
    ),
)


# -- q3: a copied session key -----------------------------------------------------------


def _after_a_borrowed_key(attempt: Attempt) -> int | None:
    site = attempt.site
    with site.client() as first:
        for _ in range(3):
            first.get("/session/counter/")
        key = find_cookie(first, "sessionid").value
        requests.get(site.url + "/session/counter/", headers={"Cookie": f"sessionid={key}"}, timeout=10)
        return _count_in(first.get("/session/counter/").text)


q3 = LESSON.add(
    "q3",
    Prediction(
        title="Predict: after a borrowed key",
        variables=["first_client_sees"],
        choices=(1, 4, 5),
        experiment=_after_a_borrowed_key,
        explain="The server finds a session by its key and nothing else: the other client's request, with "
        "the same key, was a fourth visit of the same session, so the first client's next visit is the "
        "fifth. Nothing told the server, or the first client, that someone else had been there: that is why "
        "a session key must stay secret (lesson 12 steals one).",
        hints=[
            "What does the server use to find a session row: the client, its address, or the key?",
            "Only the key. Both clients send the same key, so both requests load and update the same row.",
        ],
        solution="first_client_sees = 5",
        why="A session belongs to whoever holds its key, and every holder adds to it.",
        wrong_answers=[
            WrongAnswer("first_client_sees = 4", "the experiment gave 5"),
            WrongAnswer("first_client_sees = 1", "the experiment gave 5"),
            WrongAnswer("first_client_sees = '5'", "not one of the choices"),
        ],
    ),
)


# -- q4: a client that refuses cookies ----------------------------------------------------


def _session_keys_set(visits) -> list[str]:
    """The sessionid values the site set in ``visits`` (recorded exchanges), in order."""
    headers = [header for ex in visits for header in set_cookie_headers(ex, "sessionid")]
    return [header.split(";")[0].split("=", 1)[1] for header in headers]


def _inspect_refuser(attempt: Attempt) -> str:
    client = attempt["refuser"]
    visits = [ex for ex in client.trace if ex.path.split("?")[0] == "/session/counter/"]
    if len(visits) < 3:
        elsewhere = sorted({ex.path for ex in client.trace} - {"/session/counter/"})
        also = f" (it went to {', '.join(elsewhere)} instead)" if elsewhere else ""
        why = " /counter/ keeps its count in a cookie, not in a session." if "/counter/" in elsewhere else ""
        raise Incorrect(
            f"`refuser` visited /session/counter/ {len(visits)} time(s){also}; visit it 3 times.{why}"
        )
    for n, ex in enumerate(visits, 1):
        if ex.cookie_sent and "sessionid=" in ex.cookie_sent:
            raise Incorrect(
                f"On visit {n}, `refuser` sent the sessionid cookie back (Cookie: {ex.cookie_sent[:20]}…): "
                "it accepted the cookie. Give its jar a policy that accepts no cookie at all."
            )
    if find_cookie(client, "sessionid") is not None:
        raise Incorrect(
            "After its visits, refuser's jar holds a sessionid: it accepted the cookie. Sending an empty or "
            "hand-made Cookie header only hides the cookie from the server; a client that refuses cookies "
            "never stores them. Give the jar a policy that accepts none."
        )
    rows = attempt.site.sessions()
    found = [rows.get(key) for key in _session_keys_set(visits)]
    orphans = [row for row in found if row is not None and row.data == {"visits": 1}]
    if len(orphans) < len(visits):
        raise Incorrect(
            "The site's session table does not hold a row for each of your visits: was `refuser` made "
            "before the demo site was last restarted? Run your cell again, then this one."
        )
    client.get("/session/counter/")  # one more visit, by the check, to see what the jar does with the cookie
    if find_cookie(client, "sessionid") is not None:
        raise Incorrect(
            "Your visits never sent the key back, but when the check sent refuser to the counter once more, "
            "its jar stored the sessionid it got: emptying the jar after each request (as `forgetter` did) "
            "still accepts every cookie for a moment. Make the jar refuse it: a cookie policy."
        )
    return (
        f"{len(visits)} visits, {len(orphans)} new rows, each holding {{'visits': 1}}: orphans that no "
        "client will ever send a key for; and the jar stored nothing, not even for a moment."
    )


_VISITS = "for _ in range(3):\n    refuser.get('/session/counter/')"

q4 = LESSON.add(
    "q4",
    HttpTask(
        title="Refuse the cookies",
        variables={"refuser": CLIENT},
        inspect=_inspect_refuser,
        hints=[
            "Make refuser = site.client() and visit /session/counter/ with it three times; its jar must never "
            "hold a sessionid, not even between two requests.",
            "A requests jar asks its cookie policy (an http.cookiejar.CookiePolicy) before it stores a cookie. "
            "DefaultCookiePolicy takes allowed_domains: the domains it accepts cookies from.",
            "refuser.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[])) accepts "
            "nothing from anyone.",
        ],
        solution="""
            from http.cookiejar import DefaultCookiePolicy

            refuser = site.client()
            refuser.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))  # accept no cookie from anyone
            for _ in range(3):
                refuser.get("/session/counter/")
        """,
        why="Without the cookie, the server cannot find the session it just made, so it makes a new one "
        "on every visit: the count never passes 1 and the table fills with orphan rows. The policy refused "
        "each Set-Cookie before it reached the jar, as a browser that blocks cookies does.",
        wrong_answers=[
            WrongAnswer("refuser = site.client()\n" + _VISITS, "sent the sessionid cookie back"),
            WrongAnswer(
                "refuser = site.client()\nfor _ in range(2):\n    refuser.get('/session/counter/')\n"
                "    refuser.cookies.clear()",
                "visited /session/counter/ 2 time(s)",
            ),
            WrongAnswer(
                "refuser = site.client()\nfor _ in range(3):\n    refuser.get('/counter/')\n    refuser.cookies.clear()",
                "not in a session",
            ),
            WrongAnswer(
                "refuser = site.client()\nfor _ in range(3):\n"
                "    refuser.get('/session/counter/', headers={'Cookie': ''})",
                "only hides the cookie from the server",
            ),
            WrongAnswer(
                "refuser = site.client()\nfor _ in range(3):\n    refuser.get('/session/counter/')\n"
                "    refuser.cookies.clear()",
                "still accepts every cookie for a moment",
            ),
            WrongAnswer(
                "import requests\nrefuser = requests.Session()\nrefuser.get(site.url + '/session/counter/')",
                "should be a client made with site.client()",
            ),
        ],
    ),
)
