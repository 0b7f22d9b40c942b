from django.apps import AppConfig


class CapstoneConfig(AppConfig):
    """The capstone (lesson 14): the login form template the learner's "remember me" views render."""

    name = "demo_site.capstone"
    label = "capstone"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "14"
