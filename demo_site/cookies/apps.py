from django.apps import AppConfig


class CookiesConfig(AppConfig):
    """Cookies in Django (lesson 02): every set_cookie parameter, deleting, the test cookie."""

    name = "demo_site.cookies"
    label = "cookies"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "02"
