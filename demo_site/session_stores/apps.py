from django.apps import AppConfig


class SessionStoresConfig(AppConfig):
    """Where sessions live (lesson 09): one cart, five session engines, and what each keeps where."""

    name = "demo_site.session_stores"
    label = "session_stores"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "09"
