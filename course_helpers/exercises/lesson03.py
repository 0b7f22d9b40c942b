"""Exercises of lesson 03 · Signed cookies."""

from __future__ import annotations

import datetime as dt

import requests

from course_helpers.cookies import find_cookie
from course_helpers.exercises.answer_types import CLIENT, RESPONSE
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, Uncheckable, WrongAnswer
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
        ],
    ),
)


# -- q2 · Read a signed cookie without the key -------------------------------------


def _inspect_recent(attempt: Attempt) -> str:
    from django.core import signing

    reader, pages = attempt["reader"], attempt["recent_pages"]
    cookie = find_cookie(reader, "recent")
    raw = cookie.value if cookie is not None else None
    if raw is None:
        raise Incorrect(
            "reader's jar has no `recent` cookie. Send the visits with reader.get('/signed/recent/', "
            "params={'page': ...}): requests.get() would use a new, empty jar."
        )
    try:
        truth = signing.loads(raw, salt=RECENT_SALT)
    except signing.BadSignature:
        raise Incorrect(
            "The `recent` cookie in reader's jar no longer verifies: was it edited? "
            "Start again with a fresh client."
        ) from None
    if len(truth) < 3:
        raise Incorrect(
            f"The cookie remembers {len(truth)} page(s); visit at least three different pages "
            "(visiting the same page again does not add it twice)."
        )
    if pages == truth:
        return f"The cookie held {len(truth)} pages, newest first, and you read them without any key."
    if isinstance(pages, str):
        if pages == raw:
            raise Incorrect(
                "That is the signed value as the jar holds it. The list is inside its payload (the part "
                "before the first ':'): base64-decode it, decompress it if it starts with '.', then json.loads()."
            )
        raise Incorrect(
            "`recent_pages` is text; the answer is the list itself: json.loads() the decoded payload."
        )
    if isinstance(pages, (bytes, bytearray)):
        if pages[:1] == b"\x78":
            raise Incorrect(
                "Those bytes are zlib-compressed: the '.' in front of the payload says so (compress=True). "
                "zlib.decompress() them, then json.loads() the result."
            )
        raise Incorrect("Those are the decoded bytes of the payload: json.loads() them to get the list.")
    if isinstance(pages, list) and sorted(map(str, pages)) == sorted(truth):
        raise Incorrect(
            "Right pages, wrong order: the server keeps the newest page first. "
            "Read the list from the cookie instead of writing it from memory."
        )
    raise Incorrect(f"`recent_pages` = {pages!r} is not the list in reader's cookie ({len(truth)} pages).")


_VISIT_THREE = """\
reader = site.client()
for page in ["/shop/", "/shop/tea/", "/shop/cart/"]:
    reader.get("/signed/recent/", params={"page": page})
"""

q2 = LESSON.add(
    "q2",
    HttpTask(
        title="Read a signed cookie without the key",
        variables={"reader": CLIENT, "recent_pages": None},
        inspect=_inspect_recent,
        hints=[
            "reader = site.client(), then reader.get('/signed/recent/', params={'page': '/shop/'}) "
            "and two more pages.",
            "The payload is reader.cookies['recent'].split(':')[0]. A leading '.' means zlib-compressed.",
            "signing.b64_decode(payload.lstrip('.').encode()) gives bytes (no key involved); "
            "zlib.decompress() them if there was a '.', then json.loads().",
        ],
        solution=_VISIT_THREE
        + """\
payload = reader.cookies["recent"].split(":")[0]
data = signing.b64_decode(payload.lstrip(".").encode())
if payload.startswith("."):
    data = zlib.decompress(data)
recent_pages = json.loads(data)
""",
        why="signing.dumps() only base64-encodes (and maybe compresses) the JSON before signing it: "
        "no key is needed to read it. The signature stops changes, not reading.",
        wrong_answers=[
            WrongAnswer(_VISIT_THREE + "recent_pages = reader.cookies['recent']", "as the jar holds it"),
            WrongAnswer(
                _VISIT_THREE + "recent_pages = ['/shop/', '/shop/tea/', '/shop/cart/']", "wrong order"
            ),
            WrongAnswer(
                _VISIT_THREE
                + "recent_pages = signing.b64_decode(reader.cookies['recent'].split(':')[0][1:].encode())",
                "zlib-compressed",
            ),
            WrongAnswer(
                "reader = site.client()\nfor page in ['/shop/', '/shop/']:\n"
                "    reader.get('/signed/recent/', params={'page': page})\nrecent_pages = []",
                "remembers 1 page(s)",
            ),
        ],
    ),
)


# -- q3 · Make the server say "expired" ------------------------------------------


def _server_clock_ahead(reply: requests.Response) -> dt.timedelta | None:
    """How far the server's clock (its Date header) was ahead of the real time when it answered."""
    from email.utils import parsedate_to_datetime

    try:
        answered = parsedate_to_datetime(reply.headers["Date"])
    except (KeyError, TypeError, ValueError):
        return None
    return answered - dt.datetime.now(_UTC)


def _inspect_late_reply(attempt: Attempt) -> str:
    reply = attempt["late_reply"]
    if not reply.url.split("?")[0].endswith("/signed/plan/"):
        raise Incorrect(
            f"`late_reply` is the answer from {reply.url}; ask /signed/plan/, which reads the cookie."
        )
    try:
        verdict = reply.json().get("verdict")
    except ValueError:
        raise Incorrect("`late_reply` is not the JSON answer of /signed/plan/.") from None
    if verdict == "expired":
        return (
            "The client still sent the cookie (its Max-Age is 30 days), but its signed timestamp was too old."
        )
    if verdict == "missing":
        ahead = _server_clock_ahead(reply)
        if ahead is not None and ahead > dt.timedelta(days=30):
            raise Incorrect(
                f"You travelled about {round(ahead / dt.timedelta(days=1))} days: past the cookie's own Max-Age (30 days), so the "
                "jar dropped the cookie and sent nothing. Travel more than one day but less than 30."
            )
        raise Incorrect(
            "The request carried no plan cookie. Choose a plan with the same client first "
            "(/signed/plan/choose/?plan=free), then ask /signed/plan/ with that client."
        )
    if verdict == "bad signature":
        raise Incorrect(
            "The server saw a bad signature, not an expired one: the cookie was changed. "
            "Leave it as the server signed it and move the clock instead, with travel(...)."
        )
    if verdict == "valid":
        raise Incorrect(
            "The plan was still fresh: /signed/plan/ accepts a plan signed up to one day ago "
            "(max_age=86400 on the reading side). Travel further than a day."
        )
    raise Incorrect(f"/signed/plan/ answered verdict={verdict!r}; the task is to get 'expired'.")


q3 = LESSON.add(
    "q3",
    HttpTask(
        title='Make the server say "expired"',
        variables={"late_reply": RESPONSE},
        inspect=_inspect_late_reply,
        hints=[
            "Use one client: first /signed/plan/choose/?plan=free, then /signed/plan/.",
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
            WrongAnswer("late_reply = site.client().get('/signed/plan/')", "carried no plan cookie"),
            WrongAnswer(
                "c = site.client()\nc.get('/signed/plan/choose/?plan=free')\n"
                "with travel(dt.timedelta(hours=2)):\n    late_reply = c.get('/signed/plan/')",
                "still fresh",
            ),
            WrongAnswer(
                "c = site.client()\nc.get('/signed/plan/choose/?plan=free')\n"
                "value, stamp, sig = c.cookies['plan'].rsplit(':', 2)\n"
                "old = signing.b62_encode(signing.b62_decode(stamp) - 2 * 86400)\n"
                "late_reply = site.client().get('/signed/plan/', cookies={'plan': f'{value}:{old}:{sig}'})",
                "bad signature, not an expired one",
            ),
            WrongAnswer(
                "c = site.client()\nc.get('/signed/plan/choose/?plan=free')\n"
                "with travel(dt.timedelta(days=40)):\n    late_reply = c.get('/signed/plan/')",
                "past the cookie's own Max-Age",
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
