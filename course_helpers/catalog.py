"""The lesson catalog: every lesson of the course, its notebooks and its exercise modules.

One table, read by everything that needs to know what the lessons are: the
exercise engine (``progress()``), the proofs and the re-run tests, ``make
notebooks``, ``make bench``, and the test that keeps the README's table of
contents and lesson 00's map in step. Nothing else derives lessons from file
names.

A lesson is usually one notebook. A lesson too long for one sitting is split
into parts, each its own notebook with its own exercises::

    Lesson("04", "logging_in_with_a_cookie", "Logging in with a cookie", PART_1, parts=("a", "b"))

gives ``04a_logging_in_with_a_cookie.ipynb`` (exercises in ``lesson04a``) and
``04b_logging_in_with_a_cookie.ipynb`` (``lesson04b``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Where the notebooks live.
NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"

START = "Start here"
PART_1 = "Part 1 · Cookies"
PART_2 = "Part 2 · Sessions"
PART_3 = "Part 3 · Beyond one table"


@dataclass(frozen=True)
class Notebook:
    """One notebook of a lesson: ``key`` is ``"03"`` (or ``"04a"`` for a part of a split lesson)."""

    key: str
    lesson: Lesson = field(repr=False, compare=False)

    @property
    def filename(self) -> str:
        """``03_signed_cookies.ipynb``."""
        return f"{self.key}_{self.lesson.slug}.ipynb"

    @property
    def path(self) -> Path:
        return NOTEBOOKS_DIR / self.filename

    @property
    def exercise_module(self) -> str:
        """``course_helpers.exercises.lesson03``: where this notebook's exercises are defined."""
        return f"course_helpers.exercises.lesson{self.key}"

    @property
    def title(self) -> str:
        """The lesson's title, with the part for a split lesson: ``Logging in with a cookie (part a)``."""
        suffix = self.key[len(self.lesson.number) :]
        return f"{self.lesson.title} (part {suffix})" if suffix else self.lesson.title


@dataclass(frozen=True)
class Lesson:
    """One lesson: its two-digit ``number``, file-name ``slug``, ``title`` and the course part it is in.

    ``budget_s`` is how long each of its notebooks may take in ``make bench``; ``drives`` names the real
    programs it starts (Chromium, Redis), whose start-up the kernel-start floor does not cover.
    """

    number: str
    slug: str
    title: str
    part: str
    parts: tuple[str, ...] = ()
    #: Seconds each of its notebooks may take to execute in ``make bench`` (kernel start included).
    budget_s: float = 5.0
    #: Real programs its notebooks start (a browser, a Redis server): their time is theirs, not the lesson's.
    drives: tuple[str, ...] = ()

    @property
    def notebooks(self) -> tuple[Notebook, ...]:
        """The lesson's notebooks in reading order (one, unless the lesson is split into parts)."""
        keys = [f"{self.number}{suffix}" for suffix in self.parts] or [self.number]
        return tuple(Notebook(key, self) for key in keys)


LESSONS: tuple[Lesson, ...] = (
    Lesson("00", "start_here", "Start here", START),
    Lesson("01", "http_forgets", "HTTP forgets", PART_1),
    Lesson("02", "cookies_in_django", "Cookies in Django", PART_1),
    Lesson("03", "signed_cookies", "Signed cookies", PART_1),
    Lesson("04", "logging_in_with_a_cookie", "Logging in with a cookie", PART_1, parts=("a", "b")),
    Lesson("05", "sessions_under_the_hood", "Sessions under the hood", PART_2),
    Lesson("06", "session_expiry", "Session expiry", PART_2),
    Lesson("07", "ending_a_session", "Ending a session", PART_2),
    Lesson("08", "logging_in_with_a_session", "Logging in with a session", PART_2),
    Lesson("09", "where_sessions_live", "Where sessions live", PART_3),
    Lesson("10", "tokens_and_jwt", "Tokens and JWT", PART_3),
    Lesson("11", "jwt_attack_lab", "JWT attack lab", PART_3, parts=("a", "b")),
    Lesson("12", "cookie_security_lab", "Cookie security lab", PART_3, budget_s=15, drives=("Chromium",)),
    Lesson("13", "sessions_at_scale", "Sessions at scale", PART_3, budget_s=15, drives=("Redis",)),
    Lesson("14", "capstone", "Capstone", PART_3, budget_s=10),
)


def lessons() -> tuple[Lesson, ...]:
    """Every lesson of the course, in order."""
    return LESSONS


def notebooks() -> list[Notebook]:
    """Every notebook of the course, in reading order."""
    return [notebook for lesson in LESSONS for notebook in lesson.notebooks]


def notebook_for(path: str | Path) -> Notebook:
    """The catalog entry of the notebook file ``path``; ``LookupError`` if the catalog has none."""
    name = Path(path).name
    for notebook in notebooks():
        if notebook.filename == name:
            return notebook
    raise LookupError(f"{name} is not a lesson notebook of the catalog (course_helpers/catalog.py).")


def notebook_by_key(key: str) -> Notebook:
    """The notebook whose key is ``key`` (``"03"``, ``"04a"``); ``LookupError`` if there is none."""
    for notebook in notebooks():
        if notebook.key == key:
            return notebook
    raise LookupError(f"No lesson notebook has the key {key!r}.")


__all__ = ["LESSONS", "Lesson", "Notebook", "lessons", "notebook_by_key", "notebook_for", "notebooks"]
