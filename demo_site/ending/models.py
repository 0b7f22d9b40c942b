"""The index from user to session that Django does not keep: one row per signed-in session."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class DeviceSession(models.Model):
    """One signed-in session of a user: its key, the browser it came from, when it was last seen.

    Django's ``django_session`` table is keyed by session key alone; who a
    session belongs to is inside its encoded data. This table is the index a
    "your active sessions" page needs. Its ``id`` is what pages show and
    forms post: never the session key, which is a password in all but name.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=200, blank=True)
    signed_in = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_in", "id"]

    def __str__(self) -> str:
        return f"session #{self.pk} of {self.user}"
