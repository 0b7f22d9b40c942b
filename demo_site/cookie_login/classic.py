"""The classic cookie login, VULNERABLE ON PURPOSE: the course's starting notes, run as written.

This module reproduces the "cookie version login verification" of the classic
study notes with the same logic and the same flaws, so that lesson 04 can run
it and show each flaw with a request. Never copy it. The fixed version is
``demo_site.cookie_login.views``.

The flaws, all kept on purpose:

* ``check_login``: the redirect sits *after* the ``return``, inside the ``if``,
  so it can never run; an anonymous visitor gets ``None`` and Django answers
  500. It has no ``functools.wraps``: the view loses its ``__name__`` and
  ``__doc__``.
* ``login``: the ``else`` of the ``next`` branch is lost, so the fallback
  redirect always overwrites the ``next`` one, and a login without ``?next=``
  crashes (``response`` is never assigned: another 500). The password is
  hard-coded and compared in plain text. The form has no CSRF protection.
* The cookie says ``"yes"``: it names nobody, so any copy of it, from any
  client, is "logged in".

The ``*_intended`` functions are what the notes meant (the ``else`` and the
redirect put back where they belong): they work, and they have an open redirect.
"""

# ruff: noqa: UP032  (the notes' own str.format() is kept, so the printed code reads as they wrote it)

from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

#: The hard-coded credentials of the classic code (neutral ones: the notes' own are not reused).
CLASSIC_USERNAME = "admin"
CLASSIC_PASSWORD = "classic-2024"

#: Where the classic login sends everyone (the notes' ``/class_list/``).
CLASSIC_FALLBACK = "/classic/cookie-login/class-list/"


# -- as printed in the notes ----------------------------------------------------


def check_login(func):
    def inner(request, *args, **kwargs):
        next_url = request.get_full_path()
        if request.get_signed_cookie("login", salt="SSS", default=None) == "yes":
            # Logged-in users
            return func(request, *args, **kwargs)
            # Users who have not logged in jump to the login page (never runs: it is after the return)
            return redirect("/classic/cookie-login/login/?next={}".format(next_url))

    return inner


@csrf_exempt  # the notes' form has no CSRF token: their setup only works without the protection
def login(request):
    """Classic login as printed (VULNERABLE ON PURPOSE): hard-coded password, missing else, no CSRF."""
    if request.method == "POST":
        username = request.POST.get("username")
        passwd = request.POST.get("password")
        if username == CLASSIC_USERNAME and passwd == CLASSIC_PASSWORD:
            next_url = request.GET.get("next")
            if next_url and next_url != "/classic/cookie-login/logout/":
                response = redirect(next_url)
                response = redirect(CLASSIC_FALLBACK)
            response.set_signed_cookie("login", "yes", salt="SSS")
            return response
    return render(request, "cookie_login/classic_login.html", {"action_note": "as printed"})


@check_login
def home(request):
    """Classic home page (VULNERABLE ON PURPOSE): its decorator returns None to anonymous visitors."""
    return render(request, "cookie_login/classic_page.html", {"page": "home page"})


@check_login
def class_list(request):
    """Classic fallback page after login (VULNERABLE ON PURPOSE): the notes' /class_list/."""
    return render(request, "cookie_login/classic_page.html", {"page": "class list"})


# -- what the notes meant: the else branches restored, still vulnerable -------------


def check_login_intended(func):
    def inner(request, *args, **kwargs):
        next_url = request.get_full_path()
        if request.get_signed_cookie("login", salt="SSS", default=None) == "yes":
            return func(request, *args, **kwargs)
        else:
            return redirect("/classic/cookie-login/intended/login/?next={}".format(next_url))

    return inner


@csrf_exempt
def login_intended(request):
    """Classic login with its else restored (VULNERABLE ON PURPOSE): an open redirect through ?next=."""
    if request.method == "POST":
        username = request.POST.get("username")
        passwd = request.POST.get("password")
        if username == CLASSIC_USERNAME and passwd == CLASSIC_PASSWORD:
            next_url = request.GET.get("next")
            if next_url and next_url != "/classic/cookie-login/logout/":
                response = redirect(next_url)
            else:
                response = redirect(CLASSIC_FALLBACK)
            response.set_signed_cookie("login", "yes", salt="SSS")
            return response
    return render(request, "cookie_login/classic_login.html", {"action_note": "with the else restored"})


@check_login_intended
def home_intended(request):
    """Classic home page, decorator fixed but no functools.wraps (VULNERABLE ON PURPOSE)."""
    return render(request, "cookie_login/classic_page.html", {"page": "home page (intended version)"})
