from django.apps import AppConfig


class BasicsConfig(AppConfig):
    """First contact: a counter kept in a cookie, one kept in a session, and an echo."""

    name = "demo_site.basics"
    label = "basics"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "01"
