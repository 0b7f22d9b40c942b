"""The ``django_session`` table, decoded and shown as a table.

``site.sessions()`` returns a :class:`SessionTable`; each row is a
:class:`SessionRow` with the full key, the decoded data and the expiry.
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


@dataclass(frozen=True)
class SessionRow:
    """One row of ``django_session``: ``session_key``, decoded data, ``expire_date``."""

    session_key: str
    data: dict[str, Any]
    expire_date: dt.datetime
    session_data: str


def read_session_rows() -> SessionTable:
    """Read every session row of the current database (call it through ``site.orm``)."""
    from django.contrib.sessions.models import Session

    rows = []
    for session in Session.objects.order_by("expire_date", "session_key"):
        try:
            data = session.get_decoded()
        except Exception:  # get_decoded() already returns {} for bad data; belt and braces
            data = {}
        rows.append(SessionRow(session.session_key, data, session.expire_date, session.session_data))
    return SessionTable(rows)


class SessionTable(Table):
    """The session rows of a demo site; behaves like a list of :class:`SessionRow`."""

    def __init__(self, rows: list[SessionRow], *, now: dt.datetime | None = None):
        self.records = list(rows)
        now = now or dt.datetime.now(dt.timezone.utc)
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
            title=f"django_session: {len(self.records)} row{'s' if len(self.records) != 1 else ''}",
            empty="(the table is empty)",
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
