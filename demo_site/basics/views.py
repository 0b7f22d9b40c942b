"""The first views a learner meets: counters that need state, and an echo of the request."""

import re
import threading

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_safe

from demo_site.httponly import visible_cookies
from demo_site.routers import current_alias

#: Headers the echo view reports (what a lesson needs to see; HttpOnly cookies' values are hidden).
ECHOED_HEADERS = ("Host", "User-Agent", "Accept", "Cookie", "Referer", "Origin", "Authorization")


def _count_from(raw: str | None) -> int:
    """Read a visit count from a cookie; anything that is not a small whole number counts as 0."""
    if raw is not None and raw.isascii() and raw.isdigit() and len(raw) <= 9:
        return int(raw)
    return 0


@require_safe
def cookie_counter(request):
    """Count your visits in a cookie named visits: without a cookie jar, every visit is the first."""
    visits = _count_from(request.COOKIES.get("visits")) + 1
    response = HttpResponse(
        f"You have visited this page {visits} time{'s' if visits != 1 else ''}.\n",
        content_type="text/plain; charset=utf-8",
    )
    response.set_cookie("visits", str(visits), httponly=True, samesite="Lax")
    return response


@require_safe
def session_counter(request):
    """Count your visits in the session: the count lives in the server's session store."""
    visits = request.session.get("visits", 0)
    if not isinstance(visits, int):
        visits = 0
    visits += 1
    request.session["visits"] = visits
    return HttpResponse(
        f"You have visited this page {visits} time{'s' if visits != 1 else ''} in this session.\n",
        content_type="text/plain; charset=utf-8",
    )


@require_safe
def echo(request):
    """Show, as JSON, what the server received: method, path, the cookies it parsed and some headers.

    The values of HttpOnly cookies are hidden (``demo_site.httponly``): a page script could read them here.
    """
    cookies, cookie_header = visible_cookies(request)
    headers = {h: request.headers[h] for h in ECHOED_HEADERS if h in request.headers}
    if cookie_header is not None:
        headers["Cookie"] = cookie_header
    return JsonResponse(
        {"method": request.method, "path": request.get_full_path(), "cookies": cookies, "headers": headers}
    )


def _plain(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def _times(n: int) -> str:
    return f"{n} time{'s' if n != 1 else ''}"


@require_safe
def forgetful_counter(request):
    """Try to count your visits with nothing but the request: every visit is the first."""
    visits = 0  # a view starts afresh for every request: nothing survives from the last one
    visits += 1
    return _plain(f"You have visited this page {_times(visits)}.\n")


# Visits to /everyone/counter/, per running site (each embedded site has its own database alias).
_everyone_visits: dict[str | None, int] = {}
_everyone_lock = threading.Lock()


@require_safe
def everyone_counter(request):
    """Count every visit by anyone in the server's memory: it remembers, but cannot tell visitors apart."""
    with _everyone_lock:
        site = current_alias.get()
        _everyone_visits[site] = _everyone_visits.get(site, 0) + 1
        visits = _everyone_visits[site]
    return _plain(f"This page has been visited {_times(visits)}, by everyone together.\n")


#: What the hello page accepts as a name (and reads from the name cookie).
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,30}")


@require_safe
def hello(request):
    """Greet you by the name in the name cookie; /hello/?name=Ada sets it."""
    if "name" in request.GET:
        name = request.GET["name"]
        if not NAME_PATTERN.fullmatch(name):
            return HttpResponseBadRequest(
                "A name is 1 to 30 letters, digits, '-' or '_', e.g. /hello/?name=Ada\n",
                content_type="text/plain; charset=utf-8",
            )
        response = _plain(f"Nice to meet you, {name}! I will remember your name (in a cookie).\n")
        response.set_cookie("name", name, httponly=True, samesite="Lax")
        return response
    name = request.COOKIES.get("name")
    if name is not None and NAME_PATTERN.fullmatch(name):
        return _plain(f"Hello again, {name}!\n")
    return _plain("Hello, stranger! Tell me your name: /hello/?name=Ada\n")


@require_safe
def shop(request, aisle: str = ""):
    """Count visits to the shop in a cookie sent only under /shop/ (Path=/shop/)."""
    visits = _count_from(request.COOKIES.get("shop_visits")) + 1
    where = f"the {aisle} aisle of the shop" if aisle else "the shop"
    response = _plain(f"Welcome to {where}: visit {visits} to the shop.\n")
    response.set_cookie("shop_visits", str(visits), path="/shop/", httponly=True, samesite="Lax")
    return response
