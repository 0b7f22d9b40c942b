"""Vulnerable on purpose (lesson 07): a login that keeps the session key, and a logout that does not flush.

``login`` checks the password properly (``authenticate()``) and writes what
Django's ``login()`` writes into the session, but it skips ``cycle_key()``:
whoever knew the session key before the login (an attacker who planted it:
*session fixation*) is logged in with the victim. ``logout`` deletes the
cookie in the browser and leaves the session on the server: a copy of the
cookie still works. The fixed versions are Django's own ``login()`` and
``logout()`` (``/accounts/login/``, ``/accounts/logout/``).
"""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, authenticate
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST


@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    """VULNERABLE (session fixation): logs in with the password but keeps the session key it was given."""
    error = ""
    if request.method == "POST":
        user = authenticate(
            request, username=request.POST.get("username", ""), password=request.POST.get("password", "")
        )
        if user is not None:
            # What django.contrib.auth.login() writes, minus its request.session.cycle_key().
            request.session[SESSION_KEY] = user._meta.pk.value_to_string(user)
            request.session[BACKEND_SESSION_KEY] = user.backend
            request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            return redirect("/accounts/")
        error = "Please enter a correct username and password."
    return render(request, "ending/vulnerable_login.html", {"error": error})


@require_POST
def logout(request):
    """VULNERABLE (no flush): deletes the sessionid cookie in the browser, leaves the session alive on the server."""
    response = redirect("/accounts/login/")
    response.delete_cookie("sessionid", samesite="Lax")
    return response
