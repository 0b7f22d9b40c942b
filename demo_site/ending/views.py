"""Ending a session (lesson 07), done the way OWASP's session guidance asks.

* ``/ending/do/<op>/`` runs one of Django's ways of removing session data
  (``del``, ``pop``, ``clear()``, ``flush()``, ``cycle_key()``) so that a
  notebook can compare what each leaves of the data, the key, the row and the cookie;
* ``/ending/password/`` changes the password and keeps this session with
  ``update_session_auth_hash`` (every other session of the user stops working);
* ``/ending/sessions/`` lists the signed-in user's sessions (HTML, or JSON with
  ``?format=json``) and ends any one of them; ``/ending/logout-everywhere/`` ends all.

Every state-changing view is a POST checked by Django's CSRF middleware. Pages
show an index row's ``id``, never a session key. The vulnerable counterparts
(a login that keeps the key, a logout that does not flush) are in
``demo_site.ending.vulnerable``.
"""

from __future__ import annotations

import functools

from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from demo_site.ending import index
from demo_site.ending.models import DeviceSession

#: What ``/ending/do/set/`` writes: the data every comparison starts from.
SAMPLE_DATA = {"theme": "dark", "cart": ["tea", "scones"]}
#: The ways of ending (or keeping) session data that ``/ending/do/<op>/`` knows, and what each runs.
OPERATIONS = {
    "set": "request.session.update(SAMPLE_DATA)",
    "del": 'del request.session["theme"]',
    "pop": 'request.session.pop("theme", None)',
    "clear": "request.session.clear()",
    "flush": "request.session.flush()",
    "cycle_key": "request.session.cycle_key()",
}
SESSIONS_PATH = "/ending/sessions/"


def _run(session, op: str) -> None:
    if op == "set":
        session.update(SAMPLE_DATA)
    elif op == "del":
        if "theme" in session:
            del session["theme"]
    elif op == "pop":
        session.pop("theme", None)
    elif op == "clear":
        session.clear()
    elif op == "flush":
        session.flush()
    elif op == "cycle_key":
        session.cycle_key()


@never_cache
@require_safe
def playground(request):
    """Try each way of ending session data from a browser: the session's data, and one POST button per operation."""
    return render(
        request, "ending/playground.html", {"data": dict(request.session.items()), "operations": OPERATIONS}
    )


@never_cache
@require_POST
def do(request, op: str):
    """Run one session operation (POST, CSRF): set, del, pop, clear, flush or cycle_key; answer the data left, as JSON."""
    if op not in OPERATIONS:
        raise Http404("No such operation.")
    _run(request.session, op)
    return JsonResponse({"op": op, "ran": OPERATIONS[op], "data": dict(request.session.items())})


def _signed_in(view):
    """Like ``login_required``, but a notebook asking for JSON gets 401 JSON instead of the login page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.GET.get("format") == "json":
            return JsonResponse({"authenticated": False, "sessions": []}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper


def _describe(row: DeviceSession, current_key: str | None, now) -> dict:
    return {
        "id": row.pk,
        "device": row.user_agent or "(unknown browser)",
        "signed_in": row.signed_in.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "last_seen_seconds_ago": max(0, int((now - row.last_seen).total_seconds())),
        "this_device": row.session_key == current_key,
    }


@never_cache
@require_safe
@_signed_in
def sessions(request):
    """Your active sessions (device, last seen, this device marked), each with an End button; ?format=json for notebooks."""
    now = timezone.now()
    current = request.session.session_key
    rows = [_describe(row, current, now) for row in index.live_sessions(request.user)]
    if request.GET.get("format") == "json":
        return JsonResponse({"username": request.user.get_username(), "sessions": rows})
    return render(request, "ending/sessions.html", {"rows": rows})


@require_POST
@_signed_in
def end_session(request):
    """End ONE of your own sessions (POST, CSRF, field id); another user's session, or a key, is refused with 404."""
    raw_id = request.POST.get("id", "")
    row = None
    if raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 19:
        row = DeviceSession.objects.filter(pk=int(raw_id), user=request.user).first()
    if row is None:
        raise Http404("You have no session with that id.")
    if row.session_key == request.session.session_key:
        logout(request)  # this device: flush, and the cookie goes too
        return redirect("/accounts/login/")
    index.end_session(row)
    return redirect(SESSIONS_PATH)


@require_POST
@_signed_in
def logout_everywhere(request):
    """Log out on every device (POST, CSRF): ends all your indexed sessions, this one included."""
    index.end_all_sessions(request.user)
    logout(request)
    return redirect("/accounts/login/")


@never_cache
@require_http_methods(["GET", "POST"])
@_signed_in
def password(request):
    """Change your password (POST, CSRF): your other sessions stop working; this one is kept (update_session_auth_hash)."""
    form = PasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        old_key = request.session.session_key
        update_session_auth_hash(request, user)  # a new hash in this session, and a new key (cycle_key)
        index.follow_new_key(old_key, request.session.session_key)
        return redirect(SESSIONS_PATH)
    return render(request, "ending/password.html", {"form": form})
