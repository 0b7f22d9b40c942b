from django.apps import AppConfig


class EndingConfig(AppConfig):
    """Ending a session (lesson 07): del, pop, clear, flush, cycle_key, fixation, logging out everywhere, active sessions."""

    name = "demo_site.ending"
    label = "ending"
    #: The lesson of course_helpers.catalog this app belongs to: the front page groups its URLs there.
    lesson = "07"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from demo_site.ending import index

        user_logged_in.connect(index.record_login, dispatch_uid="demo_site.ending.record_login")
        user_logged_out.connect(index.forget_logout, dispatch_uid="demo_site.ending.forget_logout")
