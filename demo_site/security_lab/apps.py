from django.apps import AppConfig


class SecurityLabConfig(AppConfig):
    """The cookie security lab (lesson 12): SameSite targets, cookie prefixes, and pages vulnerable on purpose."""

    name = "demo_site.security_lab"
    label = "security_lab"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "12"
