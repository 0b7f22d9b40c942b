"""Is this machine ready for the course? Versions, and the optional parts (a real browser, Redis)."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import re
import shutil
import sys
from dataclasses import dataclass

from course_helpers.display import Table

#: Where Debian's Chromium lives (the /usr/bin/chromium wrapper prints a warning; this does not).
CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
#: The Django releases the lessons run on (pyproject.toml says the same): the 5.2 LTS line from 5.2.15,
#: whose signed cookies use per-cookie salts (``signing._cookie_signer_salt``).
DJANGO_MINIMUM = (5, 2, 15)
DJANGO_BELOW = (5, 3)


@dataclass(frozen=True)
class Part:
    name: str
    version: str
    needed: str
    ok: bool
    note: str = ""


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return ""


def _release(version: str, parts: int) -> tuple[int, ...]:
    """``"5.2"`` → ``(5, 2, 0)`` for ``parts=3``: missing parts are 0, a suffix is ignored (``"15rc1"`` → 15)."""
    numbers = []
    for piece in version.split(".")[:parts]:
        digits = re.match(r"\d*", piece).group()  # the leading digits: "15rc1" is 15
        numbers.append(int(digits) if digits else 0)
    return tuple(numbers + [0] * (parts - len(numbers)))


def _at_least(version: str, minimum: tuple[int, ...]) -> bool:
    return bool(version) and _release(version, len(minimum)) >= minimum


def django_supported(version: str) -> bool:
    """Whether ``version`` of Django is one the lessons run on: 5.2.15 or later, below 5.3.

    ``"5.2"`` (how Django 5.2.0 spells itself) is 5.2.0, too old: the lessons
    rely on the cookie-signing salts of the 5.2.15 security release.
    """
    return _at_least(version, DJANGO_MINIMUM) and _release(version, 2) < DJANGO_BELOW


def _django_note(version: str) -> str:
    if django_supported(version):
        return ""
    floor = ".".join(map(str, DJANGO_MINIMUM))
    return f"needs {floor} or later, below 5.3: pip install -U 'django>={floor},<5.3'"


def chromium_path() -> str | None:
    """The Chromium binary a lesson can drive, or ``None`` (also when ``COURSE_NO_BROWSER=1`` hides it)."""
    if os.environ.get("COURSE_NO_BROWSER") == "1":
        return None
    for candidate in CHROMIUM_PATHS:
        if shutil.which(candidate):
            return candidate
    return None


class EnvironmentReport(Table):
    """The checks of :func:`check_environment`; ``ready`` is True when every required part is there."""

    def __init__(self, required: list[Part], optional: list[Part]):
        self.required, self.optional = required, optional
        rows = [
            (p.name, p.version or "missing", p.needed, "ok" if p.ok else "PROBLEM", p.note) for p in required
        ]
        rows += [
            (p.name, p.version or "not installed", "optional", "available" if p.ok else "skipped", p.note)
            for p in optional
        ]
        super().__init__(["part", "version", "needed", "status", "note"], rows, title="Your environment")

    @property
    def ready(self) -> bool:
        return all(p.ok for p in self.required)


def check_environment() -> EnvironmentReport:
    """Check Python, Django, requests and the other parts the course needs, and the optional ones."""
    python = platform.python_version()
    django, requests_, jwt, tm = (_version(n) for n in ("django", "requests", "pyjwt", "time-machine"))
    required = [
        Part("Python", python, ">= 3.11", sys.version_info >= (3, 11)),
        Part("Django", django, "5.2 LTS", django_supported(django), _django_note(django)),
        Part("requests", requests_, ">= 2.32", _at_least(requests_, (2, 32))),
        Part("PyJWT", jwt, ">= 2.8", _at_least(jwt, (2, 8))),
        Part("time-machine", tm, ">= 2.14", _at_least(tm, (2, 14))),
    ]
    browser = chromium_path()
    playwright = _version("playwright")
    redis_server = shutil.which("redis-server")
    redis_py = _version("redis")
    optional = [
        Part("Playwright", playwright, "", bool(playwright), "drives the browser in lesson 12"),
        Part(
            "Chromium", "found" if browser else "", "", bool(browser), browser or "apt-get install chromium"
        ),
        Part("redis (Python)", redis_py, "", bool(redis_py), "pip install -e '.[redis]'"),
        Part(
            "redis-server",
            "found" if redis_server else "",
            "",
            bool(redis_server),
            "apt-get install redis-server",
        ),
    ]
    return EnvironmentReport(required, optional)
