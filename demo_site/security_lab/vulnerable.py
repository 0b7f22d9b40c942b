"""VULNERABLE ON PURPOSE (lesson 12): an XSS page, a transfer on GET, guessable session IDs, an attacker's page.

Each view shows one way cookies fail to protect a session; never copy them.
The safe counterparts are in ``views.py`` (the CSRF-checked POST transfer) and
Django itself (its session keys).

* ``search``: reflects ``q`` into the page unescaped (reflected XSS). It answers only
  on the lab's ``.test`` hosts, which exist only in the lesson's own browser
  (``open_browser`` maps them to 127.0.0.1): a page elsewhere cannot aim a person's
  everyday browser at it and act as them on ``127.0.0.1`` or ``localhost``.
* ``collect``: the attacker's collector, which a stolen value is sent to.
* ``transfer_on_get``: changes state on GET, so no CSRF check ever runs.
* ``attacker``: "another site" whose page links, posts and fetches to a target.
* ``weak_login``/``weak_whoami``: session IDs made of a counter and a timestamp.
"""

from __future__ import annotations

import hashlib
import re
import time

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from demo_site.security_lab.models import WeakSession
from demo_site.security_lab.views import make_transfer

WEAK_COOKIE = "weak_session"
_TEST_HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.test")


def stored_key(key: str) -> str:
    """What the weak store keeps of a session ID: its SHA-256 (the ID itself is never stored)."""
    return hashlib.sha256(key.encode()).hexdigest()


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """VULNERABLE: reflected XSS: the search term is written into the page unescaped (.test hosts only)."""
    if not _TEST_HOST.fullmatch(request.get_host().rsplit(":", 1)[0]):
        return HttpResponse(
            "This page is vulnerable on purpose (reflected XSS): it answers only on the lab's .test hosts, "
            "in lesson 12's own browser.",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    term = request.GET.get("q", "")
    page = (
        "<!doctype html><title>Search · VULNERABLE ON PURPOSE</title>"
        "<h1>Search <small>(vulnerable on purpose: reflected XSS)</small></h1>"
        f"<p>You searched for: {term}</p>"
    )
    return HttpResponse(page)


search.front_page_link = False  # it answers only in lesson 12's browser: no link for a person's browser


@require_safe
def collect(request: HttpRequest) -> HttpResponse:
    """VULNERABLE: the attacker's collector: a stolen value arrives in its URL; it answers 204."""
    return HttpResponse(status=204)


@require_safe
def transfer_on_get(request: HttpRequest) -> JsonResponse:
    """VULNERABLE: sends play money on GET (?to=&amount=), so Django's CSRF check never runs."""
    return make_transfer(request, "GET")


@require_safe
def attacker(request: HttpRequest) -> HttpResponse:
    """VULNERABLE: an attacker's page: a link, a form POST and a fetch to ?target= (a .test host)."""
    target = request.GET.get("target", "site-a.test")
    if not _TEST_HOST.fullmatch(target):
        target = "site-a.test"
    origin = f"http://{target}:{request.get_port()}"
    return render(request, "security_lab/attacker.html", {"origin": origin, "target": target})


@csrf_exempt
@require_POST
def weak_login(request: HttpRequest) -> JsonResponse:
    """VULNERABLE: logs in with a guessable session ID: a counter, a dash and the time in seconds."""
    user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
    if user is None:
        return JsonResponse({"error": "wrong username or password"}, status=403)
    row = WeakSession.objects.create(key=f"pending-{time.time_ns()}", username=user.username)
    key = f"{row.pk}-{int(time.time())}"
    row.key = stored_key(key)
    row.save(update_fields=["key"])
    response = JsonResponse({"user": user.username})
    response.set_cookie(WEAK_COOKIE, key, httponly=True, samesite="Lax")
    return response


@require_safe
def weak_whoami(request: HttpRequest) -> JsonResponse:
    """VULNERABLE: who the weak_session cookie logs in (JSON; user is null for an unknown ID)."""
    row = WeakSession.objects.filter(key=stored_key(request.COOKIES.get(WEAK_COOKIE, "")[:64])).first()
    return JsonResponse({"user": row.username if row else None})
