"""The demo sites of a kernel: :class:`DemoSite`, and the one :class:`Registry` that keeps them.

``start_demo_site()`` configures Django once per process, gives the new site a
database of its own (a copy of a freshly migrated template, so a boot costs
milliseconds) and serves it from Django's own threaded WSGI server on
``127.0.0.1`` and a free port. Lessons talk to it with ``site.client()``, an
ordinary ``requests.Session``, and look inside with ``site.sessions()`` and
``site.orm()``.

Re-running the cell that starts a site replaces the old one: sites are kept by
name in the process's :class:`Registry`, and starting a name that is already
running stops the old site first.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import os
import shutil
import socket
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from course_helpers import session_engines
from course_helpers.errors import DemoSiteError
from course_helpers.server.django_setup import in_worker_thread, prepare_template, setup_django
from course_helpers.server.overrides import SettingsOverrides, validate_overrides
from course_helpers.server.wsgi_server import make_server_class, refuse_unsendable_headers

T = TypeVar("T")


class Registry:
    """Everything this process knows about its demo sites, behind one lock.

    The running sites by name (oldest first), the settings overrides they
    share, how many site databases were handed out, whether the template
    database is ready and whether the sites are stopped at exit. Process
    state on purpose: it is what lets a re-run cell find and replace the site
    the previous run started. The process's one is :data:`REGISTRY`.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.sites: dict[str, DemoSite] = {}
        self.overrides = SettingsOverrides()
        self._databases_made = 0
        self._template_ready = False
        self._stops_at_exit = False

    def start(self, name: str, port: int, overrides: dict[str, Any]) -> DemoSite:
        """Start (or restart) the site ``name``; see :func:`start_demo_site`."""
        setup_django()
        with self.lock:
            # Validate first: a typo in a re-run cell must not cost the site that was running.
            validate_overrides(overrides)
            old = self.sites.get(name)
            if old is not None:
                old.stop()
            self._apply_overrides(overrides, name)
            if not self._template_ready:
                prepare_template()
                self._template_ready = True
            if not self._stops_at_exit:
                # Registered after the settings module's clean-up, so it runs before it (LIFO).
                atexit.register(self.stop_all)
                self._stops_at_exit = True
            site = DemoSite(name, overrides, self)
            try:
                site._start(port)
            except BaseException:
                if not self.sites:
                    self._last_site_stopped()
                raise
            self.sites[name] = site
            return site

    def running(self) -> list[DemoSite]:
        """The running sites, oldest first."""
        with self.lock:
            return list(self.sites.values())

    def stop_all(self) -> None:
        """Stop every running site."""
        with self.lock:
            for site in list(self.sites.values()):
                site.stop()

    def new_alias(self) -> str:
        """A database alias no site of this process has used yet: ``site_1``, ``site_2``, ..."""
        with self.lock:
            self._databases_made += 1
            return f"site_{self._databases_made}"

    def forget(self, site: DemoSite) -> None:
        """Drop a site that has stopped; after the last one, make sure the next one starts afresh."""
        with self.lock:
            if self.sites.get(site.name) is site:
                del self.sites[site.name]
            if not self.sites:
                self._last_site_stopped()

    def _apply_overrides(self, overrides: dict[str, Any], name: str) -> None:
        active = self.overrides.active
        if overrides == active:
            return
        others = [site.name for site in self.sites.values() if site.name != name]
        if others:
            raise DemoSiteError(
                "Django's settings are shared by every site in a kernel, and the running "
                f"site(s) {', '.join(map(repr, others))} use {active or 'no overrides'}. "
                "Stop them first (stop_all_demo_sites()) or start this site with the same overrides."
            )
        self.overrides.apply(overrides)

    def _last_site_stopped(self) -> None:
        # Sessions kept outside the sites' databases (caches, files) live as long as the kernel:
        # forget them while the settings that say where they are still apply, then drop those.
        session_engines.clear_all()
        self.overrides.release()


#: This process's sites.
REGISTRY = Registry()


class DemoSite:
    """A running demo site: its URL, its clients, its database.

    Don't create one directly; call :func:`start_demo_site`.
    """

    def __init__(self, name: str, overrides: dict[str, Any], registry: Registry):
        self.name = name
        self.overrides = dict(overrides)
        self._registry = registry
        self._server = None
        self._thread: threading.Thread | None = None
        self._clients: weakref.WeakSet = weakref.WeakSet()
        self._alias = ""
        self._db_path: Path | None = None

    # -- life cycle -------------------------------------------------------

    def _start(self, port: int) -> None:
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connections

        self._alias = self._registry.new_alias()
        data_dir = Path(settings.DEMO_SITE_DATA_DIR)
        self._db_path = data_dir / f"{self._alias}.sqlite3"
        try:
            shutil.copyfile(connections.settings["default"]["NAME"], self._db_path)
        except OSError as exc:
            raise DemoSiteError(
                f"Could not create the database of site {self.name!r} in {data_dir}: {exc}"
            ) from exc
        db_settings = copy.deepcopy(connections.settings["default"])
        db_settings["NAME"] = str(self._db_path)
        connections.settings[self._alias] = db_settings

        server_class = make_server_class()
        try:
            self._server = server_class(("127.0.0.1", port), self._alias, self.name)
        except OSError as exc:
            self._forget_database()
            raise DemoSiteError(
                f"Could not listen on 127.0.0.1:{port} ({exc.strerror or exc}). "
                "Another program may be using that port: pick another, or leave "
                "port out to get a free one."
            ) from exc
        self._server.set_app(refuse_unsendable_headers(WSGIHandler()))
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            # How often the loop checks for stop(): the worst-case wait of a stop or a re-run.
            kwargs={"poll_interval": 0.02},
            name=f"demo-site-{self.name}-server",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close every open connection and delete the site's database.

        Stopping a stopped site does nothing.
        """
        with self._registry.lock:
            if self._server is None:
                return
            server, self._server = self._server, None
            server.shutdown()
            for client in list(self._clients):
                client.close()
            with server.track_lock:
                sockets = list(server.open_connections)
                threads = list(server.request_threads)
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            for thread in threads:
                thread.join(timeout=5)
            server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
                self._thread = None
            self._forget_database()
            self._registry.forget(self)

    def _forget_database(self) -> None:
        from django.db import connections

        connections.settings.pop(self._alias, None)
        if self._db_path is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(f"{self._db_path}{suffix}")

    def __enter__(self) -> DemoSite:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- what lessons use -------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the site is serving requests."""
        return self._server is not None

    @property
    def port(self) -> int:
        """The port the site listens on."""
        self._require_running()
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The site's base URL, e.g. ``http://127.0.0.1:50123`` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_alias(self) -> str:
        """The Django database alias of this site's own database."""
        return self._alias

    def client(self, **kwargs: Any):
        """Return a new :class:`~course_helpers.client.DemoClient` for this site.

        It is a ``requests.Session`` (with its own cookie jar) that accepts
        paths like ``client.get("/counter/")`` and records what it sends and
        receives for :func:`~course_helpers.trace`.
        """
        from course_helpers.client import DemoClient

        self._require_running()
        client = DemoClient(self.url, **kwargs)
        self._clients.add(client)
        return client

    def orm(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call ``fn(*args, **kwargs)`` with this site's database and return its result.

        A notebook cell runs inside an event loop, where Django refuses
        database calls (``SynchronousOnlyOperation``). ``orm`` runs ``fn`` in a
        worker thread instead, with every query routed to this site's
        database, waits for it, and returns its result or raises its exception.
        """
        self._require_running()
        return in_worker_thread(fn, *args, alias=self._alias, **kwargs)

    def sessions(self, *clients: Any):
        """Return this site's sessions, decoded, wherever ``SESSION_ENGINE`` keeps them.

        The result is a :class:`~course_helpers.sessions.SessionTable`: a
        list of rows that displays as a table. Given clients (``requests``
        sessions), only their sessions are listed; with the ``signed_cookies``
        engine, whose server keeps nothing, their cookies are where the
        sessions are read from.
        """
        from django.conf import settings

        from course_helpers.sessions import read_session_rows

        if not clients:
            return self.orm(read_session_rows)
        from http.cookiejar import CookieJar

        from course_helpers.cookies import find_cookie

        for client in clients:
            if not isinstance(getattr(client, "cookies", None), CookieJar):
                raise TypeError(
                    f"site.sessions() takes clients (site.client()), not {type(client).__name__}: "
                    "their session cookies say which sessions to show."
                )
        cookies = [find_cookie(client, settings.SESSION_COOKIE_NAME) for client in clients]
        return self.orm(read_session_rows, [cookie.value for cookie in cookies if cookie is not None])

    def log(self, last: int = 20):
        """Return this site's last log records (request lines, warnings, errors) as a table."""
        from course_helpers.logview import LogView

        return LogView.latest(last, thread_prefix=f"demo-site-{self.name}-")

    def _require_running(self) -> None:
        if self._server is None:
            raise DemoSiteError(f"The demo site {self.name!r} is stopped. Run the cell that starts it again.")

    def __repr__(self) -> str:
        if self._server is None:
            return f"<DemoSite {self.name!r} (stopped)>"
        overrides = "".join(f", {k}={v!r}" for k, v in sorted(self.overrides.items()))
        return f"<DemoSite {self.name!r} at {self.url}{overrides}>"

    def _repr_html_(self) -> str:
        from html import escape

        if self._server is None:
            return f"<p>Demo site <b>{escape(self.name)}</b> (stopped)</p>"
        rows = "".join(
            f"<li><code>{escape(k)} = {escape(repr(v))}</code></li>"
            for k, v in sorted(self.overrides.items())
        )
        extra = f"<ul>{rows}</ul>" if rows else ""
        return (
            f"<p>Demo site <b>{escape(self.name)}</b> is running at "
            f'<a href="{self.url}/" target="_blank">{self.url}/</a></p>{extra}'
        )


def start_demo_site(name: str = "demo", *, port: int = 0, **settings_overrides: Any) -> DemoSite:
    """Start the demo site in this kernel and return it.

    ``name`` tells sites apart: starting a name that is already running stops
    the old site first, so re-running a cell never leaks a server. Give two
    sites different names to run them side by side; each has its own port and
    its own database.

    ``port`` is ``0`` for a free port chosen by the system.

    Keyword arguments in UPPER CASE override Django settings for this site,
    e.g. ``start_demo_site(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")``.
    Settings are per kernel, so sites running together must share them.

    Also usable as a context manager: ``with start_demo_site() as site: ...``.

    Raises :class:`DemoSiteError` with an explanation when an override names
    no setting, the port is taken, or Django or the database is not usable.
    """
    for key in settings_overrides:
        if not key.isupper():
            raise DemoSiteError(
                f"start_demo_site() has no option {key!r}. Its options are name and port; "
                "Django settings are written in UPPER CASE, e.g. SESSION_COOKIE_AGE=60."
            )
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise DemoSiteError(f"port must be a whole number from 0 to 65535, not {port!r}.")
    return REGISTRY.start(name, port, settings_overrides)


def running_demo_sites() -> list[DemoSite]:
    """Return the sites running in this kernel, oldest first."""
    return REGISTRY.running()


def stop_all_demo_sites() -> None:
    """Stop every demo site running in this kernel."""
    REGISTRY.stop_all()
