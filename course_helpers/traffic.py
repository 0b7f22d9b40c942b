"""Requests through a load balancer, counted: who answered, as whom (lesson 13).

``ask_whoami(client)`` sends a few GETs to ``/accounts/whoami/`` and returns
``(server, user)`` for each answer (the server from the balancer's
``X-Backend`` header); ``tally(answers)`` counts them in a :class:`Table`.
``twice_at_once(client, path)`` sends two POSTs at the same moment, the way
two tabs race on one session.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from course_helpers.display import Table

WHOAMI = "/accounts/whoami/"


def ask_whoami(client: Any, n: int = 20) -> list[tuple[str, str]]:
    """``n`` GETs to ``/accounts/whoami/``: ``(server that answered, username or "anonymous")`` for each."""
    replies = [client.get(WHOAMI) for _ in range(n)]
    return [(r.headers["X-Backend"], r.json()["username"] or "anonymous") for r in replies]


def tally(answers: list[tuple[str, str]], title: str = "") -> Table:
    """How many answers each ``(server, user)`` pair gave, one row a pair, sorted."""
    counts = {pair: answers.count(pair) for pair in sorted(set(answers))}
    return Table(["server", "user", "answers"], [(*pair, n) for pair, n in counts.items()], title=title)


def twice_at_once(client: Any, path: str, data: dict[str, str] | None = None) -> list[Any]:
    """Two POSTs of ``client`` to ``path`` at the same moment (CSRF token sent); the replies by ``X-Backend``.

    Behind a round-robin balancer, one goes to each server.
    """

    def post(_: int) -> Any:
        return client.post(path, data=data or {"item": "tea"}, headers={"X-CSRFToken": client.csrf_token})

    with ThreadPoolExecutor(2) as pool:
        return sorted(pool.map(post, range(2)), key=lambda r: r.headers.get("X-Backend", ""))


__all__ = ["ask_whoami", "tally", "twice_at_once"]
