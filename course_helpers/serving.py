"""Serve a view of your own on the running demo site, for a moment.

A lesson that shows a view (the classic notes' code, a fix written in a cell)
and an exercise check that drives a learner's view both do it the same way::

    with serve_view(my_view) as served:
        client.get(served.path)

The view answers under a fresh path of every running demo site
(``/exercise/slot-N/``) while the block runs, and is gone afterwards. Several
views can be served together: ``serve_view({"": login, "home/": home})``
serves ``login`` at ``served.path`` and ``home`` at ``served.path + "home/"``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from course_helpers.errors import CourseError


@dataclass(frozen=True)
class ServedView:
    """Where :func:`serve_view` serves the views, and what they raised while served."""

    path: str
    errors: list[BaseException]

    def path_of(self, rest: str = "") -> str:
        """The path of the view served as ``rest`` (``""`` is the first)."""
        return self.path + rest.lstrip("/")

    def __str__(self) -> str:
        return self.path


@contextlib.contextmanager
def serve_view(view: Callable | Mapping[str, Callable]) -> Iterator[ServedView]:
    """Serve ``view`` (or a mapping ``{"rest/": view}``) under a fresh path while the block runs.

    The view is CSRF-protected like any view of the site, unless it is marked
    ``@csrf_exempt`` itself. An exception it raises still makes the site answer
    500, as in production, and is also kept in ``served.errors`` so that a
    check can say what went wrong. Raises :class:`CourseError` if ``view`` is
    not a view or a mapping of views.
    """
    routes = dict(view) if isinstance(view, Mapping) else {"": view}
    for rest, candidate in routes.items():
        if not isinstance(rest, str) or not callable(candidate):
            raise CourseError(
                "serve_view() takes a view function, or a dict mapping paths such as 'home/' to view "
                f"functions; got {rest!r}: {type(candidate).__name__}."
            )
    from demo_site.exercise_slots import plugged

    with plugged(routes) as slot:
        yield ServedView(slot.prefix, slot.errors)


__all__ = ["ServedView", "serve_view"]
