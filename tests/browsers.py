"""What the real-browser tests share: whether a browser can be driven here, and a synchronous Chromium.

A test that needs the browser calls :func:`require_browser`: without
Playwright or Chromium it skips, saying which is missing; under CI
(``CI=true``) it fails instead, so that CI always takes the real path
(``.ci/run`` installs Debian's ``chromium``). The flags and the binary are
those of ``course_helpers.browser``, the helper the lessons use.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest

from course_helpers.browser import CHROMIUM_ARGS, browser_missing
from course_helpers.environment import chromium_path


def require_browser() -> None:
    """Skip the calling test when no browser can be driven here; under CI, fail it."""
    missing = browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests, but {missing}.")
        pytest.skip(f"{missing} (apt-get install -y chromium; pip install -e .[test])")


@contextlib.contextmanager
def sync_chromium() -> Iterator:
    """Headless Chromium through Playwright's sync API (pytest runs no event loop), closed afterwards."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()
