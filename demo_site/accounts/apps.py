from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Django's own login and logout (sessions done right), and a page that says who you are."""

    name = "demo_site.accounts"
    label = "accounts"
    verbose_name = "Django's own login"
    #: No lesson of the catalog yet (sessions come in Part 2): the front page lists it under its verbose_name.
    lesson = None
