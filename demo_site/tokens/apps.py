from django.apps import AppConfig


class TokensConfig(AppConfig):
    """Tokens and JWT (lesson 10): a token API with RS256 access tokens, rotating refresh tokens and a denylist."""

    name = "demo_site.tokens"
    label = "tokens"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "10"
