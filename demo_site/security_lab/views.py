"""The cookie security lab (lesson 12): cookies to test SameSite and the prefixes, and a CSRF-protected transfer.

Everything here follows the course's secure defaults (HttpOnly, CSRF on every
state-changing POST). The pages that are vulnerable on purpose (an XSS page,
a transfer on GET, a guessable session ID, an attacker's page) are in
``vulnerable.py``, under ``/vulnerable/security-lab/``.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

#: The lab's SameSite cookies: name → SameSite value (each HttpOnly; the None one also Secure, as it must be).
SAMESITE_COOKIES = {"lab_strict": "Strict", "lab_lax": "Lax", "lab_none": "None"}
#: What every account starts with, in the lab's play money.
START_BALANCE = 100
_PAYEE = re.compile(r"[a-z][a-z0-9_-]{0,29}")


@require_safe
def set_samesite_cookies(request: HttpRequest) -> JsonResponse:
    """Set lab_strict, lab_lax and lab_none (SameSite Strict, Lax, None; all HttpOnly; lab_none Secure)."""
    response = JsonResponse({"set": SAMESITE_COOKIES})
    for name, samesite in SAMESITE_COOKIES.items():
        response.set_cookie(name, "1", httponly=True, samesite=samesite, secure=samesite == "None")
    return response


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    """Show which cookies (names only) arrived with this request, and the browser's Sec-Fetch-Site."""
    return render(
        request,
        "security_lab/landing.html",
        {"names": sorted(request.COOKIES), "fetch_site": request.headers.get("Sec-Fetch-Site", "(not sent)")},
    )


def _account(request: HttpRequest) -> dict:
    return {
        "user": request.user.username if request.user.is_authenticated else None,
        "balance": request.session.get("lab_balance", START_BALANCE),
        "transfers": request.session.get("lab_transfers", []),
    }


@require_safe
def account(request: HttpRequest) -> JsonResponse:
    """The logged-in user's play-money balance and transfers, kept in the session (JSON)."""
    return JsonResponse(_account(request))


def make_transfer(request: HttpRequest, via: str) -> JsonResponse:
    """Move play money from the session's account to ``to``; shared by the safe POST and the vulnerable GET."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "log in first"}, status=403)
    data = request.POST if request.method == "POST" else request.GET
    to, amount = data.get("to", ""), data.get("amount", "")
    if not _PAYEE.fullmatch(to) or not amount.isdigit() or not 1 <= int(amount) <= 1000:
        return JsonResponse(
            {"error": "to is a lower-case name, amount a whole number from 1 to 1000"}, status=400
        )
    state = _account(request)
    request.session["lab_balance"] = state["balance"] - int(amount)
    request.session["lab_transfers"] = [*state["transfers"], {"to": to, "amount": int(amount), "via": via}]
    return JsonResponse(_account(request))


@require_POST
def transfer(request: HttpRequest) -> JsonResponse:
    """Send play money (POST to=, amount=): logged in, CSRF-checked like every state-changing POST."""
    return make_transfer(request, "POST")


#: The cookies /security-lab/prefixes/ sets: name → (secure, with a Domain attribute, SameSite, value size).
PREFIX_COOKIES = {
    "__Host-good": (True, False, "Lax", 1),
    "__Host-no-secure": (False, False, "Lax", 1),
    "__Host-with-domain": (True, True, "Lax", 1),
    "__Secure-good": (True, False, "Lax", 1),
    "__Secure-no-secure": (False, False, "Lax", 1),
    "plain-secure": (True, False, "Lax", 1),
    "none-not-secure": (False, False, "None", 1),
    "too-big": (False, False, "Lax", 4100),
}


@require_safe
def prefixes(request: HttpRequest) -> JsonResponse:
    """Set cookies that test Secure, the __Host-/__Secure- prefixes, SameSite=None and the size limit."""
    host = request.get_host().rsplit(":", 1)[0]
    response = JsonResponse({"set": sorted(PREFIX_COOKIES)})
    for name, (secure, with_domain, samesite, size) in PREFIX_COOKIES.items():
        response.set_cookie(
            name,
            "x" * size,
            secure=secure,
            domain=host if with_domain else None,
            samesite=samesite,
            httponly=True,
        )
    return response
