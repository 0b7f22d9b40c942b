"""The classic session login, VULNERABLE ON PURPOSE: the course's starting notes, run as written.

This module reproduces the "session login verification" of the classic study
notes (``check_login``, ``login``, ``logout``, ``index``) with the same logic
and the same flaws, so that lesson 08 can run it and find each flaw with a
request. Never copy it. The fixed version is ``demo_site.session_login.views``.

The flaws, all kept on purpose:

* ``check_login``: the redirect sits *after* the ``return``, inside the ``if``,
  so it never runs; an anonymous visitor gets ``None`` and Django answers 500.
  The ``next`` it would send is not URL-encoded, and there is no
  ``functools.wraps``.
* ``login``: the password is hard-coded and compared in plain text; the
  fallback redirect sits after a ``return``, so a login without ``?next=``
  succeeds (the session says so) and shows the form again; ``?next=`` is
  followed unchecked (an open redirect); the key is not cycled; the form has
  no CSRF protection.
* ``logout``: the notes' comment says it deletes the session, but the line is
  missing: it deletes nothing, so the session (and any copy of its cookie)
  stays logged in. It answers any method, GET included.

The course changed only the URLs, the credentials (neutral ones: the notes'
own are not reused) and the template names, and added ``@check_login`` on
``index`` and ``@csrf_exempt`` on the two views that change state.
"""

# ruff: noqa: UP032  (the notes' own str.format() is kept, so the printed code reads as they wrote it)

from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

#: The hard-coded credentials of the classic code.
CLASSIC_USER = "admin"
CLASSIC_PASSWORD = "classic-2024"


def check_login(func):
    def inner(request, *args, **kwargs):
        next_url = request.get_full_path()
        if request.session.get("user"):
            return func(request, *args, **kwargs)
            return redirect("/classic/session-login/login/?next={}".format(next_url))

    return inner


@csrf_exempt  # the notes' form has no CSRF token: their setup only works without the protection
def login(request):
    """Classic session login as printed (VULNERABLE ON PURPOSE): hard-coded password, open redirect, no CSRF."""
    if request.method == "POST":
        user = request.POST.get("user")
        pwd = request.POST.get("pwd")

        if user == CLASSIC_USER and pwd == CLASSIC_PASSWORD:
            # Set the session
            request.session["user"] = user
            # The URL the visitor wanted before the login page
            next_url = request.GET.get("next")
            # If there is one, go back to it
            if next_url:
                return redirect(next_url)
                # Otherwise, go to the index page (never runs: it is after the return)
                return redirect("/classic/session-login/index/")
    return render(request, "session_login/classic_login.html")


@csrf_exempt
def logout(request):
    """Classic logout as printed (VULNERABLE ON PURPOSE: see the module docstring)."""
    # Delete every session of the current request
    return redirect("/classic/session-login/login/")


@check_login
def index(request):
    """Classic index page (VULNERABLE ON PURPOSE): its decorator returns None to anonymous visitors."""
    current_user = request.session.get("user", None)
    return render(request, "session_login/classic_index.html", {"user": current_user})
