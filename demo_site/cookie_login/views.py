"""Logging in with a cookie, fixed (lesson 04): what the classic code should have been.

Compared with ``demo_site.cookie_login.classic`` (vulnerable on purpose):

* ``check_login`` uses ``functools.wraps`` and returns a redirect on every
  path where it does not call the view;
* ``?next=`` is followed only when ``url_has_allowed_host_and_scheme`` says it
  stays on this site; anything else falls back to the home page;
* the login form is a POST protected by Django's CSRF middleware, and a
  successful login gets a fresh CSRF token (``rotate_token``, as Django's own
  ``login()`` does), so a token planted or seen before the login is useless after it;
* the password is checked by Django's ``authenticate()`` against the demo users;
* the cookie holds the *signed* username, with a ``max_age`` checked when it is
  read, ``HttpOnly`` and ``SameSite=Lax``;
* logout is a POST (with CSRF) that deletes the cookie (``Max-Age=0``).

What no cookie login can do (the lesson shows it): revoke one stolen cookie,
hold much data, or stop a copied cookie before it expires. Sessions do that.
"""

from __future__ import annotations

import functools

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from demo_site.redirects import safe_next

#: The cookie that says who is logged in, its salt, and how long it is trusted (seconds).
LOGIN_COOKIE = "login_user"
LOGIN_SALT = "demo_site.cookie_login"
LOGIN_MAX_AGE = 60 * 60

LOGIN_PATH = "/cookie-login/login/"
HOME_PATH = "/cookie-login/home/"


def cookie_user(request) -> str | None:
    """The username the signed login cookie vouches for, or ``None``.

    ``None`` when the cookie is missing, tampered with, signed with another
    salt or key, older than ``LOGIN_MAX_AGE``, or names no active user.
    Never raises for a bad cookie.
    """
    username = request.get_signed_cookie(LOGIN_COOKIE, default=None, salt=LOGIN_SALT, max_age=LOGIN_MAX_AGE)
    if not username:
        return None
    if not get_user_model().objects.filter(username=username, is_active=True).exists():
        return None
    return username


def check_login(view):
    """Decorator: run ``view`` for a logged-in visitor; send anyone else to the login page with ``?next=``."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        username = cookie_user(request)
        if username is None:
            return redirect_to_login(request.get_full_path(), login_url=LOGIN_PATH)
        request.cookie_username = username
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login(request):
    """Log in as a demo user (POST with a CSRF token): sets a signed, HttpOnly login cookie."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    error = ""
    if request.method == "POST":
        user = authenticate(
            request,
            username=request.POST.get("username", ""),
            password=request.POST.get("password", ""),
        )
        if user is not None:
            # HttpResponseRedirect, not redirect(): redirect("name") would try to reverse a URL name.
            response = HttpResponseRedirect(safe_next(request, next_url, HOME_PATH))
            response.set_signed_cookie(
                LOGIN_COOKIE,
                user.get_username(),
                salt=LOGIN_SALT,
                max_age=LOGIN_MAX_AGE,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
            # A new CSRF token for the logged-in client, as django.contrib.auth.login() does.
            rotate_token(request)
            return response
        error = "Please enter a correct username and password."
    return render(request, "cookie_login/login.html", {"next": next_url, "error": error})


@require_safe
@check_login
def home(request):
    """A page for logged-in users only: it greets the user named by the signed login cookie."""
    return render(request, "cookie_login/home.html", {"username": request.cookie_username})


@require_POST
def logout(request):
    """Log out (POST with a CSRF token): deletes the login cookie (Max-Age=0) and goes to the login page."""
    response = redirect(LOGIN_PATH)
    response.delete_cookie(LOGIN_COOKIE, samesite="Lax")
    return response
