"""Logging in with a session, fixed (lesson 08): the classic four views, written with Django's own tools.

Compared with ``demo_site.session_login.classic`` (vulnerable on purpose):

* ``index`` is protected by ``@login_required``, which redirects on every path
  where it does not call the view, with ``?next=`` URL-encoded;
* ``login`` checks the password with ``authenticate()`` against the site's
  users, and ``django.contrib.auth.login()`` cycles the session key (no
  session fixation), stores ``_auth_user_id``, ``_auth_user_backend`` and
  ``_auth_user_hash``, and rotates the CSRF token; ``?next=`` is followed only
  when ``url_has_allowed_host_and_scheme`` says it stays on this site;
* the login form is a POST protected by Django's CSRF middleware;
* ``logout`` is a POST (with CSRF) that calls ``django.contrib.auth.logout()``:
  ``flush()`` deletes the row, and the middleware deletes the cookie.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from demo_site.redirects import safe_next

LOGIN_PATH = "/session-login/login/"
INDEX_PATH = "/session-login/index/"


@sensitive_post_parameters("password")
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login(request):
    """Log in with a session (POST with a CSRF token): authenticate(), then Django's login() cycles the key."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    error = ""
    if request.method == "POST":
        user = authenticate(
            request,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        )
        if user is not None:
            auth_login(request, user)
            # HttpResponseRedirect, not redirect(): redirect("name") would try to reverse a URL name.
            return HttpResponseRedirect(safe_next(request, next_url, INDEX_PATH))
        error = "Please enter a correct username and password."
    return render(request, "session_login/login.html", {"next": next_url, "error": error})


@require_POST
def logout(request):
    """Log out (POST with a CSRF token): Django's logout() flushes the session, row and cookie."""
    auth_logout(request)
    return redirect(LOGIN_PATH)


@never_cache
@require_safe
@login_required(login_url=LOGIN_PATH)
def index(request):
    """The index page for logged-in users: it greets the user the session names, with a logout button."""
    return render(request, "session_login/index.html")
