"""Where the sessions are, decoded and shown as a table, whatever the session engine.

``site.sessions()`` returns a :class:`SessionTable`; each row is a
:class:`SessionRow` with the full key, the decoded data and the expiry. The
rows come from wherever ``SESSION_ENGINE`` keeps them: the ``django_session``
table (``db``, ``cached_db``), one file per session (``file``), entries of
the cache (``cache``), or, for ``signed_cookies``, the clients' own cookies.
How each engine is read is an entry of :mod:`course_helpers.session_engines`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
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
    The engine is found in :data:`course_helpers.session_engines.ENGINES`.
    """
    from django.conf import settings

    from course_helpers.session_engines import engine_in_use  # it builds on SessionRow, defined here

    engine = engine_in_use()
    if engine is None:
        return SessionTable([], source=f"{settings.SESSION_ENGINE} (a store this helper cannot list)")
    rows, source, notes = engine.read(cookie_values or [])
    if cookie_values is not None and engine.keeps_sessions_on_server:
        rows = [row for row in rows if row.session_key in cookie_values]
    rows.sort(key=lambda row: (row.expire_date, row.session_key))
    return SessionTable(rows, source=source, notes=notes)


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


def shorten_key(key: str) -> str:
    """Show the first characters of a secret key, never all of it."""
    return key if len(key) <= KEY_SHOWN else f"{key[:KEY_SHOWN]}…"
