"""Exercises of lesson 02 · Cookies in Django."""

from __future__ import annotations

import time

from course_helpers.cookies import explain_set_cookie, find_cookie
from course_helpers.display import describe_age
from course_helpers.exchange import set_cookie_headers
from course_helpers.exercises.answer_types import CLIENT
from course_helpers.exercises.core import Attempt, Incorrect, Lesson, WrongAnswer
from course_helpers.exercises.kinds import FixTheView, HttpTask, Prediction

LESSON = Lesson("02", "Cookies in Django")

#: Where the demo site's shop lives (demo_site.cookies.views.SHOP_PATH).
SHOP = "/cookies/shop"
THIRTY_DAYS = 30 * 86400


# -- q1 · a cookie that lasts 30 days (HttpTask) -------------------------------------


def _inspect_remember(attempt: Attempt) -> str:
    client = attempt["keeper"]
    cookie = find_cookie(client, "remember")
    if cookie is None:
        raise Incorrect(
            "keeper's jar has no `remember` cookie. Ask the lab for one with keeper itself: "
            "keeper.get('/cookies/set/', params={'name': 'remember', 'value': 'me', ...})."
        )
    if cookie.expires is None:
        raise Incorrect(
            "Your `remember` cookie is a session cookie (no Max-Age, no Expires): a browser forgets it "
            "when it closes. Add max_age, in seconds."
        )
    lifetime = cookie.expires - int(time.time())  # the jar counts from a whole second, too
    if abs(lifetime - THIRTY_DAYS) > 120:
        if lifetime <= 0:
            raise Incorrect("Your `remember` cookie has already expired; give it a positive max_age.")
        lasts = describe_age(lifetime).removeprefix("in ")
        if not lasts.endswith(("second", "seconds")):
            lasts += f" ({lifetime:.0f} s)"
        extra = " max_age counts seconds, so 30 days is 30 * 24 * 3600." if lifetime < THIRTY_DAYS else ""
        raise Incorrect(f"Your `remember` cookie lasts {lasts}, not 30 days.{extra}")
    if not cookie.has_nonstandard_attr("HttpOnly"):
        raise Incorrect(
            "Your cookie lasts 30 days but is not HttpOnly: any script on the page could read it. "
            "Add httponly=1 to the lab's parameters."
        )
    return "Its jar entry expires in 30 days and carries HttpOnly."


q1 = LESSON.add(
    "q1",
    HttpTask(
        title="A cookie that lasts 30 days",
        variables={"keeper": CLIENT},
        inspect=_inspect_remember,
        hints=[
            "Make a client (keeper = site.client()) and send one request to the lab, /cookies/set/, with it.",
            "The lab reads name, value, max_age and httponly from the query string: "
            "params={'name': 'remember', 'value': 'me', 'max_age': ..., 'httponly': 1}.",
            "max_age is in seconds: 30 days is 30 * 24 * 3600 = 2592000.",
        ],
        solution="""
            keeper = site.client()
            keeper.get(
                "/cookies/set/",
                params={"name": "remember", "value": "me", "max_age": 30 * 24 * 3600, "httponly": 1},
            )
        """,
        why="The lab called set_cookie('remember', 'me', max_age=2592000, httponly=True); Django sent "
        "Max-Age=2592000 (and a matching Expires), and the jar counts 30 days from now.",
        wrong_answers=[
            WrongAnswer(
                "keeper = site.client()\n"
                "keeper.get('/cookies/set/', params={'name': 'remember', 'value': 'me', 'httponly': 1})",
                "session cookie",
            ),
            WrongAnswer(
                "keeper = site.client()\nkeeper.get('/cookies/set/', "
                "params={'name': 'remember', 'value': 'me', 'max_age': 30, 'httponly': 1})",
                "max_age counts seconds",
            ),
            WrongAnswer(
                "keeper = site.client()\nkeeper.get('/cookies/set/', "
                "params={'name': 'remember', 'value': 'me', 'max_age': 2592000})",
                "not HttpOnly",
            ),
            WrongAnswer(
                "keeper = site.client()\nkeeper.get('/cookies/set/', "
                "params={'name': 'remembered', 'value': 'me', 'max_age': 2592000, 'httponly': 1})",
                "no `remember` cookie",
            ),
        ],
    ),
)


# -- q2 · the shop's cookie (FixTheView) ---------------------------------------------


def _drive_shop(attempt: Attempt) -> str:
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
    path = parsed.path
    raw_path = next((raw for label, raw, _ in parsed.attributes if label == "Path"), None)
    if path is None and raw_path is not None:
        raise Incorrect(
            f"Your cookie has Path={raw_path}, which does not start with '/': clients ignore it and use "
            "the directory of the URL that set the cookie instead. Write the full path, /cookies/shop."
        )
    if parsed.secure:
        raise Incorrect(
            "Your cookie is Secure: requests stores it but never sends it over plain http, so no shop page "
            "gets it. Leave secure off for this http-only demo site."
        )
    if find_cookie(client, "cart") is None:
        raise Incorrect(
            f"The client refused your cookie ({headers[-1]}). Check its Domain: leave domain unset "
            "for a host-only cookie."
        )
    reached = {page: "cart" in client.get(page).json()["cookies"] for page in (f"{SHOP}/", f"{SHOP}/cart/")}
    shopping = "cart" in client.get("/cookies/shopping/").json()["cookies"]
    if shopping:
        raise Incorrect(
            f"Your cookie has Path={path} but the shop is under {SHOP}/: it also reached "
            "/cookies/shopping/. Give set_cookie a path that covers the shop only."
        )
    if not reached[f"{SHOP}/cart/"]:
        raise Incorrect(
            f"Your cookie has Path={path}, so it does not reach {SHOP}/cart/. "
            f"A path matches whole segments: {SHOP}/cart/ is under {SHOP}, not under {path}."
        )
    if not reached[f"{SHOP}/"]:
        raise Incorrect(
            f"Your cookie has Path={path}: the cart page gets it, but the shop's front page {SHOP}/ "
            f"does not. Scope it to the whole shop, {SHOP}."
        )
    return f"With Path={path} it reached {SHOP}/ and {SHOP}/cart/ but not /cookies/shopping/."


q2 = LESSON.add(
    "q2",
    FixTheView(
        title="The shop's cookie stays in the shop",
        variables=["shop_view"],
        drive=_drive_shop,
        hints=[
            "set_cookie has a path parameter; its default, '/', sends the cookie to every page of the site.",
            "The shop's pages are /cookies/shop/ and /cookies/shop/cart/. Which path covers both, but not "
            "/cookies/shopping/?",
            "response.set_cookie('cart', 'apple', path='/cookies/shop', httponly=True, samesite='Lax')",
        ],
        solution="""
            def shop_view(request):
                response = HttpResponse("An apple is in your cart.")
                response.set_cookie("cart", "apple", path="/cookies/shop", httponly=True, samesite="Lax")
                return response
        """,
        why="Path=/cookies/shop matches /cookies/shop itself and every path below it (/cookies/shop/, "
        "/cookies/shop/cart/), but not /cookies/shopping/: a path prefix must end at a '/'.",
        wrong_answers=[
            WrongAnswer(
                "def shop_view(request):\n"
                "    response = HttpResponse('An apple is in your cart.')\n"
                "    response.set_cookie('cart', 'apple', httponly=True, samesite='Lax')\n"
                "    return response",
                "has Path=/ but the shop is under /cookies/shop/",
            ),
            WrongAnswer(
                "def shop_view(request):\n"
                "    response = HttpResponse('An apple is in your cart.')\n"
                "    response.set_cookie('cart', 'apple', path='/cookies/shop/cart', httponly=True)\n"
                "    return response",
                "front page /cookies/shop/ does not",
            ),
            WrongAnswer(
                "def shop_view(request):\n"
                "    response = HttpResponse('An apple is in your cart.')\n"
                "    response.set_cookie('cart', 'apple', path='/cookies/shop', secure=True)\n"
                "    return response",
                "never sends it over plain http",
            ),
            WrongAnswer(
                "def shop_view(request):\n"
                "    response = HttpResponse('An apple is in your cart.')\n"
                "    response.set_cookie('cart', 'apple', path='cookies/shop')\n"
                "    return response",
                "does not start with '/'",
            ),
            WrongAnswer(
                "def shop_view(request):\n"
                "    response = HttpResponse('An apple is in your cart.')\n"
                "    response.set_cookie('basket', 'apple', path='/cookies/shop')\n"
                "    return response",
                "set no `cart` cookie",
            ),
        ],
    ),
)


# -- q3 · deleting the shop's cookie (FixTheView) --------------------------------------


def _drive_forget(attempt: Attempt) -> str:
    client = attempt.client
    client.get(f"{SHOP}/add/")  # the real shop sets cart=apple with Path=/cookies/shop
    assert find_cookie(client, "cart") is not None, "the shop did not set its cookie"
    response = client.get(attempt.prefix)
    if response.status_code != 200:
        raise Incorrect(f"Your view answered {response.status_code}; it should answer 200.")
    headers = set_cookie_headers(response, "cart")
    left = find_cookie(client, "cart")
    still_sent = "cart" in client.get(f"{SHOP}/cart/").json()["cookies"]
    if not left and not still_sent:
        return "The jar no longer holds cart, and /cookies/shop/cart/ no longer receives it."
    if not headers:
        raise Incorrect(
            "Your view sent no Set-Cookie for `cart`, so the client kept it. Call "
            "response.delete_cookie(...) on the response you return."
        )
    parsed = explain_set_cookie(headers[-1])
    if not parsed.deletes:
        raise Incorrect(
            f"Your view sent {headers[-1]!r}: that overwrites the cookie with a new value instead of "
            "deleting it, and the client keeps it. delete_cookie() sends Max-Age=0 and an expiry in 1970."
        )
    raise Incorrect(
        f"Your delete_cookie wrote Path={parsed.path} but the cart cookie lives at Path={SHOP}: "
        "a cookie is only replaced or deleted by one with the same name, domain and path, exactly. "
        f"The client deleted nothing, and {SHOP}/cart/ still receives cart."
    )


q3 = LESSON.add(
    "q3",
    FixTheView(
        title="Empty the cart",
        variables=["forget_cart"],
        drive=_drive_forget,
        hints=[
            "response.delete_cookie(key, path=..., domain=..., samesite=...) sends a Set-Cookie that expires the "
            "cookie at once.",
            "Deleting only works when path (and domain) are exactly those the cookie was set with. How did "
            "/cookies/shop/add/ set it?",
            "response.delete_cookie('cart', path='/cookies/shop')",
        ],
        solution="""
            def forget_cart(request):
                response = HttpResponse("Your cart is empty.")
                response.delete_cookie("cart", path="/cookies/shop")
                return response
        """,
        why="delete_cookie('cart', path='/cookies/shop') sends cart=\"\" with Max-Age=0, an Expires in 1970 "
        "and the same path as the cookie, so the client removes that very cookie.",
        wrong_answers=[
            WrongAnswer(
                "def forget_cart(request):\n"
                "    response = HttpResponse('Your cart is empty.')\n"
                "    response.delete_cookie('cart')\n"
                "    return response",
                "wrote Path=/ but the cart cookie lives at Path=/cookies/shop",
            ),
            WrongAnswer(
                "def forget_cart(request):\n"
                "    response = HttpResponse('Your cart is empty.')\n"
                "    response.delete_cookie('cart', path='/cookies/shop/')\n"
                "    return response",
                "wrote Path=/cookies/shop/ but the cart cookie lives at Path=/cookies/shop",
            ),
            WrongAnswer(
                "def forget_cart(request):\n"
                "    response = HttpResponse('Your cart is empty.')\n"
                "    response.set_cookie('cart', '', path='/cookies/shop')\n"
                "    return response",
                "overwrites the cookie",
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


def _round_trip(attempt: Attempt) -> str:
    with attempt.site.client() as client:
        client.get("/cookies/set/", params={"name": "flavour", "value": "chocolate chip"})
        return client.get("/cookies/read/", params={"name": "flavour"}).json()["value"]


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
            "Look at the table above: which column is request.COOKIES?",
            "Django quotes the value when it writes it, and unquotes it when it reads it.",
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
