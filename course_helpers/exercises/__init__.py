"""Exercises that check themselves.

In a lesson, one line brings its exercises in::

    from course_helpers.exercises import lesson00 as ex

then ``ex.q1.check()``, ``ex.q1.hint()`` and ``ex.q1.solution()``. A starter
cell leaves ``...`` where the answer goes; until it is replaced, ``check()``
says *not attempted*.
"""

from __future__ import annotations

import importlib
import importlib.util

from course_helpers import catalog
from course_helpers.display import Table
from course_helpers.exercises import store
from course_helpers.exercises.core import Exercise, Lesson, Outcome


def lessons() -> list[Lesson]:
    """Every lesson notebook that has exercises, in the catalog's order (``course_helpers.catalog``).

    A notebook's exercises are its catalog entry's ``exercise_module``; a
    notebook without such a module has none.
    """
    found = []
    for notebook in catalog.notebooks():
        if importlib.util.find_spec(notebook.exercise_module) is not None:
            found.append(importlib.import_module(notebook.exercise_module).LESSON)
    return found


def progress() -> Table:
    """Show which exercises of which lessons are solved (kept across kernel restarts)."""
    solved = store.load()
    rows = []
    for lesson in lessons():
        for exercise in lesson.exercises.values():
            when = solved.get(exercise.label)
            rows.append((lesson.number, exercise.name, exercise.title, "✓ solved" if when else "not yet"))
    done = sum(1 for row in rows if row[3] != "not yet")
    return Table(
        ["lesson", "exercise", "title", "status"],
        rows,
        title=f"Progress: {done} of {len(rows)} exercises solved",
        notes=[f"Kept in {store.progress_file()}; reset_progress() starts again."],
    )


def reset_progress(lesson: str | int | None = None) -> str:
    """Forget which exercises are solved: all of them, or those of ``lesson`` (``3``, ``"03"``, ``"04a"``).

    Raises ``ValueError`` naming the lessons there are when ``lesson`` is none of them.
    """
    number = None if lesson is None else _notebook_key(lesson)
    store.reset(number)
    return "Progress reset" + (f" for lesson {number}." if number else " for every lesson.")


def _notebook_key(lesson: str | int) -> str:
    text = str(lesson).strip()
    digits = len(text) - len(text.lstrip("0123456789"))
    key = f"{int(text[:digits]):02d}{text[digits:]}" if digits else text
    keys = [notebook.key for notebook in catalog.notebooks()]
    if key not in keys:
        raise ValueError(f"There is no lesson {lesson!r}; the lessons are {', '.join(keys)}.")
    return key


__all__ = ["Exercise", "Lesson", "Outcome", "lessons", "progress", "reset_progress"]
