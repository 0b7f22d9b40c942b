from django.apps import AppConfig


class BasicsConfig(AppConfig):
    """First contact: a counter kept in a cookie, one kept in a session, and an echo."""

    name = "demo_site.basics"
    label = "basics"
