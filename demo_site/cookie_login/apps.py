from django.apps import AppConfig


class CookieLoginConfig(AppConfig):
    """Logging in with a cookie (lesson 04): the classic code (vulnerable on purpose) and the fixed version."""

    name = "demo_site.cookie_login"
    label = "cookie_login"
