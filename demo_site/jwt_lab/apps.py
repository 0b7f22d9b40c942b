from django.apps import AppConfig


class JwtLabConfig(AppConfig):
    """JWT attack lab (lesson 11): seven attacks on token verifiers (vulnerable on purpose) and the fixed API."""

    name = "demo_site.jwt_lab"
    label = "jwt_lab"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "11"
