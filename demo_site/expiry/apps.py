from django.apps import AppConfig


class ExpiryConfig(AppConfig):
    """Session expiry (lesson 06): set_expiry in every form, sliding and absolute timeouts."""

    name = "demo_site.expiry"
    label = "expiry"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "06"
