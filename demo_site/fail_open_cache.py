"""A Redis cache that fails open: while Redis is down, reads miss and writes are dropped (lesson 13).

Django's ``RedisCache`` raises ``redis.ConnectionError`` when the server is
gone. The ``cache`` session engine survives a failed read (it catches it and
starts an empty session), but ``cached_db`` does not: after reading the row
from the database it refills the cache, unguarded, and the request answers
500. A cache is a copy, so a site can treat "Redis is down" as "the cache is
empty": :class:`FailOpenRedisCache` does that for the reads sessions make
(``get``, ``get_many``, ``has_key``) and for ``set``, logs one warning per
failed call (``site.log()`` shows them), and lets ``cached_db`` fall back to
its table. It is django-redis's ``IGNORE_EXCEPTIONS``, with three exceptions.

``delete`` still raises: a logout (``flush()``) or a new key at login
(``cycle_key()``) deletes the row, but the copy in the cache cannot go while
Redis is down, and ``cached_db`` reads that copy *first* if Redis comes back
with its data (after a network blip rather than a restart): a logged-out
session back to life. Such a request must fail loudly (a 500 and an error in
the log), not pass with a warning. ``add`` and ``incr`` raise
too: their answer means something (was the key free? what is the count?) and
no value is better than a wrong one.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

_log = logging.getLogger("demo_site")


@contextlib.contextmanager
def _when_redis_is_down(call: str) -> Iterator[None]:
    """Swallow (and log) a lost connection to Redis; any other error goes through."""
    from redis.exceptions import ConnectionError, TimeoutError

    try:
        yield
    except (ConnectionError, TimeoutError) as exc:
        _log.warning(
            "Redis is down (%s: %s): the cache answers as if it were empty", call, type(exc).__name__
        )


class FailOpenRedisCache(RedisCache):
    """``RedisCache`` whose reads miss and whose writes are dropped while Redis is down."""

    def get(self, key, default=None, version=None):
        with _when_redis_is_down("get"):
            return super().get(key, default, version)
        return default

    def get_many(self, keys, version=None):
        with _when_redis_is_down("get_many"):
            return super().get_many(keys, version)
        return {}

    def has_key(self, key, version=None):
        with _when_redis_is_down("has_key"):
            return super().has_key(key, version)
        return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with _when_redis_is_down("set"):
            super().set(key, value, timeout, version)
