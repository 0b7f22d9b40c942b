"""Exercises of lesson 00 · Start here."""

from __future__ import annotations

import requests

from course_helpers.cookies import find_cookie
from course_helpers.exercises.answer_types import CLIENT
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import HttpTask, Prediction, ValueExercise

LESSON = Lesson("00", "Start here")


def _diagnose_visits(attempt: Attempt) -> str | None:
    answer = attempt.answer
    if answer == 3:
        return "Right count, wrong type: a cookie's value is always text. Write it in quotes: '3'."
    if answer in ("2", 2):
        return (
            "That is what the client *sent* with its third request; look at what the server *set* in reply."
        )
    return None


q1 = LESSON.add(
    "q1",
    ValueExercise(
        title="What is in the jar?",
        variables=["visits_value"],
        expected="3",
        diagnose=_diagnose_visits,
        where_to_look="Visit /counter/ three times with one client, then look at show_cookies(...) for it.",
        hints=[
            "Make a fresh client with site.client() and call .get('/counter/') on it three times.",
            "show_cookies(your_client) lists the jar; the value of the `visits` cookie is the answer.",
            "Cookie values are text, so the answer is written in quotes.",
        ],
        solution="""
            three_visits = site.client()
            for _ in range(3):
                three_visits.get("/counter/")
            visits_value = three_visits.cookies["visits"]
        """,
        why="The server read visits=2 from the Cookie header, added one, and sent back Set-Cookie: visits=3. "
        "Cookie values are always strings.",
        wrong_answers=[
            WrongAnswer("visits_value = 3", "always text"),
            WrongAnswer("visits_value = '2'", "what the client *sent*"),
            WrongAnswer("visits_value = 'three'", "is not right"),
        ],
    ),
)


def _inspect_five_visits(attempt: Attempt) -> str:
    client = attempt["my_client"]
    visits = [cookie.value] if (cookie := find_cookie(client, "visits")) else []
    if not visits:
        raise Incorrect(
            "`my_client`'s jar has no `visits` cookie. Did you send the requests with my_client.get(...)? "
            "requests.get(...) uses a new, empty jar each time."
        )
    if visits[0] != "5":
        raise Incorrect(f"The server has counted {visits[0]} visit(s) for my_client, not 5.")
    return "Its jar holds visits=5, so its next request tells the server about five visits."


q2 = LESSON.add(
    "q2",
    HttpTask(
        title="Be counted five times",
        variables={"my_client": CLIENT},
        inspect=_inspect_five_visits,
        hints=[
            "Create the client once (my_client = site.client()), then send several requests with it.",
            "A for loop with range(5) around my_client.get('/counter/') does it.",
        ],
        solution="""
            my_client = site.client()
            for _ in range(5):
                my_client.get("/counter/")
        """,
        why="One client, one jar: each request carried the cookie the previous reply set.",
        wrong_answers=[
            WrongAnswer(
                "import requests\nmy_client = site.client()\nfor _ in range(5):\n    requests.get(site.url + '/counter/')",
                "has no `visits` cookie",
            ),
            WrongAnswer(
                "my_client = site.client()\nfor _ in range(4):\n    my_client.get('/counter/')",
                "counted 4 visit(s)",
            ),
            WrongAnswer("my_client = site.url", "not str"),
        ],
    ),
)


def _third_plain_visit(attempt: Attempt) -> int:
    site = attempt.site
    replies = [requests.get(site.url + "/counter/", timeout=10).text for _ in range(3)]
    return int(replies[-1].split("visited this page ")[1].split(" time")[0])


q3 = LESSON.add(
    "q3",
    Prediction(
        title="Predict: three visits without a jar",
        variables=["prediction"],
        choices=(1, 2, 3),
        experiment=_third_plain_visit,
        explain="requests.get() starts with an empty jar every time, so no Cookie header is sent "
        "and the server cannot tell this visit from a first one.",
        hints=[
            "What does requests.get() remember between two calls?",
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
