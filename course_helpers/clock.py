"""Control the clock instead of waiting: expiry shown in milliseconds, not minutes.

``travel(delta)`` moves the time of the whole kernel forward: the notebook's
code, the demo site's threads (same process) and the ``requests`` cookie
jar, which all read ``time.time()``. Leaving the ``with`` block brings the
real clock back. It is built on time-machine, which does not touch
``time.monotonic()`` (timeouts and event loops keep working).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator


@contextlib.contextmanager
def travel(delta: dt.timedelta | float) -> Iterator[dt.datetime]:
    """Within the block, it is ``delta`` later (a ``timedelta`` or seconds); the clock keeps ticking.

    Yields the moment travelled to (UTC). Blocks nest: each moves on from the last.
    """
    if isinstance(delta, bool) or not isinstance(delta, (dt.timedelta, int, float)):
        raise TypeError(f"travel() takes a timedelta or a number of seconds, not {delta!r}.")
    if not isinstance(delta, dt.timedelta):
        delta = dt.timedelta(seconds=delta)
    # Imported here, not at the top: time-machine imports pytest, a quarter of a
    # second that a lesson which never travels should not pay.
    import time_machine

    destination = dt.datetime.now(dt.timezone.utc) + delta
    with time_machine.travel(destination, tick=True):
        yield destination
