from django.apps import AppConfig


class ExpiryConfig(AppConfig):
    """Session expiry (lesson 06): set_expiry in every form, sliding and absolute timeouts."""

    name = "demo_site.expiry"
    label = "expiry"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "06"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from demo_site.expiry.middleware import restart_on_login

        user_logged_in.connect(restart_on_login, dispatch_uid="demo_site.expiry.restart_on_login")
