"""The state a "stateless" token API needs after all (lesson 10).

A signed token proves itself until its ``exp``; taking one back early, or
noticing that a stolen refresh token was used twice, needs the server to
remember something. These two tables are that memory.
"""

from django.conf import settings
from django.db import models


class RefreshToken(models.Model):
    """One refresh token the site issued: its ``jti``, its family (one login) and whether it was used."""

    jti = models.CharField(max_length=64, unique=True)
    #: Every refresh token of one login shares a family (the tokens' ``sid``): reuse revokes them all.
    family = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"refresh {self.jti[:8]}… of {self.family[:8]}…"


class DeniedToken(models.Model):
    """An access token refused before its ``exp`` (at logout): the ``jti`` denylist.

    A row is only needed until the token's own ``exp``: after it, the signature
    check refuses the token anyway, so old rows can be deleted.
    """

    jti = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    denied_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"denied {self.jti[:8]}…"
