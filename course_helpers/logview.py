"""What the demo site logged: request lines, warnings and errors, kept in memory."""

from __future__ import annotations

import datetime as dt

from course_helpers.display import Table


class LogView(Table):
    """The demo site's most recent log entries, as a table."""

    @classmethod
    def latest(cls, last: int = 20, *, thread_prefix: str = "") -> LogView:
        """The last ``last`` entries, only those logged by threads named ``thread_prefix...`` if given."""
        from demo_site import logs

        mine = [e for e in logs.entries() if e.thread.startswith(thread_prefix)]
        chosen = mine[-last:] if last > 0 else []
        return cls(
            ["time (UTC)", "level", "logger", "message"],
            [
                (
                    dt.datetime.fromtimestamp(e.created, dt.timezone.utc).strftime("%H:%M:%S"),
                    e.level,
                    e.logger,
                    e.message.splitlines()[0][:120] if e.message else "",
                )
                for e in chosen
            ],
            title=f"Demo site log (last {last} entries)",
            empty="(nothing logged)",
        )
