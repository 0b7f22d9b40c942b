from django.apps import AppConfig


class CookieLoginConfig(AppConfig):
    """Logging in with a cookie (lesson 04): the classic code (vulnerable on purpose) and the fixed version."""

    name = "demo_site.cookie_login"
    label = "cookie_login"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "04"
