"""Exercises of lesson 05 · Sessions under the hood.

Django is imported lazily (inside the checks): this module is imported
before the notebook starts the demo site.
"""

from __future__ import annotations

from course_helpers.cookies import find_cookie
from course_helpers.exercises.answer_types import CLIENT, FUNCTION, WHOLE_NUMBER
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, Uncheckable, WrongAnswer
from course_helpers.exercises.kinds import FixTheView, HttpTask, Prediction

LESSON = Lesson("05", "Sessions under the hood")

SALT = "django.contrib.sessions.SessionStore"
SHOW = "/session-basics/"
REMEMBER = "/session-basics/remember/"


def _post(client, path: str, **fields: str):
    """POST ``fields`` with the CSRF token, as a form does (a GET first gives the jar its token)."""
    if not client.csrf_token:
        client.get(SHOW)
    return client.post_form(path, fields, allow_redirects=False)


# -- q1: decode your own row, by hand ----------------------------------------------------


def _received_session_cookie(client, key: str) -> bool:
    """Whether the client's recorded traffic holds a Set-Cookie that gave it this session key."""
    return any(
        header.startswith(f"sessionid={key};") for exchange in client.trace for header in exchange.set_cookies
    )


def _samples() -> dict[str, str]:
    """session_data values the check makes itself: compressed, forged, signed with another salt."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.core import signing

    store = SessionStore()
    compressed = store.encode({"cart": ["apple"] * 40, "colour": "teal"})
    short = store.encode({"colour": "teal"})
    payload, rest = short.split(":", 1)
    forged_payload = signing.b64_encode(b'{"colour":"gold"}').decode()
    return {
        "compressed": compressed,
        "forged": f"{forged_payload}:{rest}",
        "other salt": signing.dumps({"colour": "teal"}),
    }


def _inspect_decode(attempt: Attempt) -> str:
    mine, decode = attempt["mine"], attempt["decode"]
    cookie = find_cookie(mine, "sessionid")
    if cookie is None:
        raise Incorrect(
            "`mine` has no sessionid cookie: have the site store something first, e.g. "
            "remember(mine, note='la' * 200)."
        )
    if not _received_session_cookie(mine, cookie.value):
        raise Incorrect(
            "`mine` never received its sessionid from the site (no Set-Cookie in mine.trace): a cookie "
            "put in the jar by hand is another client's session. Use a fresh site.client() and remember()."
        )
    row = attempt.site.sessions(mine).get(cookie.value)
    if row is None:
        raise Incorrect(
            "No row of django_session has the key in `mine`'s cookie (was the site restarted since?). "
            "Make a fresh client and store something again."
        )
    if not row.session_data.startswith("."):
        raise Incorrect(
            "Your row's session_data does not start with '.', so Django did not compress it. Store a long, "
            "repetitive value (remember(mine, note='la' * 200)) so that it does."
        )
    got = attempt.call(decode, row.session_data)
    if not isinstance(got, dict):
        raise Incorrect(
            f"decode(your row's session_data) returned {type(got).__name__}, not the dict of your session. "
            "The cookie holds only the key; the data is in session_data."
        )
    if got != row.data:
        raise Incorrect(
            f"decode(your row's session_data) gave {got!r}, but get_decoded() gives {row.data!r}."
        )
    from django.core import signing

    samples = attempt.site.orm(_samples)
    compressed = attempt.call(decode, samples["compressed"])
    if compressed != {"cart": ["apple"] * 40, "colour": "teal"}:
        raise Incorrect("decode() did not read another compressed value correctly.")
    for label, expected_note in (
        ("forged", "a forged value (new payload, old signature)"),
        ("other salt", "a value signed with signing.dumps' default salt, not the session salt"),
    ):
        try:
            result = decode(samples[label])
        except signing.BadSignature as exc:
            raise Incorrect(
                f"decode() raised BadSignature for {expected_note}: right to refuse it, but return {{}} there, "
                "as get_decoded() does (a session whose signature fails is an empty session, not a crash)."
            ) from exc
        except Exception as exc:
            raise Incorrect(f"decode() raised {type(exc).__name__} for {expected_note}.") from exc
        if result != {}:
            raise Incorrect(
                f"decode() accepted {expected_note} and returned {result!r}: it must check the signature "
                "and return {} when it fails, as get_decoded() does."
            )
    return "It read your compressed row, another compressed value, and refused a forged one."


q1 = LESSON.add(
    "q1",
    HttpTask(
        title="Find your own row and decode it by hand (compressed this time)",
        variables={"mine": CLIENT, "decode": FUNCTION},
        inspect=_inspect_decode,
        hints=[
            "A long, repetitive value makes Django compress session_data: it then starts with '.'. "
            "remember(mine, note='la' * 200) does it.",
            "signing.loads() undoes everything signing.dumps() did, compression included, and checks the "
            "signature: give it the session salt, 'django.contrib.sessions.SessionStore'.",
            "Wrap it in try/except signing.BadSignature and return {} there, as get_decoded() does.",
        ],
        solution="""
            mine = site.client()
            remember(mine, note="la" * 200)


            def decode(session_data):
                from django.core import signing

                try:
                    return signing.loads(session_data, salt="django.contrib.sessions.SessionStore")
                except signing.BadSignature:
                    return {}
        """,
        why="session_data is signing.dumps(data, salt='django.contrib.sessions.SessionStore', compress=True): "
        "base64 JSON (zlib-compressed when shorter, marked by a leading '.'), a timestamp and an HMAC. "
        "Anyone can read it; only the SECRET_KEY can vouch for it.",
        wrong_answers=[
            WrongAnswer(
                "mine = site.client()\n"
                "remember(mine, colour='blue')\n"
                "def decode(session_data):\n"
                "    from django.core import signing\n"
                "    return signing.loads(session_data, salt='django.contrib.sessions.SessionStore')",
                "did not compress it",
            ),
            WrongAnswer(
                "mine = site.client()\n"
                "remember(mine, note='la' * 200)\n"
                "def decode(session_data):\n"
                "    from django.core import signing\n"
                "    return signing.loads(session_data, salt='django.contrib.sessions.SessionStore')",
                "raised BadSignature",
            ),
            WrongAnswer(
                "import base64, json, zlib\n"
                "mine = site.client()\n"
                "remember(mine, note='la' * 200)\n"
                "def decode(session_data):\n"
                "    payload = session_data.split(':')[0]\n"
                "    raw = base64.urlsafe_b64decode(payload.lstrip('.') + '=' * (-len(payload.lstrip('.')) % 4))\n"
                "    return json.loads(zlib.decompress(raw) if payload.startswith('.') else raw)",
                "accepted a forged value",
            ),
            WrongAnswer(
                "mine = site.client()\n"
                "remember(mine, note='la' * 200)\n"
                "def decode(session_data):\n"
                "    from django.core import signing\n"
                "    try:\n"
                "        return signing.loads(session_data)\n"
                "    except signing.BadSignature:\n"
                "        return {}",
                "but get_decoded() gives",
            ),
            WrongAnswer(
                "mine = site.client()\n"
                "remember(mine, note='la' * 200)\n"
                "def decode(session_data):\n"
                "    return mine.cookies['sessionid']",
                "returned str",
            ),
            WrongAnswer(
                "mine = site.client()\n"
                "mine.cookies.set('sessionid', site.sessions()[0].session_key, domain='127.0.0.1', path='/')\n"
                "def decode(session_data):\n"
                "    from django.core import signing\n"
                "    return signing.loads(session_data, salt='django.contrib.sessions.SessionStore')",
                "never received its sessionid",
            ),
        ],
    ),
)


# -- q2: predict the rows -----------------------------------------------------------------


def _count_rows(attempt: Attempt) -> int:
    site = attempt.site
    before = len(site.sessions())
    with site.client() as a, site.client() as b:
        _post(a, REMEMBER, colour="blue")
        _post(b, REMEMBER, colour="green")
        _post(a, REMEMBER, size="M")
        _post(a, REMEMBER, shoe="42")
        a.cookies.clear()
        _post(a, REMEMBER, colour="blue")
    return len(site.sessions()) - before


q2 = LESSON.add(
    "q2",
    Prediction(
        title="Predict: how many rows does django_session gain?",
        variables={"rows_added": WHOLE_NUMBER},
        experiment=_count_rows,
        explain="One row per session, not per request: A's first POST creates a row, B's creates another, "
        "A's next two POSTs update A's row in place. When A drops its cookies, the site cannot know it is "
        "A: the next POST creates a third row, and A's old row stays behind, an orphan nobody can reach, "
        "until it expires and `clearsessions` removes it.",
        hints=[
            "A row is created when a request that stores something arrives without a (valid) sessionid cookie.",
            "Does the server delete anything when a client forgets its cookie? How would it know?",
        ],
        solution="rows_added = 3",
        why="Rows are created per cookie-less visit that stores something, and never deleted by the client "
        "forgetting.",
        wrong_answers=[
            WrongAnswer("rows_added = 2", "the experiment gave 3"),
            WrongAnswer("rows_added = 5", "not per request"),
            WrongAnswer("rows_added = 4", "the experiment gave 3"),
            WrongAnswer('rows_added = "3"', "whole number"),
        ],
    ),
)


# -- q3: a cart that persists, add and remove --------------------------------------------------


def _cart_in_table(attempt: Attempt, client) -> list | None:
    key = client.cookies.get("sessionid")
    row = attempt.site.sessions(client).get(key) if key else None
    return None if row is None else row.data.get("cart")


def _drive_cart(attempt: Attempt) -> str:
    from django.conf import settings

    if settings.SESSION_SAVE_EVERY_REQUEST:
        raise Uncheckable(
            "The demo site runs with SESSION_SAVE_EVERY_REQUEST=True, which would hide a missing "
            "`modified = True`. Run site = start_demo_site() (no overrides), then this cell again."
        )
    client, url = attempt.client, attempt.prefix
    client.log_in("alice", allow_redirects=False)
    key = client.cookies.get("sessionid")
    for bad, label in (({"action": "add"}, "no item"), ({"item": "apple", "action": "eat"}, "action=eat")):
        reply = _post(client, url, **bad)
        if reply.status_code != 400:
            raise Incorrect(f"A POST with {label} got {reply.status_code}; answer 400 (a bad request).")
    expected: list[str] = []
    steps = [("add", "apple"), ("add", "pear"), ("add", "apple"), ("remove", "apple"), ("remove", "kiwi")]
    for action, item in steps:
        if action == "add":
            expected.append(item)
        elif item in expected:
            expected.remove(item)
        reply = _post(client, url, item=item, action=action)
        if reply.status_code != 200:
            raise Incorrect(f"action={action}&item={item} got {reply.status_code}, not 200.")
        if client.cookies.get("sessionid") != key:
            raise Incorrect(
                f"After action={action}&item={item} the client has a new session key (or none): your view "
                "rebuilt the session (flush(), cycle_key(), a new SessionStore). Change the one it has."
            )
        stored = _cart_in_table(attempt, client)
        if stored != expected:
            raise Incorrect(
                f"After action={action}&item={item} the row in django_session holds cart={stored!r}, "
                f"not {expected!r}: that change was not saved. Django saves only when "
                "request.session.modified is True; mutating the list inside it does not set it."
            )
    me = client.get("/accounts/whoami/").json()
    if not me["authenticated"]:
        raise Incorrect("alice was logged out by your view: it threw her session away. Keep the session.")
    return "Five requests, each one checked in django_session; alice is still logged in, same key."


q3 = LESSON.add(
    "q3",
    FixTheView(
        title="A cart that remembers: add and remove",
        variables=["cart_view"],
        drive=_drive_cart,
        hints=[
            "`cart = request.session.setdefault('cart', [])` gives the list; `cart.append(item)` and "
            "`cart.remove(item)` change it in place, which Django cannot see.",
            "Set `request.session.modified = True` after *every* change, in both branches (or once after both).",
            "Check the input first: `item = request.POST.get('item')`, `action = request.POST.get('action')`; "
            "answer 400 unless item is non-empty and action is 'add' or 'remove'.",
        ],
        solution="""
            from django.http import JsonResponse
            from django.views.decorators.http import require_POST


            @require_POST
            def cart_view(request):
                item, action = request.POST.get("item", ""), request.POST.get("action", "")
                if not item or action not in ("add", "remove"):
                    return JsonResponse({"error": "send item=... and action=add or remove"}, status=400)
                cart = request.session.setdefault("cart", [])
                if action == "add":
                    cart.append(item)
                elif item in cart:
                    cart.remove(item)
                request.session.modified = True
                return JsonResponse({"cart": cart})
        """,
        why="SessionMiddleware saves the session only when request.session.modified is True. Assigning a key "
        "sets it; changing a list or dict stored under a key does not. One `modified = True` after the "
        "change covers every branch.",
        wrong_answers=[
            WrongAnswer(
                "from django.http import JsonResponse\n"
                "def cart_view(request):\n"
                "    item, action = request.POST.get('item', ''), request.POST.get('action', '')\n"
                "    if not item or action not in ('add', 'remove'):\n"
                "        return JsonResponse({}, status=400)\n"
                "    cart = request.session.setdefault('cart', [])\n"
                "    if action == 'add':\n"
                "        cart.append(item)\n"
                "    elif item in cart:\n"
                "        cart.remove(item)\n"
                "    return JsonResponse({'cart': cart})",
                "After action=add&item=pear the row",
            ),
            WrongAnswer(
                "from django.http import JsonResponse\n"
                "def cart_view(request):\n"
                "    item, action = request.POST.get('item', ''), request.POST.get('action', '')\n"
                "    if not item or action not in ('add', 'remove'):\n"
                "        return JsonResponse({}, status=400)\n"
                "    cart = request.session.setdefault('cart', [])\n"
                "    if action == 'add':\n"
                "        request.session.modified = True\n"
                "        cart.append(item)\n"
                "    elif item in cart:\n"
                "        cart.remove(item)\n"
                "    return JsonResponse({'cart': cart})",
                "After action=remove&item=apple the row",
            ),
            WrongAnswer(
                "from django.http import JsonResponse\n"
                "def cart_view(request):\n"
                "    item, action = request.POST.get('item', ''), request.POST.get('action', '')\n"
                "    if not item or action not in ('add', 'remove'):\n"
                "        return JsonResponse({}, status=400)\n"
                "    cart = list(request.session.get('cart', []))\n"
                "    if action == 'add':\n"
                "        cart.append(item)\n"
                "    elif item in cart:\n"
                "        cart.remove(item)\n"
                "    request.session.flush()\n"
                "    request.session['cart'] = cart\n"
                "    return JsonResponse({'cart': cart})",
                "rebuilt the session",
            ),
            WrongAnswer(
                "from django.http import JsonResponse\n"
                "def cart_view(request):\n"
                "    item, action = request.POST.get('item', ''), request.POST.get('action', '')\n"
                "    cart = request.session.setdefault('cart', [])\n"
                "    if action == 'add':\n"
                "        cart.append(item)\n"
                "    elif item in cart:\n"
                "        cart.remove(item)\n"
                "    request.session.modified = True\n"
                "    return JsonResponse({'cart': cart})",
                "answer 400",
            ),
        ],
    ),
)
