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
import sys
from collections.abc import Iterator
from types import ModuleType


@contextlib.contextmanager
def travel(delta: dt.timedelta | float) -> Iterator[dt.datetime]:
    """Within the block, it is ``delta`` later (a ``timedelta`` or seconds); the clock keeps ticking.

    Yields the moment travelled to (UTC). Blocks nest: each moves on from the last.
    """
    if isinstance(delta, bool) or not isinstance(delta, (dt.timedelta, int, float)):
        raise TypeError(f"travel() takes a timedelta or a number of seconds, not {delta!r}.")
    if not isinstance(delta, dt.timedelta):
        delta = dt.timedelta(seconds=delta)
    time_machine = _time_machine()
    destination = dt.datetime.now(dt.UTC) + delta
    with time_machine.travel(destination, tick=True):
        yield destination


def _time_machine() -> ModuleType:
    """Import time-machine, without the pytest it would import for its plugin when it can.

    In a kernel that is a quarter of a second no lesson needs. (Under pytest,
    pytest is already there and time-machine is imported as usual.)
    """
    if "time_machine" in sys.modules or "pytest" in sys.modules:
        import time_machine

        return time_machine
    sys.modules["pytest"] = None  # type: ignore[assignment]  # makes "import pytest" fail fast
    try:
        import time_machine
    finally:
        del sys.modules["pytest"]
    return time_machine
