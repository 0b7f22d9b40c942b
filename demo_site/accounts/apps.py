from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Django's own login and logout (sessions done right), and a page that says who you are."""

    name = "demo_site.accounts"
    label = "accounts"
