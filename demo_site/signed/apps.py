from django.apps import AppConfig


class SignedConfig(AppConfig):
    """Signed cookies (lesson 03): set_signed_cookie, get_signed_cookie, salts and max_age."""

    name = "demo_site.signed"
    label = "signed"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "03"
