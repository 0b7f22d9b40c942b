"""The weak session store of the vulnerable login (lesson 12): guessable IDs, on purpose."""

from django.db import models


class WeakSession(models.Model):
    """One session of /vulnerable/security-lab/weak/: its guessable ID (hashed) and who it logs in.

    ``key`` holds the SHA-256 of the ID, as a careful store would: reading the table
    gives no ID to replay, so lesson 12's exercise must predict one.
    """

    key = models.CharField(max_length=64, unique=True)
    username = models.CharField(max_length=150)
    created = models.DateTimeField(auto_now_add=True)
