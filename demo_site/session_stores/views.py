"""Lesson 09's views: the same small cart, whatever ``SESSION_ENGINE`` keeps it in.

Every view answers JSON for the notebook, and says which engine served it.
Writes are POSTs, CSRF-protected like any form of the site;
``/session-stores/`` gives a client its CSRF cookie. No view shows the session
key: the cookie is HttpOnly, and the key is the secret that makes a request yours.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

#: Items a cart holds at most, and the longest item name (a POST can't grow a session without limit).
MAX_CART = 20
MAX_ITEM = 40
#: The longest note: enough to push a signed_cookies session past a browser's 4096-byte cookie limit.
MAX_NOTE = 8000


def _engine() -> str:
    """The short name of the session engine in use: ``db``, ``cache``, ``signed_cookies``..."""
    return settings.SESSION_ENGINE.rsplit(".", 1)[-1]


def _refuse(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message, "engine": _engine()}, status=status)


@never_cache
@require_safe
def show(request):
    """Show, as JSON, the session engine in use and what your session holds: cart, note length, hits, user."""
    if settings.CSRF_COOKIE_NAME not in request.COOKIES:
        get_token(request)  # a client's first visit gets the CSRF cookie its POSTs will need, once
    session = request.session
    cart = session.get("cart", [])
    user = request.user
    return JsonResponse(
        {
            "engine": _engine(),
            "cart": cart if isinstance(cart, list) else [],
            "note_length": len(str(session.get("note", ""))),
            "hits": session.get("hits", 0),
            "user": user.get_username() if user.is_authenticated else None,
        }
    )


@never_cache
@require_POST
def add_to_cart(request):
    """Add the form field item (a short name) to the cart in your session, and show the cart."""
    item = request.POST.get("item", "").strip()
    if not item or len(item) > MAX_ITEM or not item.isprintable():
        return _refuse(f"Send item=<a name of 1 to {MAX_ITEM} printable characters>, e.g. item=tea.")
    cart = request.session.get("cart", [])
    if not isinstance(cart, list):
        cart = []
    if len(cart) >= MAX_CART:
        return _refuse(f"The cart is full ({MAX_CART} items).", status=409)
    request.session["cart"] = [*cart, item]
    return JsonResponse({"engine": _engine(), "cart": request.session["cart"]})


@never_cache
@require_POST
def write_note(request):
    """Keep the form field note (up to 8000 characters) in your session: a way to make a session big."""
    note = request.POST.get("note", "")
    if len(note) > MAX_NOTE:
        return _refuse(f"A note is at most {MAX_NOTE} characters.")
    request.session["note"] = note
    return JsonResponse({"engine": _engine(), "note_length": len(note)})


@never_cache
@require_POST
def touch(request):
    """Count this request in your session (hits += 1): one session write, to time each engine."""
    hits = request.session.get("hits", 0)
    request.session["hits"] = (hits if isinstance(hits, int) else 0) + 1
    return JsonResponse({"engine": _engine(), "hits": request.session["hits"]})
