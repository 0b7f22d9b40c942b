"""Signed cookies (lesson 03): a plan kept in a signed cookie, and a signed list anyone can read.

* ``/signed/plan/choose/?plan=free`` signs the chosen plan into the cookie
  ``plan`` with ``set_signed_cookie`` (the cookie itself lives 30 days);
* ``/signed/plan/`` reads it back with ``get_signed_cookie(max_age=1 day)``
  and says why a cookie was refused: missing, bad signature, or expired;
* ``/signed/recent/?page=/some/page/`` keeps the last pages visited in the
  cookie ``recent``, a ``signing.dumps(..., compress=True)`` value.

Signed is not encrypted: both cookies are readable by anyone who holds them.
A tampered, stale or garbage cookie never causes an error: the views fall
back to "no plan" and "no pages", as a real site should.
"""

from __future__ import annotations

import datetime as dt
import zlib

from django.core import signing
from django.http import JsonResponse
from django.views.decorators.http import require_safe

PLAN_COOKIE = "plan"
#: The salt of the plan cookie: it keeps its signatures apart from every other use of SECRET_KEY.
PLAN_SALT = "signed.plan"
#: How old a signed plan may be when it is read back (the reading side's max_age).
PLAN_MAX_AGE = dt.timedelta(days=1)
#: How long the client is asked to keep the cookie (its Max-Age): longer than PLAN_MAX_AGE on purpose.
PLAN_COOKIE_AGE = dt.timedelta(days=30)
#: Plans anyone may choose; "premium" is paid for, so no request can choose it.
FREE_PLANS = ("free", "trial")

RECENT_COOKIE = "recent"
RECENT_SALT = "signed.recent"
RECENT_MAX_AGE = dt.timedelta(days=30)
#: How many pages the recent list keeps.
RECENT_KEEP = 10
_PAGE_MAX_LENGTH = 200


def _plan_verdict(request) -> str:
    """Why get_signed_cookie gave what it gave: valid, missing, bad signature or expired."""
    if PLAN_COOKIE not in request.COOKIES:
        return "missing"
    try:
        request.get_signed_cookie(PLAN_COOKIE, salt=PLAN_SALT, max_age=PLAN_MAX_AGE)
    except signing.SignatureExpired:
        return "expired"
    except signing.BadSignature:
        return "bad signature"
    return "valid"


@require_safe
def choose_plan(request):
    """Choose a plan (?plan=free or trial): it is signed into the cookie plan with set_signed_cookie."""
    plan = request.GET.get("plan", "")
    if plan == "premium":
        return JsonResponse(
            {"error": "premium is paid for, not chosen: this server never signs it for a request."},
            status=403,
        )
    if plan not in FREE_PLANS:
        return JsonResponse(
            {"error": f"choose a plan with ?plan= and one of {', '.join(FREE_PLANS)}."}, status=400
        )
    response = JsonResponse({"plan": plan, "cookie": PLAN_COOKIE, "signed": True})
    response.set_signed_cookie(
        PLAN_COOKIE,
        plan,
        salt=PLAN_SALT,
        max_age=PLAN_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
    )
    return response


@require_safe
def show_plan(request):
    """Read the cookie plan with get_signed_cookie(max_age=1 day): tampered, wrong salt or stale → no plan."""
    plan = request.get_signed_cookie(PLAN_COOKIE, default=None, salt=PLAN_SALT, max_age=PLAN_MAX_AGE)
    return JsonResponse(
        {
            "plan": plan,
            "verdict": _plan_verdict(request),
            "max_age": int(PLAN_MAX_AGE.total_seconds()),
            "premium_content": plan == "premium",
        }
    )


def _read_recent(raw: str | None) -> list[str]:
    """The list in a recent cookie, or [] when it is missing, tampered, stale or not a list of text."""
    if not raw:
        return []
    try:
        pages = signing.loads(raw, salt=RECENT_SALT, max_age=RECENT_MAX_AGE)
    except (signing.BadSignature, ValueError, zlib.error):
        return []
    if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
        return []
    return pages[:RECENT_KEEP]


@require_safe
def remember_page(request):
    """Remember ?page= in the cookie recent: a list signed by signing.dumps(compress=True), readable by anyone."""
    page = request.GET.get("page", "")
    if not page or len(page) > _PAGE_MAX_LENGTH:
        return JsonResponse(
            {"error": f"give the page to remember with ?page= (1 to {_PAGE_MAX_LENGTH} characters)."},
            status=400,
        )
    pages = [page, *(p for p in _read_recent(request.COOKIES.get(RECENT_COOKIE)) if p != page)]
    pages = pages[:RECENT_KEEP]
    # Only the count goes in the reply: the list itself is in the cookie, for anyone to read.
    response = JsonResponse({"remembered": len(pages)})
    response.set_cookie(
        RECENT_COOKIE,
        signing.dumps(pages, salt=RECENT_SALT, compress=True),
        max_age=RECENT_MAX_AGE,
        httponly=True,
        samesite="Lax",
    )
    return response
