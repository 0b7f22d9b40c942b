"""``course_helpers.browser`` in a real Chromium against the demo site, and its skip path without one.

The browser tests drive Debian's Chromium through Playwright's async API, as a
notebook does: an HttpOnly cookie hidden from ``document.cookie``; a
``SameSite=Strict`` cookie withheld from a cross-site request and sent from a
sibling subdomain (the same site); a refused cookie with the browser's reason;
a screenshot. Without Playwright or Chromium they skip, saying which is missing;
under CI (``CI=true``) they fail instead, like ``tests/test_browser.py``.

The skip path runs everywhere: with ``COURSE_NO_BROWSER=1`` the helper says so
in one line, its steps return ``SKIPPED``, and lesson 12 executes cleanly.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

from course_helpers import start_demo_site
from course_helpers.browser import NO_BROWSER_LINE, SKIPPED, open_browser
from demo_site.home.users import DEMO_USERS
from tests.browsers import require_browser

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "12_cookie_security_lab.ipynb"
HOSTS = ("site-a.test", "site-b.test", "evil.site-a.test")


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="browser-helper")
    yield site
    site.stop()


@pytest.fixture
def needs_browser():
    require_browser()


def run(coroutine_function, *args):
    """Run ``coroutine_function(browser, *args)`` with a fresh browser, closed afterwards."""

    async def main():
        async with await open_browser(*args[:1], hosts=HOSTS, secure_hosts=HOSTS) as browser:
            return await coroutine_function(browser, *args)

    return asyncio.run(main())


async def _log_in(browser, host: str = "site-a.test"):
    page = await browser.open("/accounts/login/", host=host)
    await page.fill('input[name="username"]', "alice")
    await page.fill('input[name="password"]', DEMO_USERS["alice"])
    async with page.expect_navigation():
        await page.click('button[type="submit"]')
    return page


def test_httponly_cookie_is_hidden_from_document_cookie(site, needs_browser):
    async def scenario(browser, site):
        page = await _log_in(browser)
        held = {c["name"]: c for c in await browser.cookies()}
        return held, await browser.document_cookie(page)

    held, seen = run(scenario, site)
    assert held["sessionid"]["httpOnly"] and not held["csrftoken"]["httpOnly"]
    assert held["csrftoken"]["value"] in seen
    assert "sessionid" not in seen and held["sessionid"]["value"] not in seen


def test_strict_cookie_withheld_cross_site_and_sent_from_a_sibling_subdomain(site, needs_browser):
    async def scenario(browser, site):
        await browser.open("/security-lab/samesite/set/", host="site-a.test")
        results = {}
        for attacker in ("site-b.test", "evil.site-a.test"):
            page = await browser.open("/vulnerable/security-lab/attacker/?target=site-a.test", host=attacker)
            async with page.expect_navigation():
                await page.click("#link")
            await browser.settle()
            results[attacker] = (
                browser.last_request("/security-lab/landing/"),
                (await page.inner_text("#arrived")).split(),
            )
        return results

    results = run(scenario, site)
    cross, cross_arrived = results["site-b.test"]
    assert cross.headers["sec-fetch-site"] == "cross-site"
    assert "lab_strict" not in cross.sent and "lab_strict" not in cross_arrived
    assert any("SameSiteStrict" in reason for reason in cross.withheld["lab_strict"]), cross.withheld
    assert {"lab_lax", "lab_none"} <= set(cross.sent) & set(cross_arrived)
    sibling, sibling_arrived = results["evil.site-a.test"]
    assert sibling.headers["sec-fetch-site"] == "same-site"
    assert {"lab_strict", "lab_lax", "lab_none"} <= set(sibling.sent) & set(sibling_arrived)
    assert not sibling.withheld


def test_refused_cookies_come_with_the_browsers_reasons(site, needs_browser):
    async def main():
        # localhost is a secure context; plain.test (plain http, a named host) is not.
        async with await open_browser(site, hosts=("plain.test",)) as browser:
            await browser.open("/security-lab/prefixes/", host="localhost")
            await browser.open("/security-lab/prefixes/", host="plain.test")
            return browser.requests("/security-lab/prefixes/"), browser.cookie_report(
                "/security-lab/prefixes/"
            )

    (secure, insecure), report = asyncio.run(main())
    assert {"__Host-good", "__Secure-good", "plain-secure"} <= set(secure.stored)
    assert secure.refused["__Host-no-secure"] == ("InvalidPrefix",)
    assert secure.refused["__Host-with-domain"] == ("InvalidPrefix",)
    assert secure.refused["none-not-secure"] == ("SameSiteNoneInsecure",)
    assert secure.refused["too-big"] == ("NameValuePairExceedsMaxSize",)
    assert insecure.refused["plain-secure"] == ("SecureOnly",)
    assert "SecureOnly" in report.text() and "REFUSED" in report.text()


def test_screenshot_is_an_inline_png(site, needs_browser):
    async def scenario(browser, site):
        page = await browser.open("/security-lab/landing/", host="site-a.test")
        return await browser.screenshot(page)

    image = run(scenario, site)
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n" and len(image.data) > 1000


def test_without_a_browser_one_line_and_every_step_skipped(site, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_NO_BROWSER", "1")

    async def main():
        browser = await open_browser(site)
        page = await browser.open("/security-lab/landing/", host="site-a.test")
        steps = [
            page,
            await browser.document_cookie(page),
            await browser.cookies(),
            await browser.screenshot(page),
        ]
        steps.append(browser.cookie_report())
        await browser.close()
        return browser, steps

    browser, steps = asyncio.run(main())
    assert capsys.readouterr().out == NO_BROWSER_LINE + "\n"
    assert not browser and browser.requests() == []
    assert all(step is SKIPPED for step in steps) and "skipped" in repr(SKIPPED)


def test_lesson_12_executes_cleanly_without_a_browser():
    """The notebook, browser hidden: every cell runs, nothing fails, the one line is printed."""
    from tests.notebook_runs import problems

    # A directory of its own, not pytest's tmp_path: another pytest run of the same user prunes
    # /tmp/pytest-of-<user>/ and removed it mid-test when suites ran side by side.
    with tempfile.TemporaryDirectory(prefix="lesson12-no-browser-") as folder:
        _run_without_a_browser(Path(folder), problems)


def _run_without_a_browser(tmp_path, problems):

    script = (
        "import nbformat, sys\n"
        "from nbclient import NotebookClient\n"
        f"nb = nbformat.read({str(LESSON)!r}, as_version=4)\n"
        f"NotebookClient(nb, timeout=120, kernel_name='python3', resources={{'metadata': {{'path': {str(tmp_path)!r}}}}}).execute()\n"
        f"nbformat.write(nb, {str(tmp_path / 'out.ipynb')!r})\n"
    )
    env = {**os.environ, "COURSE_NO_BROWSER": "1"}
    run = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, timeout=180, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    notebook = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert problems(notebook) == []
    printed = "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))
    assert printed.count(NO_BROWSER_LINE) == 1
