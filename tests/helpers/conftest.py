"""The demo site shared by the tests of the inspection helpers: one per test module.

A test that needs different settings stops it and runs its own; the next test
that asks for ``site`` gets a fresh one.
"""

from __future__ import annotations

import pytest

from course_helpers import start_demo_site

SITE_NAME = "inspect-tests"


class _SiteHolder:
    """The module's demo site, restarted if a test had to stop it."""

    def __init__(self) -> None:
        self.site = None

    def get(self):
        if self.site is None or not self.site.running:
            self.site = start_demo_site(name=SITE_NAME)
        return self.site

    def stop(self) -> None:
        if self.site is not None:
            self.site.stop()


@pytest.fixture(scope="module")
def _holder():
    holder = _SiteHolder()
    yield holder
    holder.stop()


@pytest.fixture
def site(_holder):
    return _holder.get()


@pytest.fixture
def client(site):
    c = site.client()
    yield c
    c.close()
