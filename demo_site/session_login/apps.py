from django.apps import AppConfig


class SessionLoginConfig(AppConfig):
    """Logging in with a session (lesson 08): the classic session login (vulnerable on purpose), then Django's own."""

    name = "demo_site.session_login"
    label = "session_login"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "08"
