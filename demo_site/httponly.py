"""Which cookies are HttpOnly, and how pages that echo cookies back hide their values.

``HttpOnly`` keeps a cookie away from ``document.cookie``, but a page that copies
the cookie into its body hands it straight back to any script on the site: one
``fetch("/echo/")`` and the script reads it. So every page that shows the cookies
it received asks :func:`visible_cookies`, which replaces the value of every
HttpOnly cookie with :data:`HIDDEN` and keeps its name (a lesson still sees that
it arrived).

A request does not say which of its cookies are HttpOnly (the ``Cookie`` header
carries names and values only), so the site remembers it from its own side:
:class:`RememberHttpOnlyCookies`, the outermost middleware, records the name of
every cookie any response sets with ``HttpOnly``, whoever set it (a view, the
cookie lab's ``?httponly=1``, the session or CSRF middleware, a learner's view
plugged into an exercise slot, a new app). No app declares anything, and no echo
page changes when an app is added.

The record only grows, for the whole process (every embedded site in a kernel
shares it, as a browser shares cookies between ports of one host): once a name
was sent with HttpOnly, its value stays hidden, even if the lab later sets the
same name without it, because a browser may still hold the HttpOnly one (under
another path, say). The session cookie is hidden from the start, and the CSRF
and language cookies too when the settings make them HttpOnly.
"""

from __future__ import annotations

import threading

from django.conf import settings

#: What an echo page shows instead of an HttpOnly cookie's value.
HIDDEN = "(hidden: HttpOnly)"

_recorded: set[str] = set()
_lock = threading.Lock()


def httponly_names() -> frozenset[str]:
    """The names whose values echo pages hide: from the settings, and every name sent with HttpOnly so far."""
    names = {settings.SESSION_COOKIE_NAME}
    if settings.CSRF_COOKIE_HTTPONLY and not settings.CSRF_USE_SESSIONS:
        names.add(settings.CSRF_COOKIE_NAME)
    if settings.LANGUAGE_COOKIE_HTTPONLY:
        names.add(settings.LANGUAGE_COOKIE_NAME)
    with _lock:
        return frozenset(names | _recorded)


def remember(response) -> None:
    """Record the name of every cookie ``response`` sets with HttpOnly."""
    names = {name for name, morsel in response.cookies.items() if morsel["httponly"]}
    if names:
        with _lock:
            _recorded.update(names)


class RememberHttpOnlyCookies:
    """Middleware: remember the names of the HttpOnly cookies the site sends (see the module docstring).

    It must come first in ``MIDDLEWARE``, so that it sees the cookies the other
    middleware (sessions, CSRF, messages) add on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        remember(response)
        return response


def visible_cookies(request) -> tuple[dict[str, str], str | None]:
    """``request.COOKIES`` (sorted by name) and the ``Cookie`` header, with every HttpOnly cookie's value hidden.

    Each value of a cookie named in :func:`httponly_names` becomes :data:`HIDDEN`,
    in the dict and in the header (every occurrence: a header may repeat a name);
    names and everything else are left as they arrived. ``None`` for the header
    when the request had none.
    """
    hidden = httponly_names()
    cookies = {k: HIDDEN if k in hidden else v for k, v in sorted(request.COOKIES.items())}
    header = request.headers.get("Cookie")
    if header is not None:
        # Split as Django's parse_cookie() does, so that what it reads as a name is what is checked here.
        parts = header.split(";")
        for i, part in enumerate(parts):
            key, sep, _ = part.partition("=")
            if sep and key.strip() in hidden:
                parts[i] = part[: part.index("=") + 1] + HIDDEN
        header = ";".join(parts)
    return cookies, header
