from django.apps import AppConfig


class EndingConfig(AppConfig):
    """Ending a session (lesson 07): del, pop, clear, flush, cycle_key, fixation, logging out everywhere, active sessions."""

    name = "demo_site.ending"
    label = "ending"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "07"
