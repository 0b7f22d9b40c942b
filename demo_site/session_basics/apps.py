from django.apps import AppConfig


class SessionBasicsConfig(AppConfig):
    """Sessions under the hood (lesson 05): request.session, the django_session table, when a session is saved."""

    name = "demo_site.session_basics"
    label = "session_basics"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "05"
