"""Django's own authentication views, and a JSON "who am I" for notebooks and tests."""

from django.contrib.auth import views as auth_views
from django.http import JsonResponse
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
def whoami(request):
    """Say, as JSON, whether the request is logged in and as whom."""
    user = request.user
    return JsonResponse(
        {
            "authenticated": user.is_authenticated,
            "username": user.get_username() if user.is_authenticated else None,
        }
    )
