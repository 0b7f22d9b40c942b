"""A real browser from a notebook: headless Chromium, driven by Playwright's async API.

``await open_browser(site, hosts=(...))`` starts the machine's own Chromium
(never a downloaded one) with named hosts mapped to ``127.0.0.1``, so one
demo site answers as several *sites* (``site-a.test``, ``site-b.test``) and a
sibling subdomain (``evil.site-a.test``). A DevTools session listens to every
request of every page the helper opens and records, in the browser's own
words, which cookies it sent, which it withheld from a request and which it
refused to store (``browser.cookie_report()``).

The API is async because a notebook cell already runs an event loop, where
Playwright's sync API refuses to work; a cell can ``await`` at top level::

    browser = await open_browser(site, hosts=("site-a.test", "site-b.test"))
    page = await browser.open("http://site-a.test:%d/" % site.port)
    await browser.document_cookie(page)
    await browser.close()

Where Chromium or Playwright is missing (or ``COURSE_NO_BROWSER=1`` hides
them), :func:`open_browser` prints one line saying so and returns
:data:`NO_BROWSER`: it is falsy, and every method returns :data:`SKIPPED`
(a display that says so, also falsy), so cells run and guard their asserts
with ``if browser:``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import shutil
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from course_helpers.display import Display, Table
from course_helpers.environment import chromium_path

#: Flags for a root user on a machine with a closed network (FIELD_NOTES.md, "A real browser").
#: No --disable-features: it would replace Playwright's own list.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
NO_BROWSER_LINE = (
    "No Chromium here: the browser cells are skipped. Install it with `apt-get install chromium` "
    "(Debian/Ubuntu) or `pip install playwright && playwright install chromium` elsewhere."
)
#: Why a cookie was not sent that says nothing about security: it was simply not for that URL.
_NOT_FOR_THIS_URL = {"DomainMismatch", "NotOnPath"}


def browser_missing() -> str | None:
    """Why no browser can be driven here (``None`` when Chromium and Playwright are both there)."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed"
    if chromium_path() is None:
        return "Chromium is not installed"
    return None


# -- what the browser did with cookies -------------------------------------------------------


@dataclass
class BrowserRequest:
    """One request a page made (one hop of a redirect chain), as the browser reported it.

    ``sent``: names of the cookies it carried. ``withheld``: name → the
    browser's reasons for leaving a cookie out (``SameSiteStrict``, ...).
    ``refused``: name → the reasons it refused a cookie the reply set
    (``SecureOnly``, ``SameSiteNoneInsecure``, ...). ``headers``: the request
    headers as sent (lower-case names). ``document_url``: the page the request
    belongs to, as DevTools reports it (for a ``fetch``, the page whose script
    started it; for a navigation, the new page itself).
    """

    url: str
    method: str
    kind: str
    sent: tuple[str, ...] = ()
    withheld: dict[str, tuple[str, ...]] = field(default_factory=dict)
    refused: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stored: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    document_url: str = ""

    @property
    def document_host(self) -> str:
        """The host of :attr:`document_url` (``""`` when DevTools gave none)."""
        return urlsplit(self.document_url).hostname or ""

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def where(self) -> str:
        """``METHOD host path`` without the port (which changes every run)."""
        return f"{self.method} {self.host}{self.path}"


class CookieReport(Table):
    """What the browser did with cookies, one row per cookie per request: sent, withheld or refused."""

    def __init__(self, requests: Sequence[BrowserRequest], *, title: str = ""):
        self.requests = list(requests)
        rows = []
        for r in self.requests:
            where = f"{r.method} {r.host}{r.path}"
            rows += [(where, "sent", name, "") for name in r.sent]
            rows += [(where, "withheld", name, ", ".join(why)) for name, why in r.withheld.items()]
            rows += [(where, "stored", name, "") for name in r.stored]
            rows += [(where, "REFUSED", name, ", ".join(why)) for name, why in r.refused.items()]
        super().__init__(
            ["request", "cookie was", "cookie", "the browser's reason"],
            rows,
            title=title or "What the browser did with each cookie",
            empty="(no cookie sent, withheld, stored or refused)",
        )


class _Recorder:
    """Collects DevTools Network events of one page and pairs them up, hop by hop."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.sent: dict[str, list[dict]] = {}
        self.extra_request: dict[str, list[dict]] = {}
        self.extra_response: dict[str, list[dict]] = {}
        self.finished: dict[
            str, bool
        ] = {}  # requestId → whether its last response has extra info to wait for

    def attach(self, cdp: Any) -> None:
        cdp.on("Network.requestWillBeSent", self._on_request)
        cdp.on("Network.requestWillBeSentExtraInfo", self._add(self.extra_request))
        cdp.on("Network.responseReceivedExtraInfo", self._add(self.extra_response))
        cdp.on("Network.responseReceived", self._on_response)
        cdp.on("Network.loadingFailed", lambda event: self.finished.setdefault(event["requestId"], False))

    def _on_response(self, event: dict) -> None:
        self.finished[event["requestId"]] = bool(event.get("hasExtraInfo"))

    def _on_request(self, event: dict) -> None:
        request_id = event["requestId"]
        if request_id not in self.sent:
            self.order.append(request_id)
        self.sent.setdefault(request_id, []).append(event)

    @staticmethod
    def _add(table: dict[str, list[dict]]):
        def add(event: dict) -> None:
            table.setdefault(event["requestId"], []).append(event)

        return add

    def pending(self) -> bool:
        """Whether an http(s) request still waits for its response or the browser's cookie information."""
        for request_id in self.order:
            if not self.sent[request_id][-1]["request"]["url"].startswith("http"):
                continue
            if request_id not in self.finished:
                return True
            if self.finished[request_id] and len(self.extra_response.get(request_id, [])) < len(
                self.sent[request_id]
            ):
                return True
        return False

    def requests(self) -> list[BrowserRequest]:
        found = []
        for request_id in self.order:
            extras = self.extra_request.get(request_id, [])
            responses = self.extra_response.get(request_id, [])
            for hop, event in enumerate(self.sent[request_id]):
                url = event["request"]["url"]
                if not url.startswith("http") or urlsplit(url).path == "/favicon.ico":
                    continue
                record = BrowserRequest(
                    url,
                    event["request"]["method"],
                    event.get("type", ""),
                    document_url=event.get("documentURL", ""),
                )
                if hop < len(extras):
                    _read_request_extra(record, extras[hop])
                if hop < len(responses):
                    _read_response_extra(record, responses[hop])
                found.append(record)
        return found


def _read_request_extra(record: BrowserRequest, extra: dict) -> None:
    sent, withheld = [], {}
    for item in extra.get("associatedCookies", []):
        name = item["cookie"]["name"]
        reasons = tuple(item.get("blockedReasons", ()))
        if not reasons:
            sent.append(name)
        elif not set(reasons) <= _NOT_FOR_THIS_URL:
            withheld[name] = reasons
    record.sent, record.withheld = tuple(sent), withheld
    record.headers = {k.lower(): v for k, v in extra.get("headers", {}).items()}


def _read_response_extra(record: BrowserRequest, extra: dict) -> None:
    record.status = extra.get("statusCode")
    refused = {}
    for item in extra.get("blockedCookies", []):
        name = item.get("cookie", {}).get("name") or item.get("cookieLine", "").split("=", 1)[0].strip()
        refused[name] = tuple(item.get("blockedReasons", ()))
    record.refused = refused
    headers = {k.lower(): v for k, v in extra.get("headers", {}).items()}
    lines = headers.get("set-cookie", "").split("\n") if headers.get("set-cookie") else []
    names = [line.split("=", 1)[0].strip() for line in lines if "=" in line]
    record.stored = tuple(n for n in names if n not in refused)


# -- the browser ------------------------------------------------------------------------------

#: The browsers open in this process (at most one, unless a test opens more by hand).
_OPEN: weakref.WeakSet[CourseBrowser] = weakref.WeakSet()


class CourseBrowser:
    """Headless Chromium with named hosts, one cookie store, and a DevTools ear on every page.

    Made by :func:`open_browser`. ``url(path, host=...)`` builds an address of
    the demo site under a named host; ``open()`` opens a page; the cookie
    store is ``await cookies()``; ``cookie_report()`` tells what happened to
    each cookie on each request so far. Close with ``await close()`` (or use
    ``async with``).
    """

    def __init__(self, site: Any, hosts: tuple[str, ...], secure_hosts: tuple[str, ...]):
        self.site, self.hosts, self.secure_hosts = site, hosts, secure_hosts
        self._playwright: Any = None
        self._context: Any = None
        self._profile: Path | None = None
        self._recorders: list[_Recorder] = []
        self._pages: list[Any] = []

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        hosts = ", ".join(self.hosts) or "no named hosts"
        secure = f"; treated as secure: {', '.join(self.secure_hosts)}" if self.secure_hosts else ""
        return f"Headless Chromium with {hosts}{secure}"

    async def _start(self, third_party_cookies: bool) -> None:
        from playwright.async_api import async_playwright

        port = self.site.port if self.site is not None else 0
        args = list(CHROMIUM_ARGS)
        if self.hosts:
            args.append("--host-resolver-rules=" + ", ".join(f"MAP {h} 127.0.0.1" for h in self.hosts))
        if self.secure_hosts:
            origins = ",".join(f"http://{h}:{port}" for h in self.secure_hosts)
            args.append(f"--unsafely-treat-insecure-origin-as-secure={origins}")
        from demo_site import datadir

        # Removed by close(); at exit if the kernel ends first; by the next process if it was killed.
        self._profile = Path(datadir.create_owned("chromium"))
        if third_party_cookies:
            (self._profile / "Default").mkdir()
            prefs = {"profile": {"cookie_controls_mode": 0}}
            (self._profile / "Default" / "Preferences").write_text(json.dumps(prefs))
        self._playwright = await async_playwright().start()
        try:
            self._context = await self._playwright.chromium.launch_persistent_context(
                str(self._profile), executable_path=chromium_path(), headless=True, args=args
            )
        except BaseException:
            await self.close()
            raise

    def url(self, path: str = "/", host: str | None = None) -> str:
        """``http://<host>:<site port><path>``; ``host`` defaults to the first named host (else 127.0.0.1)."""
        host = host or (self.hosts[0] if self.hosts else "127.0.0.1")
        return f"http://{host}:{self.site.port}{path}"

    async def open(self, url_or_path: str = "/", host: str | None = None) -> Any:
        """Open a new page at ``url_or_path`` (a path is on ``host``, see :meth:`url`) and return it."""
        page = await self._context.new_page()
        recorder = _Recorder()
        cdp = await self._context.new_cdp_session(page)
        recorder.attach(cdp)
        await cdp.send("Network.enable")
        self._recorders.append(recorder)
        self._pages.append(page)
        if url_or_path:
            url = url_or_path if "://" in url_or_path else self.url(url_or_path, host)
            await page.goto(url)
            await self.settle()
        return page

    async def log_in(
        self,
        username: str = "alice",
        password: str | None = None,
        *,
        url: str = "/accounts/login/",
        host: str | None = None,
    ) -> Any:
        """Log in by typing into the login form at ``url`` and clicking its button; return the page.

        ``password=None`` is the demo user's own password.
        """
        if password is None:
            from demo_site.home.users import DEMO_USERS

            password = DEMO_USERS[username]
        page = await self.open(url, host=host)
        await page.fill('input[name="username"]', username)
        await page.fill('input[name="password"]', password)
        async with page.expect_navigation():
            await page.click('button[type="submit"]')
        await self.settle()
        return page

    async def click(self, page: Any, selector: str) -> Any:
        """Click ``selector`` on ``page`` (a link or a submit button), wait for the page it leads to."""
        async with page.expect_navigation():
            await page.click(selector)
        await self.settle()
        return page

    async def settle(self, timeout: float = 1.0) -> None:
        """Wait (up to ``timeout`` seconds) until the browser has reported the cookies of every request."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        # One short pause lets DevTools events already on their way arrive; then poll only while some wait.
        await asyncio.sleep(0.005)
        while any(r.pending() for r in self._recorders) and loop.time() < deadline:
            await asyncio.sleep(0.005)

    async def wait_for(self, path: str, *, timeout: float = 3.0) -> BrowserRequest:
        """Wait until a page has sent a request to ``path`` (a prefix) and the browser reported it; return it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.requests(path) and loop.time() < deadline:
            await asyncio.sleep(0.005)
        await self.settle()
        return self.last_request(path)

    async def evaluate(self, page: Any, script: str, arg: Any = None) -> Any:
        """Run ``script`` (a JavaScript expression or function) in ``page``, as a page script would."""
        result = await page.evaluate(script, arg)
        await self.settle()
        return result

    async def document_cookie(self, page: Any) -> str:
        """What a script on ``page`` reads from ``document.cookie``."""
        return await page.evaluate("document.cookie")

    async def cookies(self) -> list[dict[str, Any]]:
        """The browser's cookie store: one dict per cookie (name, value, domain, path, httpOnly, ...)."""
        return await self._context.cookies()

    def requests(self, path: str | None = None, host: str | None = None) -> list[BrowserRequest]:
        """Every request the pages made so far, oldest first; only those whose path starts with ``path``."""
        found = [r for recorder in self._recorders for r in recorder.requests()]
        if path is not None:
            found = [r for r in found if r.path.startswith(path)]
        if host is not None:
            found = [r for r in found if r.host == host]
        return found

    def last_request(self, path: str, host: str | None = None) -> BrowserRequest:
        """The latest request to ``path`` (a prefix); raises ``LookupError`` if there was none."""
        found = self.requests(path, host)
        if not found:
            raise LookupError(f"The browser made no request to {path}.")
        return found[-1]

    def cookie_report(
        self, path: str | None = None, host: str | None = None, *, since: int = 0
    ) -> CookieReport:
        """A table of what the browser did with each cookie on each request (see :class:`CookieReport`).

        ``since`` skips the first requests (``len(browser.requests())`` taken before an action).
        """
        return CookieReport(self.requests(path, host)[since:])

    async def screenshot(self, page: Any, *, width: int = 640):
        """A screenshot of ``page``, to show inline (an ``IPython.display.Image``)."""
        from IPython.display import Image

        return Image(data=await page.screenshot(), width=width)

    async def close(self) -> None:
        """Close every page, the browser and Playwright, and remove the browser's profile."""
        _OPEN.discard(self)
        context, playwright, self._context, self._playwright = self._context, self._playwright, None, None
        try:
            if context is not None:
                await context.close()
        finally:
            if playwright is not None:
                await playwright.stop()
            if self._profile is not None:
                shutil.rmtree(self._profile, ignore_errors=True)
                self._profile = None

    async def __aenter__(self) -> CourseBrowser:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


# -- no browser -------------------------------------------------------------------------------


class Skipped(Display):
    """What a browser step returns where there is no browser: falsy, and says it was skipped."""

    def __bool__(self) -> bool:
        return False

    def text(self) -> str:
        return "(skipped: no browser here)"

    def html(self) -> str:
        return "<p><i>(skipped: no browser here)</i></p>"

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


#: What every step of :data:`NO_BROWSER` returns.
SKIPPED = Skipped()


class NoBrowser:
    """The browser where there is none: falsy; each method returns :data:`SKIPPED` (awaitable or not)."""

    hosts: tuple[str, ...] = ()
    secure_hosts: tuple[str, ...] = ()

    def __init__(self, reason: str = "") -> None:
        self.reason = reason

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"No browser ({self.reason or 'hidden'}): the browser cells are skipped."

    def url(self, path: str = "/", host: str | None = None) -> str:
        return path

    def requests(self, *args: Any, **kwargs: Any) -> list[BrowserRequest]:
        return []

    def cookie_report(self, *args: Any, **kwargs: Any) -> Skipped:
        return SKIPPED

    def last_request(self, *args: Any, **kwargs: Any) -> Skipped:
        return SKIPPED

    async def _skip(self, *args: Any, **kwargs: Any) -> Skipped:
        return SKIPPED

    open = log_in = click = wait_for = evaluate = document_cookie = cookies = screenshot = settle = _skip

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> NoBrowser:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None


#: The browser where there is none.
NO_BROWSER = NoBrowser()


async def open_browser(
    site: Any = None,
    *,
    hosts: Iterable[str] = ("site-a.test", "site-b.test", "evil.site-a.test"),
    secure_hosts: Iterable[str] = (),
    third_party_cookies: bool = False,
) -> CourseBrowser | NoBrowser:
    """Start headless Chromium for ``site`` (a running demo site) and return it.

    ``hosts`` are mapped to ``127.0.0.1`` (each is then a site of its own
    for the browser; the demo site allows any ``.test`` host). Plain
    ``http://`` on a named host is not a *secure context*, so the browser
    refuses ``Secure`` cookies there; the hosts in ``secure_hosts`` are
    treated as secure anyway (``--unsafely-treat-insecure-origin-as-secure``),
    as if they spoke https. Chromium blocks third-party cookies by default;
    ``third_party_cookies=True`` starts it with them allowed.

    Without Chromium or Playwright (or with ``COURSE_NO_BROWSER=1``), prints
    one line saying so and returns :data:`NO_BROWSER`.
    """
    missing = browser_missing()
    if missing:
        print(NO_BROWSER_LINE)
        return NoBrowser(missing)
    # A re-run cell replaces the browser it opened before, as start_demo_site() replaces a site.
    for old in list(_OPEN):
        await old.close()
    browser = CourseBrowser(site, tuple(hosts), tuple(secure_hosts))
    await browser._start(third_party_cookies)
    _OPEN.add(browser)
    return browser
