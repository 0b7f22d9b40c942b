"""An absolute session timeout (lesson 06): every session ends N seconds after it started, however active.

Django's own expiry is an *idle* timeout: ``SESSION_COOKIE_AGE`` (or
``set_expiry``) counts from the last time the session was saved, and with
``SESSION_SAVE_EVERY_REQUEST`` every request saves it, so a user who keeps
clicking keeps the same session forever. OWASP's Session Management Cheat
Sheet asks for an *absolute* timeout as well: a limit on the session's whole
life, whatever the activity. Django has none; this middleware adds one.

* When a request leaves a session with data but no start time (a new
  session), it records the start, ``session["_session_started"]``, as an ISO
  8601 string (the JSON serializer cannot store a ``datetime``). Logging in
  resets it (:func:`restart_on_login`, connected in ``apps.py``): the
  session a login cycles to is a new session.
* On every later request, a session whose start is at least
  ``settings.DEMO_SITE_ABSOLUTE_SESSION_AGE`` seconds ago is flushed before
  the view runs: the view, and ``request.user``, see an anonymous visitor. So
  is a session whose start is missing, unreadable, naive or in the future
  (:func:`is_too_old` fails closed).

It does nothing while ``DEMO_SITE_ABSOLUTE_SESSION_AGE`` is ``None`` (the
demo site's default), so it can sit in ``MIDDLEWARE`` for every lesson; turn
it on with ``start_demo_site(DEMO_SITE_ABSOLUTE_SESSION_AGE=7200)``. It must
come after ``SessionMiddleware`` and before ``AuthenticationMiddleware``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

#: Where the session's start time is kept in the session.
STARTED_KEY = "_session_started"

logger = logging.getLogger("demo_site")


def absolute_age_limit() -> int | None:
    """The absolute timeout in seconds, or ``None`` when it is off."""
    limit = getattr(settings, "DEMO_SITE_ABSOLUTE_SESSION_AGE", None)
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0:
        return None
    return int(limit)


def is_too_old(started: object, now: dt.datetime, limit: int) -> bool:
    """Whether a session that started at ``started`` (an ISO 8601 string) must end at ``now``.

    True when it is ``limit`` seconds old or older, and also (failing closed)
    when ``started`` is not a string, is not a date, has no time zone, or lies
    in the future: this middleware never wrote such a value.
    """
    if not isinstance(started, str):
        return True
    try:
        when = dt.datetime.fromisoformat(started)
    except ValueError:
        return True
    if when.tzinfo is None or when.utcoffset() is None:
        return True
    age = (now - when).total_seconds()
    return age < 0 or age >= limit


def restart_on_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the absolute timeout of a logged-in session counts from the login."""
    if absolute_age_limit() is not None and hasattr(request, "session"):
        request.session[STARTED_KEY] = timezone.now().isoformat()


class AbsoluteSessionTimeout:
    """End sessions older than ``DEMO_SITE_ABSOLUTE_SESSION_AGE`` seconds, however active they were."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = absolute_age_limit()
        session = getattr(request, "session", None)
        if limit is None or session is None:
            return self.get_response(request)
        now = timezone.now()
        if settings.SESSION_COOKIE_NAME in request.COOKIES and session.keys():
            started = session.get(STARTED_KEY)
            if is_too_old(started, now, limit):
                logger.info(
                    "absolute session timeout: a session started at %s ended (limit %s s)", started, limit
                )
                session.flush()
        response = self.get_response(request)
        if not session.is_empty() and STARTED_KEY not in session:
            session[STARTED_KEY] = now.isoformat()
        return response
