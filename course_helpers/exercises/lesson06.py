"""Exercises of lesson 06 · Session expiry.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo site.
"""

from __future__ import annotations

import datetime as dt

from course_helpers.clock import travel
from course_helpers.cookies import explain_set_cookie, find_cookie
from course_helpers.exercises.answer_types import CLIENT
from course_helpers.exercises.core import Attempt, Incorrect, LearnerError, Lesson, WrongAnswer
from course_helpers.exercises.kinds import Case, FunctionExercise, HttpTask, Prediction

LESSON = Lesson("06", "Session expiry")

SET = "/expiry/set/"
STATUS = "/expiry/status/"


# -- q1: five minutes of inactivity ---------------------------------------------------------


def _inspect_five_minutes(attempt: Attempt) -> str:
    client = attempt["five_minutes"]
    asked = [exchange for exchange in client.trace if exchange.path.startswith(SET)]
    if asked and all(exchange.method != "POST" for exchange in asked):
        raise Incorrect(
            f"five_minutes asked {SET} with {asked[-1].method} only, which it refuses "
            f"({asked[-1].status}): it changes the session, so it takes a POST with the CSRF token, "
            f'five_minutes.post_form("{SET}", {{"form": ..., "seconds": ...}}).'
        )
    asked = [exchange for exchange in asked if exchange.method == "POST"]
    if not asked:
        raise Incorrect(
            f"five_minutes never asked {SET} (its recorded traffic, five_minutes.trace, has no such request): "
            "a cookie put in its jar by hand proves nothing. Send the request with five_minutes itself."
        )
    last = asked[-1]
    if last.status == 400:
        raise Incorrect(
            f"The site refused your last POST to {last.path} (400): seconds must be a whole number of "
            "seconds, written as digits only, like 300 (no quotes, no unit)."
        )
    if last.status != 200:
        raise Incorrect(f"Your last request to {SET} answered {last.status}; it should answer 200.")
    headers = [h for h in last.set_cookies if h.split("=", 1)[0].strip() == "sessionid"]
    cookie = find_cookie(client, "sessionid")
    if not headers or cookie is None or explain_set_cookie(headers[-1]).value != cookie.value:
        raise Incorrect(
            f"five_minutes's sessionid is not the one its last request to {SET} set: send that request last."
        )
    row = attempt.site.sessions(client).get(cookie.value)
    if row is None:
        raise Incorrect("The site has no row for five_minutes's session: run your cell again.")
    stored = row.data.get("_session_expiry")
    if isinstance(stored, str):
        raise Incorrect(
            f"The row's _session_expiry is the text {stored!r}: a fixed moment (a datetime, or a timedelta, "
            "which set_expiry turns into now + timedelta). That is an absolute limit: activity never moves "
            "it. Five minutes of inactivity is a number of seconds: form=int."
        )
    if stored == 0:
        raise Incorrect(
            "The row's _session_expiry is 0: until the browser closes (a cookie with no Max-Age), and the "
            "row itself lives SESSION_COOKIE_AGE, two weeks. Five minutes is form=int with seconds=300."
        )
    if stored is None:
        raise Incorrect(
            "The row has no _session_expiry: the global policy (SESSION_COOKIE_AGE, two weeks) applies."
        )
    if stored != 300:
        raise Incorrect(f"The row's _session_expiry is {stored!r} seconds, not 300 (five minutes).")
    max_age = explain_set_cookie(headers[-1]).max_age
    if max_age != 300:
        raise Incorrect(f"The cookie's Max-Age is {max_age}, not 300.")
    left = (row.expire_date - dt.datetime.now(dt.UTC)).total_seconds()
    if not 0 < left <= 300:
        raise Incorrect(
            f"The row's expire_date is {left:.0f} seconds away, not within the next 5 minutes: run your "
            "cell again (an expired session must be made afresh)."
        )
    return f"The row holds _session_expiry = 300 (an int) and expires in {left:.0f} s; the cookie's Max-Age is 300."


def _set(form: str, seconds: str = "") -> str:
    fields = {"form": form, **({"seconds": seconds} if seconds else {})}
    return f"five_minutes = site.client()\nfive_minutes.post_form('{SET}', {fields!r})"


q1 = LESSON.add(
    "q1",
    HttpTask(
        title="A session that lasts five minutes of inactivity",
        variables={"five_minutes": CLIENT},
        inspect=_inspect_five_minutes,
        hints=[
            f"Which form of set_expiry means 'seconds of inactivity'? POST it to {SET}, with seconds too.",
            "A datetime or a timedelta gives a fixed moment (the row's _session_expiry is a text); an int "
            "counts from the last save.",
            f'five_minutes = site.client(), then five_minutes.post_form("{SET}", {{"form": "int", "seconds": 300}}).',
        ],
        solution=f"""
            five_minutes = site.client()
            five_minutes.post_form("{SET}", {{"form": "int", "seconds": 300}})
        """,
        why="set_expiry(300) stores the int 300 in the session: every save sets the row's expire_date and "
        "the cookie's Max-Age to 300 seconds from then. A datetime or timedelta would store a fixed moment "
        "as an ISO text, which no save moves.",
        wrong_answers=[
            WrongAnswer(_set("int"), "3600 seconds, not 300"),
            WrongAnswer(_set("datetime", "300"), "a fixed moment"),
            WrongAnswer(_set("timedelta", "300"), "a fixed moment"),
            WrongAnswer(_set("zero"), "until the browser closes"),
            WrongAnswer(_set("int", '"300"'), "seconds must be a whole number"),
            WrongAnswer(
                f"five_minutes = site.client()\nfive_minutes.get('{SET}?form=int&seconds=300')",
                "takes a POST",
            ),
            WrongAnswer(
                "five_minutes = site.client()\n"
                "_other = site.client()\n"
                f'_other.post_form("{SET}", {{"form": "int", "seconds": 300}})\n'
                'five_minutes.cookies.set("sessionid", _other.cookies["sessionid"], domain="127.0.0.1")',
                "never asked",
            ),
        ],
    ),
)


# -- q2: predict: is a session that is only read still there 40 minutes later? -----------------


def _alive_after_reads(attempt: Attempt) -> bool:
    with attempt.site.client() as client:
        client.post_form(SET, {"form": "int", "seconds": 1800})
        with travel(dt.timedelta(minutes=20)):
            client.get(STATUS)
            with travel(dt.timedelta(minutes=20)):
                return bool(client.get(STATUS).json()["session"])


def _explain_reads(attempt: Attempt) -> str:
    from django.conf import settings

    if settings.SESSION_SAVE_EVERY_REQUEST:
        return (
            "This site runs with SESSION_SAVE_EVERY_REQUEST = True: the read at 20 minutes saved the "
            "session again, so its 30 minutes started over (a sliding expiry)."
        )
    return (
        "The read at 20 minutes did not change the session, so Django did not save it: the row's "
        "expire_date and the cookie's Max-Age still count from the first save, and at 40 minutes both "
        "have run out. 'Seconds of inactivity' really means seconds since the last save."
    )


q2 = LESSON.add(
    "q2",
    Prediction(
        title="Predict: still there after 40 minutes of reading?",
        variables=["alive_at_40"],
        choices=(True, False),
        experiment=_alive_after_reads,
        explain=_explain_reads,
        hints=[
            "When does SessionMiddleware save a session? Read its rule: when it was modified, or when a "
            "setting says every request.",
            "/expiry/status/ only reads the session. With Django's defaults, is a session that is only "
            "read saved again?",
        ],
        solution="alive_at_40 = False",
        why="Django saves a session (and re-sends its cookie) only when a request modified it, unless "
        "SESSION_SAVE_EVERY_REQUEST is True.",
        wrong_answers=[
            WrongAnswer("alive_at_40 = True", "did not change the session"),
            WrongAnswer('alive_at_40 = "False"', "is not one of the choices"),
            WrongAnswer('alive_at_40 = "expired"', "is not one of the choices"),
        ],
    ),
)


# -- q3: the absolute timeout's check ---------------------------------------------------------

_NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
_LIMIT = 7200


def _ago(seconds: float) -> str:
    return (_NOW - dt.timedelta(seconds=seconds)).isoformat()


_CASES = [
    Case(
        ("2031-05-01T09:00:00+00:00", dt.datetime(2031, 5, 1, 9, 30, tzinfo=dt.UTC), _LIMIT),
        False,
        note="Half an hour before this `now` (in 2031): compare with the `now` passed in, not the real clock.",
    ),
    Case((_ago(600), _NOW, _LIMIT), False, note="A session that started 10 minutes ago is young."),
    Case((_ago(3 * 3600), _NOW, _LIMIT), True, note="Three hours is more than the 2-hour limit."),
    Case(
        (_ago(_LIMIT), _NOW, _LIMIT),
        True,
        note="At exactly the limit the session has had its 7200 seconds: end it (>=, not >), as Django "
        "treats an expire_date equal to now as expired.",
    ),
    Case((_ago(_LIMIT - 1), _NOW, _LIMIT), False, note="One second before the limit it may live on."),
    Case(
        (
            (_NOW - dt.timedelta(minutes=30)).astimezone(dt.timezone(dt.timedelta(hours=-5))).isoformat(),
            _NOW,
            _LIMIT,
        ),
        False,
        note="This is 30 minutes ago, written in another time zone (-05:00): compare moments, not strings.",
    ),
    Case(("2026-11-25T11:00:00Z", _NOW, _LIMIT), False, note="'Z' is UTC: this is one hour ago."),
    Case(
        (None, _NOW, _LIMIT),
        True,
        note="No start time recorded: fail closed (end the session), never fail open.",
    ),
    Case(("", _NOW, _LIMIT), True, note="An empty start time is no start time: fail closed."),
    Case(
        ("yesterday", _NOW, _LIMIT),
        True,
        note="Garbage: datetime.fromisoformat raises ValueError; catch it and end the session.",
    ),
    Case(
        ("2026-11-25T11:00:00", _NOW, _LIMIT),
        True,
        note="A naive time (no time zone) was not written by the server (it writes +00:00), and comparing it "
        "with an aware now raises TypeError: end the session.",
    ),
    Case(
        ((_NOW + dt.timedelta(days=1)).isoformat(), _NOW, _LIMIT),
        True,
        note="A start in the future was not written by the server either: a negative age must not give the "
        "session extra life.",
    ),
    Case(
        (1795636163, _NOW, _LIMIT), True, note="A number is not the ISO text the server writes: fail closed."
    ),
    Case(
        (_ago(600), _NOW, 300), True, note="With limit=300, 10 minutes is too old: use the limit passed in."
    ),
    Case(
        (_ago(3 * 3600), _NOW, 8 * 3600),
        False,
        note="With limit=28800 (8 hours), 3 hours is young: use the limit passed in, not 7200.",
    ),
]


class _HostileFunction(FunctionExercise):
    """A FunctionExercise whose function runs in a middleware: raising is a 500, so it is a wrong answer."""

    def verify(self, attempt: Attempt) -> str:
        name = self.variables[0]
        fn = attempt.answers[name]
        for case in self.cases:
            try:
                attempt.call(fn, *case.args)
            except LearnerError as exc:
                error = exc.original
                call = f"{name}({', '.join(map(repr, case.args))})"
                raise Incorrect(
                    f"{call} raised {type(error).__name__}: {error}. In a "
                    f"middleware that is a 500 on every request of this visitor. {case.note}"
                ) from None
        return super().verify(attempt)


q3 = LESSON.add(
    "q3",
    _HostileFunction(
        title="The absolute timeout's check, against hostile start times",
        variables=["is_too_old"],
        cases=_CASES,
        hints=[
            "Parse with datetime.fromisoformat(started) and compute the age: (now - when).total_seconds().",
            "Anything you cannot parse or trust means True (end the session): not a str, ValueError, no "
            "tzinfo, a negative age.",
            "The limit is reached at age >= limit.",
        ],
        solution="""
            import datetime as dt


            def is_too_old(started, now, limit):
                if not isinstance(started, str):
                    return True
                try:
                    when = dt.datetime.fromisoformat(started)
                except ValueError:
                    return True
                if when.tzinfo is None:
                    return True
                age = (now - when).total_seconds()
                return age < 0 or age >= limit
        """,
        why="A session ends when it is limit seconds old, and also whenever its start cannot be trusted: "
        "missing, unreadable, naive or in the future. Failing closed costs a login; failing open keeps a "
        "stolen session alive forever.",
        wrong_answers=[
            WrongAnswer(
                "import datetime as dt\n"
                "def is_too_old(started, now, limit):\n"
                "    return (now - dt.datetime.fromisoformat(started)).total_seconds() >= limit\n",
                "raised TypeError",
            ),
            WrongAnswer(
                "import datetime as dt\n"
                "def is_too_old(started, now, limit):\n"
                "    try:\n"
                "        when = dt.datetime.fromisoformat(started)\n"
                "    except (TypeError, ValueError):\n"
                "        return True\n"
                "    return (now - when).total_seconds() >= limit\n",
                "no time zone",
            ),
            WrongAnswer(
                "import datetime as dt\n"
                "def is_too_old(started, now, limit):\n"
                "    try:\n"
                "        when = dt.datetime.fromisoformat(started)\n"
                "        return (now - when).total_seconds() > limit\n"
                "    except (TypeError, ValueError):\n"
                "        return True\n",
                ">=, not >",
            ),
            WrongAnswer(
                "import datetime as dt\n"
                "def is_too_old(started, now, limit):\n"
                "    if not started:\n"
                "        return False\n"
                "    try:\n"
                "        when = dt.datetime.fromisoformat(started)\n"
                "        return (now - when).total_seconds() >= limit\n"
                "    except (TypeError, ValueError):\n"
                "        return True\n",
                "fail closed",
            ),
            WrongAnswer(
                "import datetime as dt\n"
                "def is_too_old(started, now, limit):\n"
                "    if not isinstance(started, str):\n"
                "        return True\n"
                "    return started <= (now - dt.timedelta(seconds=limit)).isoformat()\n",
                "compare moments, not strings",
            ),
            WrongAnswer(
                "import datetime as dt\n"
                "def is_too_old(started, now, limit):\n"
                "    try:\n"
                "        when = dt.datetime.fromisoformat(started)\n"
                "        return (now - when).total_seconds() >= limit\n"
                "    except (TypeError, ValueError):\n"
                "        return True\n",
                "in the future",
            ),
            WrongAnswer(
                "import datetime as dt\n"
                "def is_too_old(started, now, limit):\n"
                "    if not isinstance(started, str):\n"
                "        return True\n"
                "    try:\n"
                "        when = dt.datetime.fromisoformat(started)\n"
                "    except ValueError:\n"
                "        return True\n"
                "    if when.tzinfo is None:\n"
                "        return True\n"
                "    age = (now - when).total_seconds()\n"
                "    return age < 0 or age >= 7200  # two hours, as in the lesson\n",
                "use the limit passed in",
            ),
            WrongAnswer(
                "import datetime as dt\n"
                "def is_too_old(started, now, limit):\n"
                "    if not isinstance(started, str):\n"
                "        return True\n"
                "    try:\n"
                "        when = dt.datetime.fromisoformat(started)\n"
                "    except ValueError:\n"
                "        return True\n"
                "    if when.tzinfo is None:\n"
                "        return True\n"
                "    age = (dt.datetime.now(dt.UTC) - when).total_seconds()\n"
                "    return age < 0 or age >= limit\n",
                "not the real clock",
            ),
        ],
    ),
)

__all__ = ["LESSON", "q1", "q2", "q3"]
