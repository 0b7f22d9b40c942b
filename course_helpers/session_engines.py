"""The session engines the demo site knows: one table, one entry per engine.

Each entry of :data:`ENGINES` says, for one of Django's ``SESSION_ENGINE``
backends, everything the course needs to know about it: its short ``name``,
the dotted path of its ``SessionStore``, how to list the sessions it keeps
(``site.sessions()``) and how to forget them all when the kernel's last demo
site stops (so that the next site starts as fresh as its database does).

The shape is that of Django's ``django/contrib/sessions/backends/base.py``:
:class:`SessionEngine` holds what every entry shares, and an entry implements
two methods, listed under a comment that says so. Adding a store (Redis as the
session cache, say) is one more entry in :data:`ENGINES`; the embedded server,
its override check and ``site.sessions()`` read the table and need no change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from course_helpers.sessions import TABLE, SessionRow

#: Where Django's own session backends live.
BACKENDS = "django.contrib.sessions.backends"
#: Django's in-process cache: one store per ``LOCATION``, shared by every thread of the kernel.
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
#: Django's Redis cache (with the ``redis`` package): one store per Redis server, shared by every process.
REDIS = "django.core.cache.backends.redis.RedisCache"


class Found(NamedTuple):
    """What :meth:`SessionEngine.read` returns: the rows, where they were read from, notes to show."""

    rows: list[SessionRow]
    source: str
    notes: list[str]


@dataclass(frozen=True)
class SessionEngine:
    """One session engine: ``name`` (``"db"``), ``store`` (its ``SessionStore`` module path).

    ``keeps_sessions_on_server`` is ``False`` for an engine whose sessions are
    the clients' cookies themselves (``signed_cookies``): nothing to filter,
    nothing to clear. ``cache_backend`` names the cache class an engine's
    sessions must be kept in for the entry to apply (``None``: any, or none).
    ``needs_server`` is ``True`` for a store outside the kernel that must be
    started first (Redis): its :meth:`site_settings` takes the server's URL.
    """

    name: str
    store: str
    keeps_sessions_on_server: bool = True
    cache_backend: str | None = None
    needs_server: bool = False
    #: Settings beyond ``SESSION_ENGINE`` a site needs to use this engine (e.g. a ``CACHES`` entry).
    extra_settings: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def site_settings(self) -> dict[str, Any]:
        """The ``start_demo_site()`` overrides that make a site keep its sessions in this engine."""
        return {"SESSION_ENGINE": self.store, **self.extra_settings}

    def in_use(self) -> bool:
        """Whether the current settings keep sessions in this engine (and, if it says so, in its cache)."""
        from django.conf import settings

        if settings.SESSION_ENGINE != self.store:
            return False
        return self.cache_backend is None or _session_cache_backend() == self.cache_backend

    # -- the two methods each engine implements ---------------------------------------

    def read(self, cookie_values: list[str]) -> Found:
        """Every session the store holds (``cookie_values``: the clients' session-key cookies).

        Runs in a worker thread with the site's database (``site.orm``). An
        engine that keeps sessions on the server may ignore ``cookie_values``:
        :func:`~course_helpers.sessions.read_session_rows` filters by them.
        """
        raise NotImplementedError

    def clear(self) -> None:
        """Forget every session kept outside the sites' own databases; a no-op if there is none.

        Called when the kernel's last demo site stops, with that site's
        settings still in force. It must never fail because the store is not
        configured: it is called for every entry, whatever engine ran.
        """
        raise NotImplementedError


def _clear_locmem_caches() -> None:
    from django.conf import settings
    from django.core.cache import caches

    for alias, config in settings.CACHES.items():
        if config.get("BACKEND") == LOCMEM:
            caches[alias].clear()  # per thread, but every LocMemCache of a LOCATION shares one store


def _is_redis_cache(backend: str) -> bool:
    """Whether ``backend`` (a dotted path) is Django's ``RedisCache`` or a subclass of it."""
    from django.utils.module_loading import import_string

    if backend == REDIS:
        return True
    try:
        from django.core.cache.backends.redis import RedisCache

        return issubclass(import_string(backend), RedisCache)
    except (ImportError, TypeError):
        return False


def _clear_redis_caches() -> None:
    """Delete the session keys (``cache`` and ``cached_db``) of every Redis cache of the settings.

    Only those keys: a ``LOCATION`` may be a Redis server that holds other data.
    A server that is down (stopped mid-lesson) has nothing to clear.
    """
    from django.conf import settings
    from django.core.cache import caches

    for alias, config in settings.CACHES.items():
        if not _is_redis_cache(config.get("BACKEND", "")):
            continue
        with contextlib.suppress(Exception):  # redis.ConnectionError and friends: nothing to clear
            cache = caches[alias]
            client = cache._cache.get_client(write=True)
            keys = list(client.scan_iter(match=cache.make_key("django.contrib.sessions.") + "*"))
            if keys:
                client.delete(*keys)


def _clear_session_caches() -> None:
    _clear_locmem_caches()
    _clear_redis_caches()


def _session_cache_backend() -> str:
    from django.conf import settings

    return settings.CACHES.get(settings.SESSION_CACHE_ALIAS, {}).get("BACKEND", "")


@dataclass(frozen=True)
class DatabaseEngine(SessionEngine):
    """``db``: one row per session in the ``django_session`` table of the site's own database."""

    def read(self, cookie_values: list[str]) -> Found:
        from django.contrib.sessions.models import Session

        rows = []
        for session in Session.objects.all():
            try:
                data = session.get_decoded()
            except Exception:  # get_decoded() already returns {} for bad data; belt and braces
                data = {}
            rows.append(SessionRow(session.session_key, data, session.expire_date, session.session_data))
        return Found(rows, TABLE, [])

    def clear(self) -> None:
        """Nothing to do: each site's database is deleted when the site stops."""


@dataclass(frozen=True)
class CacheEngine(SessionEngine):
    """``cache``: one cache entry per session, in the in-process ``LocMemCache`` of the kernel."""

    def read(self, cookie_values: list[str]) -> Found:
        from django.conf import settings
        from django.contrib.sessions.backends.cache import KEY_PREFIX
        from django.core.cache import caches

        cache = caches[settings.SESSION_CACHE_ALIAS]
        source = f"the cache {settings.SESSION_CACHE_ALIAS!r}"
        rows = []
        marker = cache.make_key(KEY_PREFIX)
        for full_key, expires_at in list(cache._expire_info.items()):
            key = full_key[len(marker) :]
            # "...sessions.cache" is also the start of cached_db's "...sessions.cached_db" keys.
            if not full_key.startswith(marker) or not _is_session_key(key):
                continue
            data = cache.get(KEY_PREFIX + key)
            if data is None:  # expired between listing and reading
                continue
            expires = (
                dt.datetime.fromtimestamp(expires_at, dt.UTC)
                if expires_at
                else dt.datetime.max.replace(tzinfo=dt.UTC)
            )
            rows.append(SessionRow(key, dict(data), expires, f"cache key {KEY_PREFIX}{key}"))
        return Found(rows, f"{source} (keys {KEY_PREFIX}<session key>)", [])

    def clear(self) -> None:
        """Empty every ``LocMemCache`` of the settings: they live as long as the kernel, not the site."""
        _clear_locmem_caches()


@dataclass(frozen=True)
class CachedDatabaseEngine(DatabaseEngine):
    """``cached_db``: the ``django_session`` table, with each row also kept in the cache (read first)."""

    def read(self, cookie_values: list[str]) -> Found:
        found = super().read(cookie_values)
        return Found(
            found.rows, found.source, ["cached_db: each row is also kept in the cache, which is read first."]
        )

    def clear(self) -> None:
        """The rows go with the site's database; the cached copies (LocMem or Redis) are cleared."""
        _clear_session_caches()


@dataclass(frozen=True)
class RedisCacheEngine(SessionEngine):
    """``redis``: the ``cache`` engine with a Redis server as the session cache (``RedisCache``).

    Where the server is is known only once one runs, so :meth:`site_settings`
    takes its URL: ``engine_named("redis").site_settings(redis.url)``.
    """

    def site_settings(self, location: str | None = None) -> dict[str, Any]:
        """The overrides for sessions in the Redis server at ``location`` (``redis://127.0.0.1:N/0``).

        Raises ``ValueError`` without a location.
        """
        if not location:
            raise ValueError(
                "The redis engine needs the URL of a running Redis server: "
                "redis = start_redis_server(); engine_named('redis').site_settings(redis.url)."
            )
        return {
            "SESSION_ENGINE": self.store,
            "CACHES": {"default": {"BACKEND": self.cache_backend, "LOCATION": location}},
        }

    def in_use(self) -> bool:
        from django.conf import settings

        return settings.SESSION_ENGINE == self.store and _is_redis_cache(_session_cache_backend())

    def read(self, cookie_values: list[str]) -> Found:
        from django.conf import settings
        from django.contrib.sessions.backends.cache import KEY_PREFIX
        from django.core.cache import caches

        cache = caches[settings.SESSION_CACHE_ALIAS]
        client = cache._cache.get_client()
        marker = cache.make_key(KEY_PREFIX)
        now = dt.datetime.now(dt.UTC)
        rows = []
        for raw in client.scan_iter(match=marker + "*"):
            full_key = raw.decode() if isinstance(raw, bytes) else raw
            key = full_key[len(marker) :]
            if not _is_session_key(
                key
            ):  # "...sessions.cache" also starts cached_db's "...sessions.cached_db"
                continue
            data = cache.get(KEY_PREFIX + key)
            if data is None:  # expired between listing and reading
                continue
            ttl = client.ttl(full_key)
            expires = now + dt.timedelta(seconds=ttl) if ttl >= 0 else dt.datetime.max.replace(tzinfo=dt.UTC)
            rows.append(SessionRow(key, dict(data), expires, f"Redis key {full_key}"))
        return Found(rows, f"the Redis server at {cache._servers[0]} (keys {marker}<session key>)", [])

    def clear(self) -> None:
        """Delete the session keys of every Redis cache of the settings (and empty the LocMem ones)."""
        _clear_session_caches()


@dataclass(frozen=True)
class FileEngine(SessionEngine):
    """``file``: one file per session in ``SESSION_FILE_PATH`` (in this kernel's data folder)."""

    def read(self, cookie_values: list[str]) -> Found:
        from django.conf import settings
        from django.contrib.sessions.backends.file import SessionStore

        folder = Path(SessionStore._get_storage_path())
        prefix = settings.SESSION_COOKIE_NAME
        rows = []
        for file in sorted(folder.glob(f"{prefix}*")):
            key = file.name[len(prefix) :]
            store = SessionStore(key)
            text = file.read_text(encoding="ascii", errors="replace")
            data = store.decode(text)
            modified = dt.datetime.fromtimestamp(file.stat().st_mtime, dt.UTC)
            expires = store.get_expiry_date(modification=modified, expiry=data.get("_session_expiry"))
            rows.append(SessionRow(key, data, expires, text))
        return Found(rows, f"one file per session in {folder}", [])

    def clear(self) -> None:
        """Delete the session files, only ever inside this kernel's data folder."""
        from django.conf import settings

        folder = Path(settings.SESSION_FILE_PATH or "")
        if folder.is_dir() and folder.is_relative_to(settings.DEMO_SITE_DATA_DIR):
            for file in folder.glob(f"{settings.SESSION_COOKIE_NAME}*"):
                with contextlib.suppress(OSError):
                    file.unlink()


@dataclass(frozen=True)
class SignedCookieEngine(SessionEngine):
    """``signed_cookies``: the server keeps nothing; each session is the signed cookie its client holds."""

    def read(self, cookie_values: list[str]) -> Found:
        from django.contrib.sessions.backends.signed_cookies import SessionStore
        from django.core import signing

        rows = []
        for value in cookie_values:
            store = SessionStore(value)
            data = store.load()
            if store.modified:  # load() found a bad or expired signature and started a new session
                continue
            signed_at = dt.datetime.fromtimestamp(signing.b62_decode(value.rsplit(":", 2)[1]), dt.UTC)
            expires = store.get_expiry_date(modification=signed_at, expiry=data.get("_session_expiry"))
            rows.append(SessionRow(value, dict(data), expires, value))
        notes = [
            "signed_cookies: the server keeps nothing; each session is the signed cookie its client holds."
        ]
        if not cookie_values:
            notes.append("Pass clients, site.sessions(client), to see the sessions their cookies carry.")
        return Found(rows, "the clients' sessionid cookies", notes)

    def clear(self) -> None:
        """Nothing to do: the sessions are in the clients' cookie jars."""


#: Every session engine the course can list and clear, in the order the lessons meet them.
ENGINES: tuple[SessionEngine, ...] = (
    DatabaseEngine("db", f"{BACKENDS}.db"),
    CacheEngine("cache", f"{BACKENDS}.cache", cache_backend=LOCMEM),
    CachedDatabaseEngine("cached_db", f"{BACKENDS}.cached_db"),
    RedisCacheEngine("redis", f"{BACKENDS}.cache", cache_backend=REDIS, needs_server=True),
    FileEngine("file", f"{BACKENDS}.file"),
    SignedCookieEngine("signed_cookies", f"{BACKENDS}.signed_cookies", keeps_sessions_on_server=False),
)


def engine_named(name: str) -> SessionEngine:
    """The entry called ``name`` (``"file"``); ``LookupError`` naming the known ones otherwise."""
    for engine in ENGINES:
        if engine.name == name:
            return engine
    known = ", ".join(engine_names(with_servers=True))
    raise LookupError(f"No session engine is called {name!r}; the course knows {known}.")


def engine_names(*, with_servers: bool = False) -> list[str]:
    """The short names of the entries a site can use at once, in table order.

    ``with_servers=True`` adds the entries whose store is a server to start
    first (``redis``: see :class:`RedisCacheEngine`).
    """
    return [engine.name for engine in ENGINES if with_servers or not engine.needs_server]


def engine_in_use() -> SessionEngine | None:
    """The entry for the current ``SESSION_ENGINE`` (and session cache), or ``None`` for a store the course cannot list."""
    return next((engine for engine in ENGINES if engine.in_use()), None)


def store_paths() -> list[str]:
    """The ``SessionStore`` module paths of the table, each once (for error messages)."""
    return list(dict.fromkeys(engine.store for engine in ENGINES))


def clear_all() -> None:
    """Forget the sessions every engine keeps outside the sites' databases (the last site has stopped)."""
    for engine in ENGINES:
        engine.clear()


def _is_session_key(text: str) -> bool:
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS

    return 8 <= len(text) <= 40 and set(text) <= set(VALID_KEY_CHARS)


__all__ = [
    "ENGINES",
    "CacheEngine",
    "CachedDatabaseEngine",
    "DatabaseEngine",
    "FileEngine",
    "RedisCacheEngine",
    "Found",
    "SessionEngine",
    "SignedCookieEngine",
    "clear_all",
    "engine_in_use",
    "engine_named",
    "engine_names",
    "store_paths",
]
