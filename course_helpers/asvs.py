"""A live report card: OWASP ASVS 5.0's session and cookie requirements, each checked against a running site.

``report_card(site)`` logs in, logs out, moves the clock and reads the
``Set-Cookie`` headers of a demo site, one check per requirement of ASVS 5.0.0
V3.3 (Cookie Setup), V3.5 (Browser Origin Separation) and V7 (Session
Management) that can be observed from outside. ``compare_cards(a, b)`` puts
two cards side by side (lesson 12: Django's defaults beside hardened settings).

The requirement texts are shortened; the numbers are ASVS 5.0.0's
(https://github.com/OWASP/ASVS/tree/master/5.0/en). The timeouts a
requirement leaves to "risk analysis" are fixed here: idle 30 minutes,
absolute 8 hours.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from course_helpers.clock import travel
from course_helpers.cookies import explain_set_cookie
from course_helpers.display import Table
from course_helpers.exchange import set_cookie_headers

IDLE_LIMIT = dt.timedelta(minutes=30)
ABSOLUTE_LIMIT = dt.timedelta(hours=8)
TRANSFER = "/security-lab/transfer/"
GET_TRANSFER = "/vulnerable/security-lab/transfer/?to=mallory&amount=1"


@dataclass(frozen=True)
class Check:
    """One requirement, checked: ``passed`` and the evidence seen."""

    number: str
    requirement: str
    passed: bool
    evidence: str


def _client(site):
    """A client whose jar sends Secure cookies over http://127.0.0.1, as a browser does (a secure context)."""
    client = site.client()
    send = client.send

    def send_then_unmark(request, **kwargs):
        # http.cookiejar never sends a Secure cookie over http; Chromium does to 127.0.0.1 (a secure context).
        response = send(request, **kwargs)
        for cookie in client.cookies:
            cookie.secure = False
        return response

    client.send = send_then_unmark
    return client


def _session_cookie(site, client):
    from django.conf import settings

    for exchange in reversed(client.trace):
        for header in set_cookie_headers(exchange, settings.SESSION_COOKIE_NAME):
            return explain_set_cookie(header)
    raise AssertionError("the site never set its session cookie")


def _user(client) -> str | None:
    return client.get("/accounts/whoami/").json().get("username")


def report_card(site) -> list[Check]:
    """Check ``site`` (a running demo site, with the settings it runs with) against each requirement."""
    from django.conf import settings
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS

    checks: list[Check] = []

    def add(number: str, requirement: str, passed: bool, evidence: str) -> None:
        checks.append(Check(number, requirement, bool(passed), evidence))

    alice = _client(site)
    alice.log_in("alice")
    session = _session_cookie(site, alice)
    csrf_name = settings.CSRF_COOKIE_NAME
    csrf_headers = [h for ex in alice.trace for h in set_cookie_headers(ex, csrf_name)]
    csrf = explain_set_cookie(csrf_headers[-1])
    prefixed = session.name.startswith(("__Host-", "__Secure-"))
    add(
        "3.3.1",
        "session cookie: Secure, and a __Host-/__Secure- name",
        session.secure and prefixed,
        f"{session.name}: Secure={session.secure}",
    )
    add(
        "3.3.1",
        "CSRF cookie: Secure, and a __Host-/__Secure- name",
        csrf.secure and csrf.name.startswith(("__Host-", "__Secure-")),
        f"{csrf.name}: Secure={csrf.secure}",
    )
    add(
        "3.3.2",
        "SameSite set by purpose (session: Lax or Strict)",
        session.samesite in ("Lax", "Strict"),
        f"SameSite={session.samesite}",
    )
    host_ok = (
        session.name.startswith("__Host-") and session.secure and session.path == "/" and not session.domain
    )
    add("3.3.3", "__Host- prefix (Secure, Path=/, no Domain)", host_ok, session.name)
    add("3.3.4", "session cookie HttpOnly", session.httponly, f"HttpOnly={session.httponly}")
    sizes = [len(h.split(";")[0]) for ex in alice.trace for h in set_cookie_headers(ex)]
    add("3.3.5", "name and value at most 4096 bytes", max(sizes) <= 4096, f"largest {max(sizes)} bytes")

    forged = alice.post(
        TRANSFER, data={"to": "mallory", "amount": "1"}, headers={"Origin": "http://evil.test"}
    )
    add("3.5.1", "a forged cross-origin POST is refused", forged.status_code == 403, f"{forged.status_code}")
    on_get = alice.get(GET_TRANSFER)
    add(
        "3.5.3",
        "no state change on GET",
        on_get.status_code != 200,
        f"GET {GET_TRANSFER.split('?')[0]} → {on_get.status_code}",
    )

    key = session.value
    bits = len(key) * math.log2(len(VALID_KEY_CHARS))
    add(
        "7.2.3",
        "session key from a CSPRNG, at least 128 bits",
        bits >= 128 and set(key) <= set(VALID_KEY_CHARS),
        f"{len(key)} chars of {len(VALID_KEY_CHARS)}: {bits:.0f} bits",
    )
    alice.log_in("alice")
    again = _session_cookie(site, alice).value
    add(
        "7.2.4",
        "a new session key at re-authentication too",
        again != key,
        "re-login: " + ("new key" if again != key else "same key"),
    )

    with travel(IDLE_LIMIT + dt.timedelta(minutes=1)):
        idle_user = _user(alice)
    add(
        "7.3.1",
        f"inactivity timeout (≤ {IDLE_LIMIT.seconds // 60} min)",
        idle_user is None,
        f"after {IDLE_LIMIT.seconds // 60 + 1} idle min: {idle_user or 'logged out'}",
    )

    active = _client(site)
    active.log_in("alice")
    active_user = _user(active)
    steps = int(ABSOLUTE_LIMIT / dt.timedelta(minutes=20)) + 2
    for step in range(1, steps + 1):
        with travel(dt.timedelta(minutes=20 * step)):
            active_user = _user(active)
        if active_user is None:
            break
    add(
        "7.3.2",
        f"absolute lifetime (≤ {ABSOLUTE_LIMIT.seconds // 3600} h), however active",
        active_user is None,
        f"active every 20 min for {steps * 20 // 60} h: {active_user or 'logged out'}",
    )

    victim = _client(site)
    victim.log_in("alice")
    copy = _client(site)
    copy.cookies.update({settings.SESSION_COOKIE_NAME: victim.cookies[settings.SESSION_COOKIE_NAME]})
    victim.post("/accounts/logout/", data={"csrfmiddlewaretoken": victim.cookies.get(csrf_name, "")})
    after = _user(copy)
    add(
        "7.4.1",
        "logout ends the session (a copy stops working)",
        after is None,
        f"copy after logout: {after}",
    )
    return checks


def compare_cards(left: list[Check], right: list[Check], names: tuple[str, str]) -> Table:
    """Two report cards side by side: one row per requirement, ✓ or ✗ and the evidence."""
    mark: Callable[[Check], str] = lambda c: ("✓ " if c.passed else "✗ ") + c.evidence  # noqa: E731
    rows = [(a.number, a.requirement, mark(a), mark(b)) for a, b in zip(left, right, strict=True)]
    passed = [sum(c.passed for c in card) for card in (left, right)]
    return Table(
        ["ASVS 5.0", "requirement", names[0], names[1]],
        rows,
        title="OWASP ASVS 5.0: the session and cookie requirements, checked live",
        notes=[f"{names[0]}: {passed[0]}/{len(left)} · {names[1]}: {passed[1]}/{len(right)}"],
    )
