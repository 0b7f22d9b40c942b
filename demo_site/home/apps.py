from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The front page (a map of every URL) and the demo users."""

    name = "demo_site.home"
    label = "home"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "00"
