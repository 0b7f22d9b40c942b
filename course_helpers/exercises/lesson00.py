"""Exercises of lesson 00 · Start here."""

from __future__ import annotations

import requests

from course_helpers.cookies import find_cookie
from course_helpers.exchange import set_cookie_headers
from course_helpers.exercises.answer_types import CLIENT, TEXT
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import HttpTask, Prediction

LESSON = Lesson("00", "Start here")


def _counts_set(client) -> list[str]:
    """The values of ``visits`` that the site itself set in ``client``'s replies from /counter/, in order."""
    return [
        header.split(";")[0].split("=", 1)[1]
        for ex in client.trace
        if ex.path.split("?")[0] == "/counter/"
        for header in set_cookie_headers(ex, "visits")
    ]


# -- q1 · what the jar holds ----------------------------------------------------------


def _inspect_jar_value(attempt: Attempt) -> str:
    client, answer = attempt["counted"], attempt["visits_value"]
    counts = _counts_set(client)
    if not counts:
        raise Incorrect(
            "`counted` has not visited /counter/ yet: the check reads what your client really did. "
            "Send the three requests with counted.get('/counter/')."
        )
    if len(counts) != 3:
        raise Incorrect(
            f"`counted` visited /counter/ {len(counts)} time(s), not 3. Make a fresh client and try again."
        )
    if counts != ["1", "2", "3"]:
        raise Incorrect(
            f"The site set visits={', '.join(counts)} in counted's three replies, not 1, 2, 3: some requests "
            "did not carry the cookie the previous reply set (a Cookie header typed by hand, or a jar emptied "
            "in between). Make a fresh client and let its jar do the work."
        )
    in_jar = find_cookie(client, "visits")
    if in_jar is not None and in_jar.value != counts[-1]:
        raise Incorrect(
            f"The site's last reply set visits={counts[-1]}, but counted's jar now holds visits={in_jar.value}: "
            "it was changed by hand. Make a fresh client and let the site set the cookie."
        )
    if answer == "2":
        raise Incorrect(
            "That is what the client *sent* with its third request; look at what the server *set* in reply."
        )
    if in_jar is None or answer != in_jar.value:
        raise Incorrect(f"{answer!r} is not what counted's jar holds: show_cookies(counted) lists it.")
    return f"The server's third reply set visits={counts[-1]}, and that is what the jar keeps."


q1 = LESSON.add(
    "q1",
    HttpTask(
        title="What is in the jar?",
        variables={"counted": CLIENT, "visits_value": TEXT},
        inspect=_inspect_jar_value,
        hints=[
            "Make a fresh client with counted = site.client() and call counted.get('/counter/') three times.",
            "show_cookies(counted) lists the jar; the value of the `visits` cookie is the answer.",
            "Cookie values are text, so the answer is written in quotes.",
        ],
        solution="""
            counted = site.client()
            for _ in range(3):
                counted.get("/counter/")
            visits_value = counted.cookies["visits"]
        """,
        why="The server read visits=2 from the Cookie header, added one, and sent back Set-Cookie: visits=3. "
        "Cookie values are always strings.",
        wrong_answers=[
            WrongAnswer(
                "counted = site.client()\nfor _ in range(3):\n    counted.get('/counter/')\nvisits_value = 3",
                "text (a str, in quotes)",
            ),
            WrongAnswer(
                "counted = site.client()\nfor _ in range(3):\n    counted.get('/counter/')\nvisits_value = '2'",
                "what the client *sent*",
            ),
            WrongAnswer(
                "counted = site.client()\nfor _ in range(3):\n    counted.get('/counter/')\nvisits_value = 'three'",
                "is not what counted's jar holds",
            ),
            WrongAnswer("counted = site.client()\nvisits_value = '3'", "has not visited /counter/ yet"),
            WrongAnswer(
                "counted = site.client()\nfor _ in range(3):\n"
                "    counted.get('/counter/', headers={'Cookie': 'visits=41'})\nvisits_value = '42'",
                "not 1, 2, 3",
            ),
            WrongAnswer(
                "counted = site.client()\nfor _ in range(3):\n    counted.get('/counter/')\n"
                "counted.cookies.set('visits', '7', domain='127.0.0.1', path='/')\nvisits_value = '7'",
                "it was changed by hand",
            ),
        ],
    ),
)


# -- q2 · five visits, and a newcomer ---------------------------------------------------


def _inspect_five_visits(attempt: Attempt) -> str:
    client, newcomer = attempt["my_client"], attempt["newcomer"]
    jar = find_cookie(client, "visits")
    if jar is None:
        raise Incorrect(
            "`my_client`'s jar has no `visits` cookie. Did you send the requests with my_client.get(...)? "
            "requests.get(...) uses a new, empty jar each time."
        )
    counts = _counts_set(client)
    if not counts:
        raise Incorrect(
            f"my_client's jar holds visits={jar.value}, but my_client never got a reply from /counter/: the "
            "cookie was put in the jar by hand, and the site has counted nothing. Visit the page."
        )
    if counts[0] != "1":
        raise Incorrect(
            f"The site's first reply to my_client already set visits={counts[0]}: its jar held a count the site "
            "had never given it (set by hand). Let the site count every visit, from the first."
        )
    if counts != [str(n) for n in range(1, len(counts) + 1)]:
        raise Incorrect(
            f"The site set visits={', '.join(counts)} in my_client's replies: a count that jumps or starts "
            "again was not carried by the jar from one reply to the next (a Cookie header typed by hand, or a "
            "jar emptied). Make a fresh client and let the site count each visit."
        )
    if jar.value != counts[-1]:
        raise Incorrect(
            f"The site's last reply set visits={counts[-1]}, but the jar now holds visits={jar.value}: it was "
            "changed by hand afterwards."
        )
    if counts[-1] != "5":
        raise Incorrect(f"The server has counted {counts[-1]} visit(s) for my_client, not 5.")
    if newcomer is client:
        raise Incorrect(
            "`newcomer` is my_client itself: one client, one jar, so it carries my_client's count. "
            "Make a second client with site.client()."
        )
    theirs = _counts_set(newcomer)
    if not theirs:
        raise Incorrect("`newcomer` has not visited /counter/: send it there once.")
    if theirs != ["1"]:
        raise Incorrect(
            f"`newcomer` visited /counter/ {len(theirs)} times (the site set visits={', '.join(theirs)}): "
            "a newcomer visits once."
        )
    return (
        "The site set visits=1, 2, 3, 4, 5 in my_client's replies, each time from the cookie the jar sent "
        "back; newcomer's empty jar sent nothing, so the site counted it as a first visitor."
    )


_FIVE = "my_client = site.client()\nfor _ in range(5):\n    my_client.get('/counter/')\n"
_NEWCOMER = "newcomer = site.client()\nnewcomer.get('/counter/')\n"

q2 = LESSON.add(
    "q2",
    HttpTask(
        title="Be counted five times, next to a newcomer",
        variables={"my_client": CLIENT, "newcomer": CLIENT},
        inspect=_inspect_five_visits,
        hints=[
            "Create the client once (my_client = site.client()), then send several requests with it.",
            "A for loop with range(5) around my_client.get('/counter/') does it. newcomer is a second "
            "site.client() that visits once.",
        ],
        solution="""
            my_client = site.client()
            for _ in range(5):
                my_client.get("/counter/")
            newcomer = site.client()
            newcomer.get("/counter/")
        """,
        why="One client, one jar: each request carried the cookie the previous reply set. The count lives in "
        "the jar, so another client starts from nothing.",
        wrong_answers=[
            WrongAnswer(
                "import requests\nmy_client = site.client()\nfor _ in range(5):\n"
                "    requests.get(site.url + '/counter/')\n" + _NEWCOMER,
                "has no `visits` cookie",
            ),
            WrongAnswer(
                "my_client = site.client()\nfor _ in range(4):\n    my_client.get('/counter/')\n" + _NEWCOMER,
                "counted 4 visit(s)",
            ),
            WrongAnswer(
                "my_client = site.client()\nmy_client.cookies.set('visits', '5', domain='127.0.0.1')\n"
                + _NEWCOMER,
                "never got a reply from /counter/",
            ),
            WrongAnswer(
                "my_client = site.client()\nmy_client.cookies.set('visits', '4', domain='127.0.0.1', path='/')\n"
                "my_client.get('/counter/')\n" + _NEWCOMER,
                "had never given it",
            ),
            WrongAnswer(
                "my_client = site.client()\nmy_client.get('/counter/')\n"
                "my_client.get('/counter/', headers={'Cookie': 'visits=3'})\nmy_client.get('/counter/')\n"
                + _NEWCOMER,
                "a count that jumps",
            ),
            WrongAnswer(
                _FIVE + "newcomer = site.client()\nfor _ in range(3):\n    newcomer.get('/counter/')\n"
                "    newcomer.cookies.clear()",
                "a newcomer visits once",
            ),
            WrongAnswer(_FIVE + "newcomer = my_client", "is my_client itself"),
            WrongAnswer(_FIVE + "newcomer = site.client()", "has not visited /counter/"),
            WrongAnswer("my_client = site.url\n" + _NEWCOMER, "not str"),
        ],
    ),
)


# -- q3 · predict: no jar -------------------------------------------------------------


def _third_plain_visit(attempt: Attempt) -> int:
    site = attempt.site
    replies = [requests.get(site.url + "/counter/", timeout=10).text for _ in range(3)]
    return int(replies[-1].split("visited this page ")[1].split(" time")[0])


q3 = LESSON.add(
    "q3",
    Prediction(
        title="Predict: three visits without a client",
        variables=["prediction"],
        choices=(1, 2, 3),
        experiment=_third_plain_visit,
        explain="requests.get() starts with an empty jar every time, so no Cookie header is sent "
        "and the server cannot tell this visit from a first one.",
        hints=[
            "What could requests.get() remember between two calls, with no client object to keep it in?",
            "Nothing: without a Cookie header, every visit looks like the first.",
        ],
        solution="prediction = 1",
        why="Without a cookie jar there is nothing to send back.",
        wrong_answers=[
            WrongAnswer("prediction = 3", "the experiment gave 1"),
            WrongAnswer("prediction = 2", "the experiment gave 1"),
            WrongAnswer("prediction = 'one'", "not one of the choices"),
        ],
    ),
)
