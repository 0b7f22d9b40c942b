"""Session expiry (lesson 06): ``set_expiry`` in each of its forms, and what the session says about it.

* ``/expiry/set/``, a POST (CSRF-checked) with the fields
  ``form=int|datetime|timedelta|zero|none`` and ``seconds=N``, calls
  ``request.session.set_expiry()`` with an int (N seconds of inactivity), a
  ``datetime`` (N seconds from now), a ``timedelta`` (of N seconds), ``0``
  (until the browser closes) or ``None`` (back to the global policy), and
  answers JSON with what the session then holds and reports;
* ``/expiry/status/`` reports the same, reading the session without changing it;
* ``/expiry/visit/`` counts visits in the session: a request that changes it.

``seconds`` is a whole number from 1 to one year (3600 if left out). A bad
``form`` or ``seconds`` is answered 400 with a JSON error, never a 500.
Setting the lifetime is a POST with a CSRF token: by a GET, any other site
could end a visitor's session (``seconds=1``) with a link or an image.
Counting a visit is what reading a page does, so ``/expiry/visit/`` is a GET.
"""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from demo_site.expiry.middleware import STARTED_KEY

#: The forms of set_expiry's argument that /expiry/set/ knows.
FORMS = ("int", "datetime", "timedelta", "zero", "none")
#: seconds= when it is left out.
DEFAULT_SECONDS = 3600
MAX_SECONDS = 365 * 24 * 3600


def _seconds(raw: str | None) -> int | None:
    """``seconds=`` as a whole number of seconds in range, or ``None`` if it is not one."""
    if raw is None:
        return DEFAULT_SECONDS
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_SECONDS else None


def _report(request) -> dict:
    """What the session holds about its expiry and what its methods say (it reads, never writes)."""
    session = request.session
    stored = session.get("_session_expiry")
    return {
        "session": bool(session.keys()),
        "_session_expiry": stored,
        "_session_expiry_type": type(stored).__name__ if "_session_expiry" in session else None,
        "get_expiry_age": session.get_expiry_age(),
        "get_expiry_date": session.get_expiry_date().isoformat(),
        "get_expire_at_browser_close": session.get_expire_at_browser_close(),
        STARTED_KEY: session.get(STARTED_KEY),
        "user": request.user.get_username() if request.user.is_authenticated else None,
    }


@never_cache
@require_POST
def set_expiry(request):
    """Call set_expiry with form=int, datetime, timedelta, zero or none (and seconds=N), POSTed with CSRF; report it."""
    form = request.POST.get("form", "")
    seconds = _seconds(request.POST.get("seconds"))
    if form not in FORMS:
        return JsonResponse({"error": f"form must be one of {', '.join(FORMS)}."}, status=400)
    if seconds is None:
        return JsonResponse(
            {
                "error": f"seconds must be a whole number from 1 to {MAX_SECONDS}, like 300 (no quotes, no unit)."
            },
            status=400,
        )
    value = {
        "int": seconds,
        "datetime": timezone.now() + dt.timedelta(seconds=seconds),
        "timedelta": dt.timedelta(seconds=seconds),
        "zero": 0,
        "none": None,
    }[form]
    request.session["expiry_form"] = form  # some data, so that the session is saved and has a cookie
    request.session.set_expiry(value)
    return JsonResponse({"form": form, "passed": _describe(value), **_report(request)})


def _describe(value: object) -> str:
    if isinstance(value, dt.timedelta):
        return f"timedelta(seconds={int(value.total_seconds())})"
    if isinstance(value, dt.datetime):
        return f"<a datetime: now + {int((value - timezone.now()).total_seconds() + 0.5)} s>"
    return repr(value)


@never_cache
@require_safe
def status(request):
    """Report the session's expiry as JSON (get_expiry_age, get_expiry_date, ...) without changing it."""
    return JsonResponse(_report(request))


@never_cache
@require_safe
def visit(request):
    """Count a visit in the session (a request that changes it, so it is saved) and report its expiry."""
    visits = request.session.get("visits", 0)
    request.session["visits"] = (visits if isinstance(visits, int) else 0) + 1
    return JsonResponse({"visits": request.session["visits"], **_report(request)})
