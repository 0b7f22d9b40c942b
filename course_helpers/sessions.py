"""Where the sessions are, decoded and shown as a table, whatever the session engine.

``site.sessions()`` returns a :class:`SessionTable`; each row is a
:class:`SessionRow` with the full key, the decoded data and the expiry. The
rows come from wherever ``SESSION_ENGINE`` keeps them: the ``django_session``
table (``db``, ``cached_db``), one file per session (``file``), entries of
the cache (``cache``), or, for ``signed_cookies``, the clients' own cookies.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course_helpers.display import Table, describe_age, shorten

#: How many characters of a session key a table shows (the rest is elided).
KEY_SHOWN = 8
#: Where the ``db`` and ``cached_db`` engines keep sessions.
TABLE = "the django_session table"


def _title(count: int, source: str) -> str:
    plural = "" if count == 1 else "s"
    if source == TABLE:
        return f"django_session: {count} row{plural}"
    return f"{count} session{plural} in {source}"


@dataclass(frozen=True)
class SessionRow:
    """One row of ``django_session``: ``session_key``, decoded data, ``expire_date``."""

    session_key: str
    data: dict[str, Any]
    expire_date: dt.datetime
    session_data: str


def read_session_rows(cookie_values: list[str] | None = None) -> SessionTable:
    """Read every session of the current site, wherever its engine keeps them.

    Call it through ``site.orm`` (it may query the database). ``cookie_values``
    are the ``sessionid`` cookies of the clients to look at: the only place
    the ``signed_cookies`` engine keeps anything, and a filter for the others.
    """
    from django.conf import settings

    engine = settings.SESSION_ENGINE.rsplit(".", 1)[-1]
    reader = _READERS.get(engine)
    if reader is None:
        return SessionTable([], source=f"{settings.SESSION_ENGINE} (a store this helper cannot list)")
    rows, source, notes = reader(cookie_values or [])
    if cookie_values is not None and engine != "signed_cookies":
        rows = [row for row in rows if row.session_key in cookie_values]
    rows.sort(key=lambda row: (row.expire_date, row.session_key))
    return SessionTable(rows, source=source, notes=notes)


def _from_table(_cookies: list[str]) -> tuple[list[SessionRow], str, list[str]]:
    from django.conf import settings
    from django.contrib.sessions.models import Session

    rows = []
    for session in Session.objects.all():
        try:
            data = session.get_decoded()
        except Exception:  # get_decoded() already returns {} for bad data; belt and braces
            data = {}
        rows.append(SessionRow(session.session_key, data, session.expire_date, session.session_data))
    notes = []
    if settings.SESSION_ENGINE.endswith("cached_db"):
        notes.append("cached_db: each row is also kept in the cache, which is read first.")
    return rows, TABLE, notes


def _from_files(_cookies: list[str]) -> tuple[list[SessionRow], str, list[str]]:
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
    return rows, f"one file per session in {folder}", []


def _from_cache(_cookies: list[str]) -> tuple[list[SessionRow], str, list[str]]:
    from django.conf import settings
    from django.contrib.sessions.backends.cache import KEY_PREFIX
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    cache = caches[settings.SESSION_CACHE_ALIAS]
    source = f"the cache {settings.SESSION_CACHE_ALIAS!r}"
    if not isinstance(cache, LocMemCache):
        return [], source, [f"{type(cache).__name__} cannot be listed by this helper; look a key up instead."]
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
    return rows, f"{source} (keys {KEY_PREFIX}<session key>)", []


def _from_cookies(cookie_values: list[str]) -> tuple[list[SessionRow], str, list[str]]:
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
    notes = ["signed_cookies: the server keeps nothing; each session is the signed cookie its client holds."]
    if not cookie_values:
        notes.append("Pass clients, site.sessions(client), to see the sessions their cookies carry.")
    return rows, "the clients' sessionid cookies", notes


_READERS = {
    "db": _from_table,
    "cached_db": _from_table,
    "file": _from_files,
    "cache": _from_cache,
    "signed_cookies": _from_cookies,
}


class SessionTable(Table):
    """The session rows of a demo site; behaves like a list of :class:`SessionRow`."""

    def __init__(
        self,
        rows: list[SessionRow],
        *,
        now: dt.datetime | None = None,
        source: str = TABLE,
        notes: list[str] | None = None,
    ):
        self.records = list(rows)
        self.source = source
        now = now or dt.datetime.now(dt.UTC)
        super().__init__(
            ["session_key", "data", "expire_date (UTC)", "expires"],
            [
                (
                    shorten_key(row.session_key),
                    shorten(json.dumps(row.data, sort_keys=True, default=str), 60),
                    row.expire_date.strftime("%Y-%m-%d %H:%M:%S"),
                    describe_age((row.expire_date - now).total_seconds())
                    if row.expire_date > now
                    else f"expired {describe_age((row.expire_date - now).total_seconds())}",
                )
                for row in self.records
            ],
            title=_title(len(self.records), source),
            notes=notes or [],
            empty="(the table is empty)" if source == TABLE else "(no sessions)",
        )

    def __iter__(self) -> Iterator[SessionRow]:
        return iter(self.records)

    def __getitem__(self, index: int) -> SessionRow:
        return self.records[index]

    def keys(self) -> list[str]:
        """The full session keys, in the table's order."""
        return [row.session_key for row in self.records]

    def get(self, session_key: str) -> SessionRow | None:
        """The row with this key, or ``None``."""
        return next((row for row in self.records if row.session_key == session_key), None)


def _is_session_key(text: str) -> bool:
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS

    return 8 <= len(text) <= 40 and set(text) <= set(VALID_KEY_CHARS)


def shorten_key(key: str) -> str:
    """Show the first characters of a secret key, never all of it."""
    return key if len(key) <= KEY_SHOWN else f"{key[:KEY_SHOWN]}…"
