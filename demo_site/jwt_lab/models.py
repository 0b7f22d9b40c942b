"""The lab's refresh tokens: one row per token issued, grouped in families (one family per login)."""

from django.db import models


class RefreshToken(models.Model):
    """One refresh token the site issued: its ``jti``, its family, when it was used, whether it is revoked."""

    jti = models.CharField(max_length=64, unique=True)
    #: Every token rotated from one login shares a family; reuse of any of them revokes them all.
    family = models.CharField(max_length=64, db_index=True)
    username = models.CharField(max_length=150)
    issued_at = models.DateTimeField()
    #: When it was exchanged for a new pair (``None``: never). A second use is a reuse.
    used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.username} {self.family} {self.jti[:8]}"
