"""Cookies in Django (lesson 02): reading, every ``set_cookie`` parameter, deleting, the test cookie.

Each view is small on purpose: the lesson prints a view's source next to the
``Set-Cookie`` header it produces. Views that exist to show one attribute set
exactly that attribute; the others follow the site's secure defaults
(``HttpOnly`` and ``SameSite=Lax``). No input can make a view answer 500: a
bad parameter is a 400 with a sentence saying what is wrong. The lab sets and
deletes any cookie except the site's own session and CSRF cookies, and the pages
that echo cookies hide the values of HttpOnly cookies (see ``demo_site.httponly``).
"""

import datetime as dt
import re
import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from demo_site.httponly import visible_cookies

#: A cookie name Django can send as it is: an RFC 6265 token, without the characters SimpleCookie refuses.
COOKIE_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,64}")
#: A Domain attribute the lab accepts: a host name or an IPv4 address, optionally with a leading dot.
DOMAIN = re.compile(r"\.?[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*")
#: An attribute value (path, expires) the lab passes on: printable ASCII without ';'. Django does not
#: check attributes, and a CR/LF in one would let a visitor add headers of their own to the response.
ATTRIBUTE = re.compile(r"[\x20-\x3a\x3c-\x7e]{1,200}")
#: The largest value ``/cookies/big/`` makes, in bytes: enough to go past the 4096-byte limit.
BIGGEST_COOKIE = 8192
#: Where the shop lives: its cookie is scoped to this path.
SHOP_PATH = "/cookies/shop"


def _cookies_seen(request, page: str) -> JsonResponse:
    """The cookies the server received with ``request``, as JSON, for ``page`` (HttpOnly values hidden)."""
    cookies, header = visible_cookies(request)
    return JsonResponse({"page": page, "path": request.path, "cookies": cookies, "cookie_header": header})


def _refuse_site_cookie(name: str, action: str) -> HttpResponseBadRequest | None:
    """A 400 if ``name`` is the site's own session or CSRF cookie, which the lab never touches.

    The lab answers GET, so a link on any other site could make a visitor's browser call it:
    planting a ``csrftoken`` the attacker knows would defeat CSRF protection, and planting or
    deleting ``sessionid`` would choose or end the visitor's session.
    """
    if name not in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        return None
    return HttpResponseBadRequest(
        f"The lab does not {action} {name}: it is the site's own cookie, and a link on another site could "
        "make your browser call this page. Choose another name.\n",
        content_type="text/plain",
    )


# -- reading -------------------------------------------------------------------


@require_safe
def read(request):
    """Show request.COOKIES as JSON; ?name=k also looks one cookie up with .get() (never a KeyError)."""
    cookies, header = visible_cookies(request)  # HttpOnly cookies' values are hidden
    data = {"cookies": cookies, "cookie_header": header}
    name = request.GET.get("name")
    if name is not None:
        data["name"] = name
        data["value"] = cookies.get(name)  # None when the cookie is missing, never a KeyError
    return JsonResponse(data)


# -- writing: three kinds of response ----------------------------------------------


@require_safe
def plain(request):
    """Set flavour=vanilla with set_cookie's defaults (Path=/ only), to show what Django sends by default."""
    response = HttpResponse("A cookie named flavour, with Django's defaults.\n", content_type="text/plain")
    response.set_cookie("flavour", "vanilla")
    return response


@require_safe
def rendered(request):
    """Set theme=dark on the response that render() returns (a template page)."""
    response = render(request, "cookies/rendered.html", {"theme": "dark"})
    response.set_cookie("theme", "dark", httponly=True, samesite="Lax")
    return response


@require_safe
def redirected(request):
    """Set came_from=redirect on the 302 that redirect() returns, then send the client to /cookies/read/."""
    response = redirect("cookies:read")
    response.set_cookie("came_from", "redirect", httponly=True, samesite="Lax")
    return response


# -- writing: how long a cookie lives ---------------------------------------------


@require_safe
def max_age_seconds(request):
    """Set hour=1 with max_age=3600 (an int: seconds)."""
    response = HttpResponse("hour: max_age=3600\n", content_type="text/plain")
    response.set_cookie("hour", "1", max_age=3600, httponly=True, samesite="Lax")
    return response


@require_safe
def max_age_timedelta(request):
    """Set week=1 with max_age=timedelta(days=7)."""
    response = HttpResponse("week: max_age=timedelta(days=7)\n", content_type="text/plain")
    response.set_cookie("week", "1", max_age=dt.timedelta(days=7), httponly=True, samesite="Lax")
    return response


@require_safe
def expires_datetime(request):
    """Set tomorrow=1 with expires=a datetime one day ahead (Django turns it into Max-Age)."""
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    response = HttpResponse("tomorrow: expires=datetime\n", content_type="text/plain")
    response.set_cookie("tomorrow", "1", expires=tomorrow, httponly=True, samesite="Lax")
    return response


@require_safe
def expires_string(request):
    """Set month=1 with expires=an HTTP date string 30 days ahead (sent as it is, no Max-Age)."""
    in_30_days = http_date(time.time() + 30 * 86400)  # e.g. "Wed, 21 Oct 2026 07:28:00 GMT"
    response = HttpResponse(f"month: expires={in_30_days!r}\n", content_type="text/plain")
    response.set_cookie("month", "1", expires=in_30_days, httponly=True, samesite="Lax")
    return response


@require_safe
def max_age_and_expires(request):
    """Set both=1 with max_age=600 AND an expires string 30 days ahead: Max-Age wins."""
    in_30_days = http_date(time.time() + 30 * 86400)
    response = HttpResponse("both: max_age=600 and expires in 30 days\n", content_type="text/plain")
    response.set_cookie("both", "1", max_age=600, expires=in_30_days, httponly=True, samesite="Lax")
    return response


# -- writing: where a cookie goes ---------------------------------------------------


@require_safe
def shop_add(request):
    """Put cart=apple in a cookie scoped to Path=/cookies/shop (the shop's pages only)."""
    response = HttpResponse("cart=apple, for the shop's pages only.\n", content_type="text/plain")
    response.set_cookie("cart", "apple", path=SHOP_PATH, httponly=True, samesite="Lax")
    return response


@require_safe
def shop(request):
    """The shop's front page: shows the cookies it received (a cookie with Path=/cookies/shop arrives here)."""
    return _cookies_seen(request, "shop")


@require_safe
def shop_cart(request):
    """The shop's cart page: shows the cookies it received (under /cookies/shop/, so the cart cookie arrives)."""
    return _cookies_seen(request, "cart")


@require_safe
def shopping(request):
    """Another section whose path starts with the same letters: shows that Path=/cookies/shop does not reach it."""
    return _cookies_seen(request, "shopping")


@require_safe
def domains(request):
    """Set here_only (host-only) and everywhere (Domain= the host's parent domain, e.g. shop.test for www.shop.test)."""
    host = request.get_host().rsplit(":", 1)[0]
    labels = host.split(".")
    response = HttpResponse(f"Cookies set by {host}.\n", content_type="text/plain")
    response.set_cookie("here_only", "1", httponly=True, samesite="Lax")
    if len(labels) > 2 and not host.replace(".", "").isdigit():
        parent = ".".join(labels[1:])
        response.set_cookie("everywhere", "1", domain=parent, httponly=True, samesite="Lax")
    return response


# -- writing: who may see a cookie ------------------------------------------------


@require_safe
def secure(request):
    """Set secure_pref=1 with secure=True: only ever sent over https (a browser also allows http on localhost)."""
    response = HttpResponse("secure_pref: secure=True\n", content_type="text/plain")
    response.set_cookie("secure_pref", "1", secure=True, httponly=True, samesite="Lax")
    return response


@require_safe
def httponly(request):
    """Set js_hidden (httponly=True) and js_visible (httponly=False): page scripts can read only js_visible."""
    response = HttpResponse(
        "js_hidden: httponly=True; js_visible: httponly=False\n", content_type="text/plain"
    )
    response.set_cookie("js_hidden", "1", httponly=True, samesite="Lax")
    response.set_cookie("js_visible", "1", httponly=False, samesite="Lax")
    return response


@require_safe
def samesite(request):
    """Set ss_strict, ss_lax and ss_none (SameSite=None needs Secure, so it is Secure too)."""
    response = HttpResponse("samesite='Strict', 'Lax' and 'None'\n", content_type="text/plain")
    response.set_cookie("ss_strict", "1", httponly=True, samesite="Strict")
    response.set_cookie("ss_lax", "1", httponly=True, samesite="Lax")
    response.set_cookie("ss_none", "1", httponly=True, samesite="None", secure=True)
    return response


# -- the lab: any parameter from the query string ----------------------------------


def _flag(request, name: str) -> bool:
    return request.GET.get(name, "").lower() in ("1", "true", "yes", "on")


@require_safe
def lab(request):
    """Set any cookie from the query string (name, value, max_age, expires, path, domain, secure, httponly, samesite)."""
    params = request.GET
    name = params.get("name", "")
    if not COOKIE_NAME.fullmatch(name):
        return HttpResponseBadRequest(
            "Give the cookie a name: ?name=... with letters, digits or !#$%&'*+-.^_`|~ (at most 64).\n",
            content_type="text/plain",
        )
    if refusal := _refuse_site_cookie(name, "set"):
        return refusal
    kwargs = {}
    if "max_age" in params:
        raw = params["max_age"]
        if not re.fullmatch(r"-?\d{1,10}", raw):
            return HttpResponseBadRequest(
                f"max_age must be a whole number of seconds, not {raw!r}.\n", content_type="text/plain"
            )
        kwargs["max_age"] = int(raw)
    for attribute in ("expires", "path"):
        if attribute in params:
            if not ATTRIBUTE.fullmatch(params[attribute]):
                return HttpResponseBadRequest(
                    f"{attribute} must be printable ASCII without ';' (at most 200 characters).\n",
                    content_type="text/plain",
                )
            kwargs[attribute] = params[attribute]
    if "domain" in params:
        if not DOMAIN.fullmatch(params["domain"]):
            return HttpResponseBadRequest(
                f"domain must be a host name such as example.test, not {params['domain']!r}.\n",
                content_type="text/plain",
            )
        kwargs["domain"] = params["domain"]
    if "samesite" in params:
        kwargs["samesite"] = params["samesite"]
    response = HttpResponse(f"Set a cookie named {name}.\n", content_type="text/plain")
    try:
        response.set_cookie(
            name,
            params.get("value", ""),
            secure=_flag(request, "secure"),
            httponly=_flag(request, "httponly"),
            **kwargs,
        )
    except ValueError as exc:  # a bad samesite, or a value http.cookies refuses
        return HttpResponseBadRequest(f"Django refused that cookie: {exc}\n", content_type="text/plain")
    # http.cookies escapes Latin-1 characters (é → \351) but lets others through as they are, and a
    # header must be Latin-1: the server would fail while sending it, and the client would wait forever.
    if not response.cookies[name].OutputString().isascii():
        return HttpResponseBadRequest(
            "value holds characters a header cannot carry (beyond Latin-1, e.g. an emoji): encode it first, "
            "for example with urllib.parse.quote.\n",
            content_type="text/plain",
        )
    return response


@require_safe
def delete(request):
    """Delete a cookie: ?name=k and optionally path, domain, samesite, passed to delete_cookie()."""
    name = request.GET.get("name", "")
    if not COOKIE_NAME.fullmatch(name):
        return HttpResponseBadRequest("Say which cookie to delete: ?name=...\n", content_type="text/plain")
    if refusal := _refuse_site_cookie(name, "delete"):
        return refusal
    domain, path = request.GET.get("domain"), request.GET.get("path", "/")
    if domain is not None and not DOMAIN.fullmatch(domain):
        return HttpResponseBadRequest(f"{domain!r} is not a domain.\n", content_type="text/plain")
    if not ATTRIBUTE.fullmatch(path):
        return HttpResponseBadRequest(
            "path must be printable ASCII without ';'.\n", content_type="text/plain"
        )
    response = HttpResponse(f"Asked the client to delete {name}.\n", content_type="text/plain")
    try:
        response.delete_cookie(name, path=path, domain=domain, samesite=request.GET.get("samesite"))
    except ValueError as exc:
        return HttpResponseBadRequest(f"Django refused: {exc}\n", content_type="text/plain")
    return response


@require_safe
def big(request):
    """Set a cookie named big whose value is ?size=N bytes of 'x' (up to 8192): past 4096, browsers drop it."""
    raw = request.GET.get("size", "")
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= BIGGEST_COOKIE:
        return HttpResponseBadRequest(
            f"size must be a whole number from 1 to {BIGGEST_COOKIE}.\n", content_type="text/plain"
        )
    size = int(raw)
    response = HttpResponse(f"big: {size} bytes of value\n", content_type="text/plain")
    response.set_cookie("big", "x" * size, httponly=True, samesite="Lax")
    return response


# -- the test cookie ---------------------------------------------------------------


@require_safe
def test_cookie(request):
    """Step 1 of the test cookie: set_test_cookie() (stored in the session, so a sessionid cookie is set)."""
    request.session.set_test_cookie()
    return JsonResponse({"step": "set", "next": "/cookies/test-cookie/check/"})


@require_safe
def test_cookie_check(request):
    """Step 2: test_cookie_worked() says whether the client sent its sessionid cookie back; then delete_test_cookie()."""
    worked = request.session.test_cookie_worked()
    if worked:
        request.session.delete_test_cookie()
    return JsonResponse({"step": "check", "worked": worked})
