"""Exercises of lesson 02 · Cookies in Django."""

from __future__ import annotations

import time

from django.http import HttpResponse

from course_helpers.cookies import explain_set_cookie, find_cookie
from course_helpers.display import describe_age
from course_helpers.exchange import set_cookie_headers
from course_helpers.exercises.answer_types import CLIENT
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import FixTheView, HttpTask, Prediction
from course_helpers.serving import serve_view

LESSON = Lesson("02", "Cookies in Django")

#: Where the demo site's shop lives (demo_site.cookies.views.SHOP_PATH).
SHOP = "/cookies/shop"
THIRTY_DAYS = 30 * 86400


# -- q1 · make vanilla last 30 days (HttpTask) ----------------------------------------


def _flavour_headers(client) -> list[tuple[str, str]]:
    """Every Set-Cookie for flavour the site sent to ``client``, in order, with the path it answered."""
    return [(ex.path, header) for ex in client.trace for header in set_cookie_headers(ex, "flavour")]


def _inspect_vanilla(attempt: Attempt) -> str:
    client = attempt["keeper"]
    from_site = _flavour_headers(client)
    if not any(path.startswith("/cookies/plain/") for path, _ in from_site):
        raise Incorrect(
            "keeper never let /cookies/plain/ set flavour: start there (keeper.get('/cookies/plain/')), "
            "then make that cookie last 30 days."
        )
    cookie = find_cookie(client, "flavour")  # the longest path first
    if cookie is None:
        raise Incorrect(
            "keeper's jar holds no flavour cookie any more: was the last thing you sent a delete?"
        )
    if cookie.path != "/" and find_cookie(client, "flavour", path="/") is not None:
        raise Incorrect(
            f"keeper's jar holds 2 flavour cookies (Path=/ and Path={cookie.path}): a cookie replaces another "
            "only when name, domain and path are all the same, so the browser-session one is still there. "
            "Leave path at its default, '/'."
        )
    last_path, last_header = from_site[-1]
    last = explain_set_cookie(last_header)
    lasts_by_site = last.max_age is not None or last.expires_at is not None
    if (cookie.value, cookie.has_nonstandard_attr("HttpOnly"), cookie.expires is not None) != (
        last.value,
        last.httponly,
        lasts_by_site,
    ):
        raise Incorrect(
            f"keeper's jar does not hold what the site last sent ({last_path}: {last_header.split(';')[0]}, "
            f"{'with' if lasts_by_site else 'without'} an expiry, {'' if last.httponly else 'not '}HttpOnly): "
            "the jar was changed by hand (keeper.cookies.set), and no server asked for that. "
            "Ask the lab, /cookies/set/, to send the cookie again."
        )
    if cookie.expires is None:
        if last_path.startswith("/cookies/plain/") and len(from_site) > 1:
            raise Incorrect(
                "The last reply that set flavour was /cookies/plain/'s, which made it a browser-session "
                "cookie again: the last Set-Cookie wins. Ask the lab after /cookies/plain/."
            )
        raise Incorrect(
            "Your flavour cookie is still a browser-session cookie (no Max-Age, no Expires): a browser forgets "
            "it when it closes. Give the lab a max_age, in seconds."
        )
    if cookie.value != "vanilla":
        raise Incorrect(
            f"flavour now holds {cookie.value!r}, not 'vanilla': a cookie sent again replaces the old one "
            "entirely, value included. Give the lab value=vanilla."
        )
    lifetime = cookie.expires - int(time.time())  # the jar counts from a whole second, too
    if abs(lifetime - THIRTY_DAYS) > 120:
        if lifetime <= 0:
            raise Incorrect("Your flavour cookie has already expired; give it a positive max_age.")
        lasts = describe_age(lifetime).removeprefix("in ")
        if not lasts.endswith(("second", "seconds")):
            lasts += f" ({lifetime:.0f} s)"
        if lasts.startswith("30 days"):
            lasts = f"{lifetime:.0f} s, {THIRTY_DAYS - lifetime:+.0f} s from {THIRTY_DAYS} s"
        extra = " max_age counts seconds, so 30 days is 30 * 24 * 3600." if lifetime < THIRTY_DAYS else ""
        raise Incorrect(f"Your flavour cookie lasts {lasts}, not 30 days.{extra}")
    if not cookie.has_nonstandard_attr("HttpOnly"):
        raise Incorrect(
            "Your cookie lasts 30 days but is not HttpOnly: any script on the page could read it. "
            "Add httponly=1 to the lab's parameters."
        )
    if cookie.secure:
        raise Incorrect(
            "Your cookie is Secure: requests keeps it but never sends it back over plain http, so this http "
            "site would not see it again (only a browser that counts 127.0.0.1 as a secure context, such as "
            "Chromium, sends it). Leave secure out."
        )
    refused = [w for w in last.warnings if "reject" in w or "drop" in w]
    if refused:
        raise Incorrect(
            f"requests kept your cookie ({last_header}), but a browser would not: {refused[0]} Leave samesite "
            "out (Lax), or use Lax or Strict."
        )
    return f"The site itself sent it ({last_path}): {last_header}."


_PLAIN = "keeper = site.client()\nkeeper.get('/cookies/plain/')\n"

q1 = LESSON.add(
    "q1",
    HttpTask(
        title="Make vanilla last 30 days",
        variables={"keeper": CLIENT},
        inspect=_inspect_vanilla,
        hints=[
            "A server cannot change a cookie in the jar; it can only send it again. Send flavour again, "
            "with the same name and path and a lifetime.",
            "The lab reads name, value, max_age and httponly from the query string: "
            "params={'name': 'flavour', 'value': 'vanilla', 'max_age': ..., 'httponly': 1}.",
            "max_age is in seconds: 30 days is 30 * 24 * 3600 = 2592000.",
        ],
        solution="""
            keeper = site.client()
            keeper.get("/cookies/plain/")
            keeper.get(
                "/cookies/set/",
                params={"name": "flavour", "value": "vanilla", "max_age": 30 * 24 * 3600, "httponly": 1},
            )
        """,
        why="The lab called set_cookie('flavour', 'vanilla', max_age=2592000, httponly=True). Same name, same "
        "domain, same path (/): the jar replaced the browser-session cookie with this one.",
        wrong_answers=[
            WrongAnswer(
                _PLAIN
                + "keeper.get('/cookies/set/', params={'name': 'flavour', 'value': 'vanilla', 'httponly': 1})",
                "still a browser-session cookie",
            ),
            WrongAnswer(
                _PLAIN + "keeper.get('/cookies/set/', "
                "params={'name': 'flavour', 'value': 'vanilla', 'max_age': 30, 'httponly': 1})",
                "max_age counts seconds",
            ),
            WrongAnswer(
                _PLAIN + "keeper.get('/cookies/set/', "
                "params={'name': 'flavour', 'value': 'vanilla', 'max_age': 2592000})",
                "not HttpOnly",
            ),
            WrongAnswer(
                _PLAIN + "keeper.get('/cookies/set/', "
                "params={'name': 'flavour', 'value': 'chocolate', 'max_age': 2592000, 'httponly': 1})",
                "not 'vanilla'",
            ),
            WrongAnswer(
                _PLAIN + "keeper.get('/cookies/set/', "
                "params={'name': 'flavour', 'value': 'vanilla', 'max_age': 2592000, 'httponly': 1, 'secure': 1})",
                "never sends it back over plain http",
            ),
            WrongAnswer(
                _PLAIN + "keeper.get('/cookies/set/', params={'name': 'flavour', 'value': 'vanilla', "
                "'max_age': 2592000, 'httponly': 1, 'samesite': 'None'})",
                "a browser would not",
            ),
            WrongAnswer(
                _PLAIN + "keeper.get('/cookies/set/', params={'name': 'flavour', 'value': 'vanilla', "
                "'max_age': 2592000, 'httponly': 1, 'path': '/cookies'})",
                "holds 2 flavour cookies",
            ),
            WrongAnswer(
                "keeper = site.client()\nkeeper.get('/cookies/set/', "
                "params={'name': 'flavour', 'value': 'vanilla', 'max_age': 2592000, 'httponly': 1})\n"
                "keeper.get('/cookies/plain/')",
                "the last Set-Cookie wins",
            ),
            WrongAnswer(
                "import time\n"
                + _PLAIN
                + "keeper.cookies.set('flavour', 'vanilla', domain='127.0.0.1', path='/', "
                "expires=int(time.time()) + 2592000, rest={'HttpOnly': None})",
                "the jar was changed by hand",
            ),
            WrongAnswer(
                _PLAIN + "keeper.get('/cookies/set/', "
                "params={'name': 'flavour', 'value': 'vanilla', 'max_age': 2592000})\n"
                "for cookie in keeper.cookies:\n    cookie._rest['HttpOnly'] = None  # HttpOnly, by hand",
                "the jar was changed by hand",
            ),
            WrongAnswer(
                "keeper = site.client()\nkeeper.get('/cookies/set/', "
                "params={'name': 'flavour', 'value': 'vanilla', 'max_age': 2592000, 'httponly': 1})",
                "never let /cookies/plain/ set flavour",
            ),
        ],
    ),
)


# -- q2 · a cookie for the cart page only (FixTheView) -------------------------------

_CART_PAGE = f"{SHOP}/cart/"


def _why_refused(parsed, header: str) -> str:
    """The real reason the client (or a browser) refused the cookie ``header``."""
    if parsed.ignored:
        return f"a client ignores this header entirely: {parsed.ignored}"
    if parsed.domain:
        return (
            f"Domain={parsed.domain} does not cover 127.0.0.1, the host that sent it (a host may only name "
            "itself or a parent domain). Leave domain unset for a host-only cookie"
        )
    if parsed.deletes:
        return "it expires on arrival (Max-Age=0 or an Expires in the past), so the client deleted it at once"
    return f"explain_set_cookie({header!r}) says more"


def _drive_cart(attempt: Attempt) -> str:
    client = attempt.client
    response = client.get(attempt.prefix)
    if response.status_code != 200:
        raise Incorrect(
            f"Your view answered {response.status_code}; it should answer 200 and set the cookie."
        )
    headers = set_cookie_headers(response, "cart")
    if not headers:
        raise Incorrect(
            "Your view's response set no `cart` cookie: call response.set_cookie('cart', 'apple', ...) "
            "on the response before returning it."
        )
    parsed = explain_set_cookie(headers[-1])
    raw_path = next((raw for label, raw, _ in parsed.attributes if label == "Path"), None)
    if parsed.path is None and raw_path is not None:
        raise Incorrect(
            f"Your cookie has Path={raw_path}, which does not start with '/': clients ignore it and use "
            f"the directory of the URL that set the cookie instead. Write the full path, {SHOP}/cart."
        )
    if parsed.secure:
        raise Incorrect(
            "Your cookie is Secure: requests stores it but never sends it over plain http, so no shop page "
            "gets it. Leave secure off for this http-only demo site."
        )
    if find_cookie(client, "cart") is None:
        raise Incorrect(
            f"The client refused your cookie ({headers[-1]}): {_why_refused(parsed, headers[-1])}."
        )
    refused = [w for w in parsed.warnings if "reject" in w or "drop" in w]
    if refused:
        fix = " Use samesite='Lax', or leave samesite out." if "SameSite=None" in refused[0] else ""
        raise Incorrect(
            f"requests kept your cookie ({headers[-1]}), but a browser would not: {refused[0]} "
            f"(section 6).{fix}"
        )
    if parsed.value != "apple":
        raise Incorrect(f"Your cookie's value is {parsed.value!r}; the cart should hold 'apple'.")
    sent = {page: client.get(page).request.headers.get("Cookie") or "" for page in (f"{SHOP}/", _CART_PAGE)}
    sent["/cookies/shopping/"] = client.get("/cookies/shopping/").request.headers.get("Cookie") or ""
    reached = {page for page, header in sent.items() if "cart=" in header}
    if "/cookies/shopping/" in reached:
        raise Incorrect(
            f"Your cookie has Path={parsed.path}: it reached /cookies/shopping/ too. Give set_cookie a path "
            "that covers the cart page only."
        )
    if f"{SHOP}/" in reached:
        raise Incorrect(
            f"Your cookie has Path={parsed.path}: it reached the shop's front page {SHOP}/ too, because "
            f"{SHOP}/ lies under it. Scope it to the cart page: {SHOP}/cart."
        )
    if _CART_PAGE not in reached:
        raise Incorrect(
            f"Your cookie has Path={parsed.path}, so it does not reach {_CART_PAGE}. A path matches whole "
            f"segments: {_CART_PAGE} lies under {SHOP}/cart, not under {parsed.path}."
        )
    return f"With Path={parsed.path} it reached {_CART_PAGE} only, not {SHOP}/ nor /cookies/shopping/."


def _cart_view(call: str) -> str:
    return (
        "def cart_view(request):\n"
        "    response = HttpResponse('An apple is in your cart.')\n"
        f"    response.set_cookie({call})\n"
        "    return response"
    )


q2 = LESSON.add(
    "q2",
    FixTheView(
        title="A cookie for the cart page only",
        variables=["cart_view"],
        drive=_drive_cart,
        hints=[
            "set_cookie has a path parameter; a cookie reaches the pages at its path and below it.",
            f"Which path covers {SHOP}/cart/, but neither {SHOP}/ nor /cookies/shopping/?",
            f"response.set_cookie('cart', 'apple', path='{SHOP}/cart', httponly=True, samesite='Lax')",
        ],
        solution=f"""
            def cart_view(request):
                response = HttpResponse("An apple is in your cart.")
                response.set_cookie("cart", "apple", path="{SHOP}/cart", httponly=True, samesite="Lax")
                return response
        """,
        why=f"Path={SHOP}/cart matches {SHOP}/cart itself and every path below it ({_CART_PAGE}), but not "
        f"{SHOP}/, which is above it, nor /cookies/shopping/.",
        wrong_answers=[
            WrongAnswer(
                _cart_view(f"'cart', 'apple', path='{SHOP}', httponly=True"), "reached the shop's front page"
            ),
            WrongAnswer(_cart_view("'cart', 'apple', httponly=True"), "reached /cookies/shopping/ too"),
            WrongAnswer(
                _cart_view(f"'cart', 'apple', path='{SHOP}/c'"), "does not reach /cookies/shop/cart/"
            ),
            WrongAnswer(_cart_view(f"'cart', 'apple', path='{SHOP}/cart', secure=True"), "never sends it"),
            WrongAnswer(
                _cart_view(f"'cart', 'apple', path='{SHOP}/cart', samesite='None'"), "a browser would not"
            ),
            WrongAnswer(_cart_view(f"'cart', 'pear', path='{SHOP}/cart'"), "the cart should hold 'apple'"),
            WrongAnswer(
                _cart_view(f"'cart', 'apple', path='{SHOP}/cart', domain='shop.test'"), "does not cover"
            ),
            WrongAnswer(_cart_view("'cart', 'apple', path='cookies/shop/cart'"), "does not start with '/'"),
            WrongAnswer(_cart_view(f"'basket', 'apple', path='{SHOP}/cart'"), "set no `cart` cookie"),
        ],
    ),
)


# -- q3 · deleting the shop's cart, and only it (FixTheView) -------------------------


def _drive_forget(attempt: Attempt) -> str:
    client = attempt.client
    client.get(f"{SHOP}/add/")  # the real shop sets cart=apple with Path=/cookies/shop
    client.get("/cookies/set/", params={"name": "cart", "value": "pear"})  # and the lab cart=pear at Path=/
    assert find_cookie(client, "cart", path=SHOP) and find_cookie(client, "cart", path="/"), "no two carts"
    response = client.get(attempt.prefix)
    if response.status_code != 200:
        raise Incorrect(f"Your view answered {response.status_code}; it should answer 200.")
    headers = set_cookie_headers(response, "cart")
    shop_cart, other_cart = find_cookie(client, "cart", path=SHOP), find_cookie(client, "cart", path="/")
    shop_page = client.get(f"{SHOP}/cart/").request.headers.get("Cookie") or ""
    if not shop_cart and "cart=apple" not in shop_page:
        if other_cart is None or other_cart.value != "pear":
            raise Incorrect(
                "The shop's cart is gone, but so is the other one (Path=/): the task was the shop's only."
            )
        return "The shop's cart (Path=/cookies/shop) is gone; the other cart (Path=/) is still there."
    if not headers:
        raise Incorrect(
            "Your view sent no Set-Cookie for `cart`, so the client kept it. Call "
            "response.delete_cookie(...) on the response you return."
        )
    parsed = explain_set_cookie(headers[-1])
    if not parsed.deletes:
        raise Incorrect(
            f"Your view sent {headers[-1]!r}: that overwrites a cookie with a new value instead of "
            "deleting it, and the client keeps it. delete_cookie() sends Max-Age=0 and an expiry in 1970."
        )
    if parsed.domain:
        raise Incorrect(
            f"Your delete_cookie names Domain={parsed.domain}, but the shop's cart is host-only (set without "
            "a domain): a delete must name the same domain as the cookie, here none."
        )
    if parsed.path == "/" and other_cart is None:
        raise Incorrect(
            f"Your delete_cookie wrote Path=/: it deleted the other cart (the lab's pear, at Path=/), and "
            f"the shop's cart at Path={SHOP} is still there. A delete hits the one cookie with the same name, "
            "domain and path, exactly. (A response holds one Set-Cookie per name: a second set_cookie or "
            "delete_cookie of 'cart' in the same response replaces the first.)"
        )
    raise Incorrect(
        f"Your delete_cookie wrote Path={parsed.path} but the shop's cart lives at Path={SHOP}: "
        "a cookie is only replaced or deleted by one with the same name, domain and path, exactly. "
        f"The client deleted nothing, and {SHOP}/cart/ still receives the shop's cart."
    )


def _forget(body: str) -> str:
    return (
        "def forget_cart(request):\n    response = HttpResponse('Your cart is empty.')\n"
        + body
        + "    return response"
    )


q3 = LESSON.add(
    "q3",
    FixTheView(
        title="Empty the shop's cart, and only it",
        variables=["forget_cart"],
        drive=_drive_forget,
        hints=[
            "response.delete_cookie(key, path=..., domain=..., samesite=...) sends a Set-Cookie that expires "
            "one cookie at once: the one with that name, domain and path.",
            "The two carts differ only by their path. Which path did /cookies/shop/add/ set its cart with?",
            f"response.delete_cookie('cart', path='{SHOP}')",
        ],
        solution=f"""
            def forget_cart(request):
                response = HttpResponse("Your cart is empty.")
                response.delete_cookie("cart", path="{SHOP}")
                return response
        """,
        why=f"delete_cookie('cart', path='{SHOP}') sends cart=\"\" with Max-Age=0, an Expires in 1970 and the "
        "shop's path, so the client removes that very cookie and keeps the cart at Path=/.",
        wrong_answers=[
            WrongAnswer(_forget("    response.delete_cookie('cart')\n"), "it deleted the other cart"),
            WrongAnswer(
                _forget(f"    response.delete_cookie('cart', path='{SHOP}/')\n"),
                f"wrote Path={SHOP}/ but the shop's cart lives at Path={SHOP}",
            ),
            WrongAnswer(
                _forget(f"    response.delete_cookie('cart', path='{SHOP}', domain='127.0.0.1')\n"),
                "names Domain=127.0.0.1",
            ),
            WrongAnswer(
                _forget(f"    response.set_cookie('cart', '', path='{SHOP}')\n"), "overwrites a cookie"
            ),
            WrongAnswer(
                "def forget_cart(request):\n"
                "    request.COOKIES.pop('cart', None)\n"
                "    return HttpResponse('Your cart is empty.')",
                "sent no Set-Cookie",
            ),
        ],
    ),
)


# -- q4 · what comes back (Prediction) ------------------------------------------------


def _set_flavour(request):
    response = HttpResponse("flavour set\n", content_type="text/plain")
    response.set_cookie("flavour", "chocolate chip")
    return response


def _read_flavour(request):
    return HttpResponse(request.COOKIES.get("flavour", "(no flavour)"), content_type="text/plain")


def _round_trip(attempt: Attempt) -> str:
    """Serve the two views of the question (not an echo page: its HttpOnly hiding must not matter)."""
    with serve_view({"": _set_flavour, "read/": _read_flavour}) as served, attempt.site.client() as client:
        client.get(served.path)
        return client.get(served.path_of("read/")).text


q4 = LESSON.add(
    "q4",
    Prediction(
        title="Predict: a value with a space",
        variables=["prediction"],
        choices=("chocolate chip", '"chocolate chip"', "chocolate", "chocolate%20chip"),
        experiment=_round_trip,
        explain='Django sent flavour="chocolate chip" (a space needs quotes); the jar kept the quotes and sent '
        "them back; Django's cookie parser removed them, so the view reads the value it set.",
        hints=[
            "A space is not allowed in a cookie value. Django does not refuse it: what must it do to send it?",
            'Django quotes the value when it writes it (flavour="chocolate chip"), and unquotes it when it '
            "reads it.",
        ],
        solution="prediction = 'chocolate chip'",
        why="Quoting is symmetrical on the Django side: set_cookie quotes, request.COOKIES unquotes.",
        wrong_answers=[
            WrongAnswer("prediction = '\"chocolate chip\"'", "the experiment gave 'chocolate chip'"),
            WrongAnswer("prediction = 'chocolate'", "the experiment gave 'chocolate chip'"),
            WrongAnswer("prediction = 'chocolate-chip'", "not one of the choices"),
        ],
    ),
)
