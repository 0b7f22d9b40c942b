"""Slots where an exercise check plugs a learner's view into the running site.

A "fix the view" exercise registers the learner's views under a fresh slot
(``/exercise/<slot>/...``), drives them over HTTP like any other page, and
unplugs them. An exception raised by a learner's view is remembered for the
check to report (Django still answers 500, as it would in production).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.http import Http404
from django.views.decorators.csrf import csrf_exempt, csrf_protect

_slots: dict[str, Slot] = {}
_lock = threading.Lock()
_numbers = itertools.count(1)


@dataclass
class Slot:
    """The views plugged under one slot, by the rest of the path, and what they raised."""

    name: str
    routes: dict[str, Callable]
    errors: list[BaseException] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"/exercise/{self.name}/"


@contextlib.contextmanager
def plugged(routes: dict[str, Callable]) -> Iterator[Slot]:
    """Serve ``routes`` (``{"": view, "home/": other}``) under a new slot while the block runs."""
    slot = Slot(f"slot-{next(_numbers)}", dict(routes))
    with _lock:
        _slots[slot.name] = slot
    try:
        yield slot
    finally:
        with _lock:
            _slots.pop(slot.name, None)


@csrf_exempt  # the plugged view decides: CSRF-protected unless it is marked csrf_exempt itself
def dispatch(request, slot: str, rest: str = ""):
    """A test URL where exercise checks plug in a learner's view (404 when nothing is plugged)."""
    with _lock:
        plugged_slot = _slots.get(slot)
    if plugged_slot is None or rest not in plugged_slot.routes:
        raise Http404("Nothing is plugged in here.")
    view = plugged_slot.routes[rest]
    guarded = view if getattr(view, "csrf_exempt", False) else csrf_protect(view)
    try:
        response = guarded(request)
    except Http404:
        raise
    except Exception as exc:
        plugged_slot.errors.append(exc)
        raise
    if response is None:
        # Django raises this very error once dispatch() returns; raised here, the check can report it.
        name = getattr(view, "__qualname__", type(view).__name__)
        error = ValueError(f"The view {name} didn't return an HttpResponse object. It returned None instead.")
        plugged_slot.errors.append(error)
        raise error
    return response


#: A test URL, not a page: the front page leaves it out (``demo_site.home.views``).
dispatch.internal_route = True
