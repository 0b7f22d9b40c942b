from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The front page (a map of every URL) and the demo users."""

    name = "demo_site.home"
    label = "home"
