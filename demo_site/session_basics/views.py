"""Lesson 05's views: what ``request.session`` stores, when Django saves it, and what JSON can hold.

Every view answers JSON for the notebook. Writes are POSTs, CSRF-protected
like any form of the site; ``/session-basics/`` gives a client its CSRF cookie.
None of them shows the session key itself: the cookie is HttpOnly, and the key
is the secret that makes a request yours.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

#: Form fields ``remember`` stores: a few short names, never one of Django's own (``_auth_user_id``...).
MAX_FIELDS = 5
MAX_NAME = 30
MAX_VALUE = 2000
#: Items a cart holds at most (a POST can't grow a session without limit).
MAX_CART = 20


def _yours(session) -> dict:
    """The session's data without Django's own keys (those beginning with ``_``)."""
    return {key: value for key, value in session.items() if not key.startswith("_")}


def _refuse(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@never_cache
@require_safe
def show(request):
    """Show, as JSON, what your session holds (Django's own _keys by name only) and each value's Python repr."""
    if settings.CSRF_COOKIE_NAME not in request.COOKIES:
        get_token(request)  # a client's first visit gets the CSRF cookie its POSTs will need, once
    session = request.session
    data = _yours(session)
    return JsonResponse(
        {
            "has_session_cookie": request.COOKIES.get("sessionid") is not None,
            "data": data,
            "python": {key: repr(value) for key, value in data.items()},
            "django_keys": sorted(key for key in session.keys() if key.startswith("_")),
        }
    )


@never_cache
@require_POST
def remember(request):
    """Store each form field in your session (request.session[name] = value); names starting with _ are refused."""
    fields = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    if not fields or len(fields) > MAX_FIELDS:
        return _refuse(f"Send 1 to {MAX_FIELDS} form fields, e.g. colour=blue.")
    for name, value in fields.items():
        if name.startswith("_"):
            return _refuse(f"{name!r}: keys beginning with '_' belong to Django (e.g. _auth_user_id).")
        if not name.isidentifier() or len(name) > MAX_NAME or len(value) > MAX_VALUE:
            return _refuse(
                f"A name is a short identifier (colour, size) and a value at most {MAX_VALUE} chars."
            )
    for name, value in fields.items():
        request.session[name] = value
    return JsonResponse({"stored": sorted(fields), "data": _yours(request.session)})


@never_cache
@require_POST
def dict_api(request):
    """Run the dict API on your session (update, in, get, setdefault, pop, keys, items) and report each result."""
    session = request.session
    steps = []

    def step(expression: str, result) -> None:
        steps.append([expression, repr(result)])

    session.update({"colour": "blue", "size": "M"})
    step("session.update({'colour': 'blue', 'size': 'M'})", None)
    step("'colour' in session", "colour" in session)
    step("session['colour']", session["colour"])
    step("session.get('shoe', 'none')", session.get("shoe", "none"))
    step("session.setdefault('theme', 'dark')", session.setdefault("theme", "dark"))
    step("session.setdefault('theme', 'light')", session.setdefault("theme", "light"))
    step("session.pop('size')", session.pop("size"))
    step("session.pop('size', 'gone')", session.pop("size", "gone"))
    step("sorted(session.keys())", sorted(session.keys()))
    step("sorted((k, v) for k, v in session.items() if k[0] != '_')", sorted(_yours(session).items()))
    return JsonResponse({"steps": steps})


def _item(request) -> str | None:
    item = request.POST.get("item", "")
    return item if item.isidentifier() and len(item) <= MAX_NAME else None


def _add_to_cart(request, *, mark_modified: bool) -> JsonResponse:
    item = _item(request)
    if item is None:
        return _refuse("Send item=<a short name>, e.g. item=apple.")
    cart = request.session.setdefault("cart", [])
    if not isinstance(cart, list):
        cart = request.session["cart"] = []
    if len(cart) >= MAX_CART:
        return _refuse(f"The cart is full ({MAX_CART} items).")
    cart.append(item)
    if mark_modified:
        request.session.modified = True
    return JsonResponse({"cart_in_this_request": list(cart), "modified": request.session.modified})


@never_cache
@require_POST
def cart_unsaved(request):
    """Add item to the session's cart list by mutating it in place: from the 2nd item on, Django never saves it."""
    return _add_to_cart(request, mark_modified=False)


@never_cache
@require_POST
def cart_saved(request):
    """Add item to the session's cart list, then set request.session.modified = True so that Django saves it."""
    return _add_to_cart(request, mark_modified=True)


@never_cache
@require_POST
def scores(request):
    """Store a dict with int keys, {1: 'gold', 2: 'silver'}, and show it as it is in this request."""
    request.session["scores"] = {1: "gold", 2: "silver"}
    return JsonResponse({"python": repr(request.session["scores"])})
