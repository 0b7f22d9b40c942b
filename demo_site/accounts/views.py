"""Django's own authentication views, the page a login lands on, and a JSON "who am I" for notebooks and tests."""

from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


class LoginView(auth_views.LoginView):
    """Log in with Django's LoginView: CSRF-protected POST, session key cycled, safe ?next= redirect."""

    template_name = "registration/login.html"
    redirect_authenticated_user = False


class LogoutView(auth_views.LogoutView):
    """Log out with Django's LogoutView (POST only): the session is flushed and its cookie deleted."""


@never_cache
@require_safe
def home(request):
    """Your account: whom Django's session login says you are, with a logout button (a POST form with CSRF)."""
    return render(request, "accounts/home.html")


@never_cache
@require_safe
def whoami(request):
    """Say, as JSON, whether the request is logged in and as whom."""
    user = request.user
    return JsonResponse(
        {
            "authenticated": user.is_authenticated,
            "username": user.get_username() if user.is_authenticated else None,
        }
    )
