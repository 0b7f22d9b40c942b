"""What the demo site logged: request lines, warnings and errors, kept in memory."""

from __future__ import annotations

import datetime as dt

from course_helpers.display import Table


class LogView(Table):
    """The demo site's most recent log records, as a table."""

    @classmethod
    def latest(cls, last: int = 20) -> LogView:
        from demo_site import logs

        records = logs.records()[-last:] if last > 0 else []
        return cls(
            ["time (UTC)", "level", "logger", "message"],
            [
                (
                    dt.datetime.fromtimestamp(r.created, dt.timezone.utc).strftime("%H:%M:%S"),
                    r.levelname,
                    r.name,
                    getattr(r, "formatted", str(r.msg)).splitlines()[0][:120],
                )
                for r in records
            ],
            title=f"Demo site log (last {last} records)",
            empty="(nothing logged)",
        )
