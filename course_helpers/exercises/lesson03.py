"""Exercises of lesson 03 · Signed cookies."""

from __future__ import annotations

import datetime as dt

from course_helpers.cookies import find_cookie
from course_helpers.exercises.answer_types import CLIENT, RESPONSE
from course_helpers.exercises.core import Attempt, Incorrect, LearnerError, Lesson, Uncheckable, WrongAnswer
from course_helpers.exercises.kinds import Case, FunctionExercise, HttpTask, ValueExercise

LESSON = Lesson("03", "Signed cookies")

# The demo site's names, repeated here so that a check never depends on the notebook's variables.
PLAN_SALT = "signed.plan"
RECENT_SALT = "signed.recent"

_UTC = dt.UTC
_SIG = "Ns0TWv3xMqS1qJ4Jq5a8u0z0WmYbW1Yx5jv9i8C0e2Q"  # any 43 characters: the function must not check it


def _at(*when: int) -> dt.datetime:
    return dt.datetime(*when, tzinfo=_UTC)


def _b62(moment: dt.datetime) -> str:
    from django.core.signing import b62_encode

    return b62_encode(int(moment.timestamp()))


# -- q1 · When was it signed? ---------------------------------------------------


class _TimestampExercise(FunctionExercise):
    """A FunctionExercise that first names the usual wrong kinds of result (seconds, text, naive datetime)."""

    def verify(self, attempt: Attempt) -> str:
        fn = attempt[self.variables[0]]
        if callable(fn):
            probe = self.cases[0]
            result = attempt.call(fn, *probe.args)
            name = self.variables[0]
            if isinstance(result, int) and not isinstance(result, bool):
                raise Incorrect(
                    f"{name}(...) returned the number {result}: that is the seconds since 1970. "
                    "Turn them into a date: dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)."
                )
            if isinstance(result, str):
                raise Incorrect(
                    f"{name}(...) returned the text {result!r}. The timestamp is written in base62: "
                    "decode it with signing.b62_decode(), then make a datetime of the seconds."
                )
            if isinstance(result, dt.datetime) and result.tzinfo is None:
                raise Incorrect(
                    f"{name}(...) returned a naive datetime ({result:%Y-%m-%d %H:%M:%S}, no time zone): "
                    "it cannot be compared with an aware one. Pass tz=dt.timezone.utc to fromtimestamp()."
                )
            if isinstance(result, dt.datetime) and result.utcoffset() != dt.timedelta(0):
                raise Incorrect(
                    f"{name}(...) returned the right moment, but in another time zone ({result.isoformat()}): "
                    "the task asks for UTC. Pass tz=dt.timezone.utc to fromtimestamp()."
                )
        return super().verify(attempt)


q1 = LESSON.add(
    "q1",
    _TimestampExercise(
        title="When was it signed?",
        variables=["signed_at"],
        cases=[
            Case(
                (f"free:{_b62(_at(2026, 11, 5, 9, 30))}:{_SIG}",),
                _at(2026, 11, 5, 9, 30),
                note="The timestamp is the part between the last two ':'.",
            ),
            Case(
                (f"user:42:{_b62(_at(2025, 3, 1, 12))}:{_SIG}",),
                _at(2025, 3, 1, 12),
                note="This value itself contains a ':' (user:42). Count the parts from the right: "
                "value.rsplit(':', 2) gives [payload, timestamp, signature] whatever the payload holds.",
            ),
            Case(
                (f"ImhlbGxvIg:1QaUZC:{_SIG}",),
                _at(2011, 6, 25, 15, 14, 38),
                note="A signing.dumps() value has the same shape: payload:timestamp:signature.",
            ),
        ],
        hints=[
            "Split the signed value from the right: the signature is last, the timestamp just before it.",
            "signing.b62_decode(timestamp) gives seconds since 1970 (UTC).",
            "dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc) turns them into an aware datetime.",
        ],
        solution="""
            def signed_at(signed_value):
                payload, timestamp, signature = signed_value.rsplit(":", 2)
                return dt.datetime.fromtimestamp(signing.b62_decode(timestamp), tz=dt.timezone.utc)
        """,
        why="A timestamped signed value is payload:timestamp:signature; the payload may contain ':', "
        "so only a split from the right is safe. The timestamp is the signing time in base62 seconds, "
        "readable by anyone (and protected by the signature: changing it breaks the HMAC).",
        wrong_answers=[
            WrongAnswer(
                "def signed_at(signed_value):\n    return signing.b62_decode(signed_value.split(':')[1])",
                "seconds since 1970",
            ),
            WrongAnswer(
                "def signed_at(signed_value):\n"
                "    stamp = signed_value.split(':')[1]\n"
                "    return dt.datetime.fromtimestamp(signing.b62_decode(stamp), tz=dt.timezone.utc)",
                "Count the parts from the right",
            ),
            WrongAnswer(
                "def signed_at(signed_value):\n"
                "    stamp = signed_value.rsplit(':', 2)[1]\n"
                "    return dt.datetime.fromtimestamp(signing.b62_decode(stamp))",
                "naive datetime",
            ),
            WrongAnswer(
                "def signed_at(signed_value):\n    return signed_value.rsplit(':', 2)[1]",
                "written in base62",
            ),
            WrongAnswer(
                "def signed_at(signed_value):\n"
                "    stamp = signed_value.rsplit(':', 2)[1]\n"
                "    paris = dt.timezone(dt.timedelta(hours=1))\n"
                "    return dt.datetime.fromtimestamp(signing.b62_decode(stamp), tz=paris)",
                "in another time zone",
            ),
        ],
    ),
)


# -- q2 · Read any recent cookie without the key ---------------------------------

_OTHER_KEY = "the secret key of another site, which you do not have"


def _recent_values(attempt: Attempt) -> list[tuple[str, list, str]]:
    """The values read_recent() must read: the demo site's own cookie, and two signed with another key."""
    from django.core import signing

    with attempt.site.client() as visitor:
        for page in ("/shop/", "/shop/tea/", "/shop/cart/", "/about/"):
            visitor.get("/signed/recent/", params={"page": page})
        cookie = find_cookie(visitor, "recent")
    if cookie is None:
        raise Uncheckable("The demo site set no `recent` cookie: is /signed/recent/ working?")
    long_list = [f"/blog/{n}/" for n in range(12)]
    short_list = ["/a/"]
    return [
        (cookie.value, signing.loads(cookie.value, salt=RECENT_SALT), "the cookie the demo site set"),
        (
            signing.dumps(long_list, salt=RECENT_SALT, compress=True, key=_OTHER_KEY),
            long_list,
            "a value another site signed with its own SECRET_KEY",
        ),
        (
            signing.dumps(short_list, salt=RECENT_SALT, compress=True, key=_OTHER_KEY),
            short_list,
            "a short list from another site (too short to gain from compression: no leading '.')",
        ),
    ]


class _ReadRecentExercise(FunctionExercise):
    """read_recent(value) must read the list of any recent value, whoever signed it: no key involved."""

    def verify(self, attempt: Attempt) -> str:
        from django.core import signing

        fn = attempt["read_recent"]
        for value, expected, label in _recent_values(attempt):
            payload = value.split(":")[0]
            try:
                result = attempt.call(fn, value)
            except LearnerError as exc:
                if isinstance(exc.original, signing.BadSignature):
                    raise Incorrect(
                        f"read_recent() raised BadSignature on {label}. signing.loads() checks the signature "
                        "with this site's SECRET_KEY: that is verifying, not reading, and it needs the key. "
                        "Decode the payload yourself (the part before the first ':')."
                    ) from None
                if not payload.startswith("."):
                    raise Incorrect(
                        f"read_recent() raised {type(exc.original).__name__} on {label}. compress=True "
                        "compresses only when that makes the value shorter: decompress only a payload that "
                        "starts with '.', and don't cut the first character of one that does not."
                    ) from None
                raise
            if isinstance(result, (bytes, bytearray)):
                if result[:1] == b"\x78":
                    raise Incorrect(
                        f"On {label}, read_recent() returned zlib-compressed bytes: the '.' in front of the "
                        "payload says so (compress=True). zlib.decompress() them, then json.loads()."
                    )
                raise Incorrect(
                    f"On {label}, read_recent() returned the decoded bytes: json.loads() them to get the list."
                )
            if isinstance(result, str):
                raise Incorrect(
                    f"On {label}, read_recent() returned text ({result[:40]!r}…). The list is inside the payload "
                    "(the part before the first ':'): base64-decode it, decompress it if it starts with '.', "
                    "then json.loads()."
                )
            if result != expected:
                raise Incorrect(
                    f"On {label}, read_recent() returned {result!r}; the value holds {expected!r}."
                )
        return "It read the demo site's cookie and two values signed with a key you never had."


q2 = LESSON.add(
    "q2",
    _ReadRecentExercise(
        title="Read any recent cookie without the key",
        variables=["read_recent"],
        cases=[],
        hints=[
            "The payload is signed_value.split(':')[0]. A leading '.' means zlib-compressed.",
            "signing.b64_decode(payload.lstrip('.').encode()) gives bytes (no key involved).",
            "zlib.decompress() those bytes only if the payload started with '.', then json.loads().",
        ],
        solution="""
            import json
            import zlib


            def read_recent(signed_value):
                payload = signed_value.split(":")[0]
                data = signing.b64_decode(payload.lstrip(".").encode())
                if payload.startswith("."):
                    data = zlib.decompress(data)
                return json.loads(data)
        """,
        why="signing.dumps() only base64-encodes (and maybe compresses) the JSON before signing it: "
        "no key is needed to read it, whoever signed it. The signature stops changes, not reading.",
        wrong_answers=[
            WrongAnswer(
                "def read_recent(signed_value):\n    return signing.loads(signed_value, salt='signed.recent')",
                "raised BadSignature",
            ),
            WrongAnswer(
                "import json, zlib\n"
                "def read_recent(signed_value):\n"
                "    payload = signed_value.split(':')[0]\n"
                "    return json.loads(zlib.decompress(signing.b64_decode(payload[1:].encode())))",
                "compresses only when that makes the value shorter",
            ),
            WrongAnswer(
                "def read_recent(signed_value):\n"
                "    return signing.b64_decode(signed_value.split(':')[0].lstrip('.').encode())",
                "zlib-compressed bytes",
            ),
            WrongAnswer(
                "def read_recent(signed_value):\n    return signed_value.split(':')[0]", "returned text"
            ),
        ],
    ),
)


# -- q3 · Make the server say "expired" ------------------------------------------


def _date(headers) -> dt.datetime | None:
    """The Date header of a response (requests' headers or an Exchange's list of pairs), as a datetime."""
    from email.utils import parsedate_to_datetime

    value = (
        headers.get("Date")
        if hasattr(headers, "get")
        else dict((k.title(), v) for k, v in headers).get("Date")
    )
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def _plan_sent(cookie_header: str | None) -> str | None:
    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "plan":
            return value
    return None


def _inspect_late_reply(attempt: Attempt) -> str:
    client, reply = attempt["late_client"], attempt["late_reply"]
    if not reply.url.split("?")[0].endswith("/signed/plan/"):
        raise Incorrect(
            f"`late_reply` is the answer from {reply.url}; ask /signed/plan/, which reads the cookie."
        )
    sent, answered = reply.request.headers.get("Cookie"), _date(reply.headers)
    mine = [
        n
        for n, ex in enumerate(client.trace)
        if ex.url == reply.url and ex.cookie_sent == sent and _date(ex.response_headers) == answered
    ]
    if not mine:
        raise Incorrect(
            "`late_reply` was not sent by `late_client` (it is not in late_client.trace): send the request "
            "with late_client.get(...)."
        )
    plan = _plan_sent(sent)
    if plan is None:
        ahead = answered - dt.datetime.now(_UTC) if answered else dt.timedelta(0)
        if ahead > dt.timedelta(days=30):
            raise Incorrect(
                f"You travelled about {round(ahead / dt.timedelta(days=1))} days: past the cookie's own Max-Age "
                "(30 days), so the jar dropped the cookie and sent nothing. Travel more than one day but less than 30."
            )
        raise Incorrect(
            "The request carried no plan cookie. Choose a plan with the same client first "
            "(/signed/plan/choose/?plan=free), then ask /signed/plan/ with that client."
        )
    issued = [
        (ex, header.split(";")[0].partition("=")[2])
        for ex in client.trace[: mine[-1]]
        if ex.path.startswith("/signed/plan/choose/")
        for header in ex.set_cookies
        if header.startswith("plan=")
    ]
    signing_time = next((_date(ex.response_headers) for ex, value in issued if value == plan), None)
    if signing_time is None:
        raise Incorrect(
            "The plan cookie late_client sent is not one the site set for it at /signed/plan/choose/: it was "
            "edited, set by hand or signed in the notebook. Let the site sign it, leave it unchanged, and "
            "move the clock instead."
        )
    verdict = reply.json().get("verdict")
    if verdict == "valid":
        raise Incorrect(
            "The plan was still fresh: /signed/plan/ accepts a plan signed up to one day ago "
            "(max_age=86400 on the reading side). Travel further than a day."
        )
    if verdict != "expired":
        raise Incorrect(f"/signed/plan/ answered verdict={verdict!r}; the task is to get 'expired'.")
    if answered is None or answered - signing_time <= dt.timedelta(days=1):
        raise Incorrect(
            "By the server's clock the cookie was read less than a day after the site signed it: "
            "read it inside `with travel(...):`."
        )
    return "The client still sent the cookie (its Max-Age is 30 days), but its signed timestamp was too old."


_CHOSEN = "late_client = site.client()\nlate_client.get('/signed/plan/choose/?plan=free')\n"

q3 = LESSON.add(
    "q3",
    HttpTask(
        title='Make the server say "expired"',
        variables={"late_client": CLIENT, "late_reply": RESPONSE},
        inspect=_inspect_late_reply,
        hints=[
            "Use one client: first late_client.get('/signed/plan/choose/?plan=free'), then /signed/plan/.",
            "Don't wait and don't edit the cookie: ask for /signed/plan/ inside `with travel(...):`.",
            "More than one day (the reading side's max_age) but less than 30 (the cookie's own Max-Age), "
            "e.g. travel(dt.timedelta(days=2)).",
        ],
        solution="""
            late_client = site.client()
            late_client.get("/signed/plan/choose/?plan=free")
            with travel(dt.timedelta(days=2)):
                late_reply = late_client.get("/signed/plan/")
        """,
        why="get_signed_cookie(max_age=...) measures the age from the timestamp inside the signed value, "
        "which the client cannot change. The cookie's own Max-Age is only a request to the client.",
        wrong_answers=[
            WrongAnswer(
                "late_client = site.client()\nlate_reply = late_client.get('/signed/plan/')",
                "carried no plan cookie",
            ),
            WrongAnswer(
                _CHOSEN
                + "with travel(dt.timedelta(hours=2)):\n    late_reply = late_client.get('/signed/plan/')",
                "still fresh",
            ),
            WrongAnswer(
                _CHOSEN + "value, stamp, sig = late_client.cookies['plan'].rsplit(':', 2)\n"
                "old = signing.b62_encode(signing.b62_decode(stamp) - 2 * 86400)\n"
                "late_client.cookies.set('plan', f'{value}:{old}:{sig}', domain='127.0.0.1', path='/')\n"
                "late_reply = late_client.get('/signed/plan/')",
                "not one the site set",
            ),
            WrongAnswer(
                _CHOSEN + "with travel(dt.timedelta(days=-2)):\n"
                "    old = signing.get_cookie_signer(salt=signing._cookie_signer_salt('plan', 'signed.plan'))"
                ".sign('free')\n"
                "late_client.cookies.set('plan', old, domain='127.0.0.1', path='/')\n"
                "late_reply = late_client.get('/signed/plan/')",
                "signed in the notebook",
            ),
            WrongAnswer(
                _CHOSEN
                + "with travel(dt.timedelta(days=40)):\n    late_reply = late_client.get('/signed/plan/')",
                "past the cookie's own Max-Age",
            ),
            WrongAnswer(
                _CHOSEN + "other = site.client()\nother.get('/signed/plan/choose/?plan=free')\n"
                "with travel(dt.timedelta(days=2)):\n    late_reply = other.get('/signed/plan/')",
                "not sent by `late_client`",
            ),
        ],
    ),
)


# -- q4 · Break the hand-made "encryption" ---------------------------------------


def _xor(data: bytes, key: bytes) -> bytes:
    return bytes(b ^ key[i % len(key)] for i, b in enumerate(data))


def _expected_forgery(attempt: Attempt) -> str:
    guest = attempt.namespace.get("guest_cookie")
    if not isinstance(guest, str) or ":" not in guest:
        raise Uncheckable("Run the cells above that define `guest_cookie` and `xor_check` first.")
    name, tag = guest.rsplit(":", 1)
    key = _xor(name.encode(), bytes.fromhex(tag))
    return "admin:" + _xor(b"admin", key).hex()


def _diagnose_forgery(attempt: Attempt) -> str | None:
    answer, namespace = attempt.answer, attempt.namespace
    if not isinstance(answer, str):
        return f"`forged` should be the cookie's text, like the guest cookie 'guest:…', not {type(answer).__name__}."
    check = namespace.get("xor_check")
    user = check(answer) if callable(check) else None
    if user is not None and user != "admin":
        return f"The server accepts it, but as the user {user!r}: the name before ':' must be 'admin'."
    if ":" not in answer:
        return "A classic cookie is name:tag; yours has no tag after a ':'."
    forged_name, tag = answer.rsplit(":", 1)
    guest_name, guest_tag = namespace["guest_cookie"].rsplit(":", 1)
    if forged_name == "admin" and tag == guest_tag:
        return (
            "You kept the guest's tag. The tag depends on the name: the server recomputes it for 'admin' "
            "and gets something else. Recover the key first: key = guest tag XOR b'guest'."
        )
    try:
        raw_tag = bytes.fromhex(tag)
    except ValueError:
        return "The tag after ':' should be hexadecimal, like the guest cookie's (bytes.hex())."
    if forged_name == "admin" and raw_tag == _xor(b"admin", bytes.fromhex(guest_tag)):
        return (
            "Your tag is b'admin' XOR the guest's tag, which still contains b'guest'. "
            "Take the key out first (guest tag XOR b'guest'), then XOR b'admin' with that key."
        )
    return None


q4 = LESSON.add(
    "q4",
    ValueExercise(
        title='Break the hand-made "encryption"',
        variables=["forged"],
        expected=_expected_forgery,
        diagnose=_diagnose_forgery,
        where_to_look="The server accepts name:tag when tag == XOR(name, key).hex(); "
        "you know one pair, guest and its tag.",
        hints=[
            "XOR undoes itself: if tag = name XOR key, then key = name XOR tag.",
            "key = xor(b'guest', bytes.fromhex(guest_cookie.split(':')[1])) recovers the first 5 bytes "
            "of the key: all that a 5-letter name uses.",
            "forged = 'admin:' + xor(b'admin', key).hex()",
        ],
        solution="""
            guest_name, guest_tag = guest_cookie.split(":")
            stolen_key = xor(guest_name.encode(), bytes.fromhex(guest_tag))
            forged = "admin:" + xor(b"admin", stolen_key).hex()
        """,
        why="One honest cookie (a known plaintext and its 'ciphertext') gives the key away, because XOR "
        "is its own inverse. A hand-made scheme fails to a few lines of code; HMAC was designed and "
        "studied for exactly this job.",
        wrong_answers=[
            WrongAnswer("forged = 'admin:' + guest_cookie.split(':')[1]", "kept the guest's tag"),
            WrongAnswer(
                "forged = 'admin:' + xor(b'admin', bytes.fromhex(guest_cookie.split(':')[1])).hex()",
                "Take the key out first",
            ),
            WrongAnswer("forged = guest_cookie", "as the user 'guest'"),
            WrongAnswer("forged = 'admin'", "has no tag"),
        ],
    ),
)
