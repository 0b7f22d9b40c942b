"""The demo site, embedded in the Jupyter kernel.

``start_demo_site()`` configures Django once per process, gives the new site a
database of its own (a copy of a freshly migrated template, so a boot costs
milliseconds) and serves it from Django's own threaded WSGI server on
``127.0.0.1`` and a free port. Lessons talk to it with ``site.client()``, an
ordinary ``requests.Session``, and look inside with ``site.sessions()`` and
``site.orm()``.

Re-running the cell that starts a site replaces the old one: sites are kept by
name, and starting a name that is already running stops the old site first.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import difflib
import functools
import logging
import os
import shutil
import socket
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from course_helpers.errors import DemoSiteError

T = TypeVar("T")

_log = logging.getLogger("demo_site.server")

#: Settings a lesson may not override: the embedded server owns them.
_SERVER_OWNED_SETTINGS = {
    "DATABASES": "each site gets its own database; use site.orm() to reach it",
    "DATABASE_ROUTERS": "the embedded server routes each site to its own database",
    "INSTALLED_APPS": "the database template is migrated for the demo site's apps",
    "LOGGING": "server threads must not print into notebook cells",
    "DEMO_SITE_DATA_DIR": "the data directory is chosen once per kernel",
}

# Sites running in this process, by name. Module state on purpose: it is what
# lets a re-run cell find and replace the site the previous run started.
_running: dict[str, DemoSite] = {}
_registry_lock = threading.RLock()
_site_counter = 0
_template_ready = False
_atexit_registered = False
_active_overrides: tuple[dict[str, Any], Any] | None = None  # (overrides, override_settings)


def setup_django() -> None:
    """Configure Django for the demo site, once per process."""
    wanted = "demo_site.settings"
    current = os.environ.get("DJANGO_SETTINGS_MODULE")
    if current and current != wanted:
        raise DemoSiteError(
            f"DJANGO_SETTINGS_MODULE is set to {current!r} in this kernel, but the "
            f"demo site needs {wanted!r}. Unset it (or restart the kernel) and try again."
        )
    try:
        import django
        from django.conf import UserSettingsHolder, settings
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DemoSiteError(
            "Django is not installed in this kernel's environment. Start the course "
            "with `make lab`, or run `pip install -e .` in the course folder."
        ) from exc
    os.environ["DJANGO_SETTINGS_MODULE"] = wanted
    if settings.configured:
        # Look through override_settings layers (a site's overrides are one):
        # their UserSettingsHolder reports SETTINGS_MODULE = None.
        holder = settings._wrapped
        while isinstance(holder, UserSettingsHolder):
            holder = holder.default_settings
        configured = getattr(holder, "SETTINGS_MODULE", None)
        if configured != wanted:
            raise DemoSiteError(
                "Django is already configured in this kernel with other settings "
                f"({configured!r}). Restart the kernel to use the demo site."
            )
    from django.apps import apps

    # Only once: django.setup() again would re-run the logging config, Django's defaults first, and a
    # server thread logging a request at that moment would print it into a notebook cell.
    if not apps.ready:
        try:
            django.setup()
        except Exception as exc:
            raise DemoSiteError(f"Django could not start: {exc}") from exc
    global _atexit_registered
    if not _atexit_registered:
        # Runs before the settings module removes the data directory.
        atexit.register(stop_all_demo_sites)
        _atexit_registered = True


def _prepare_template() -> None:
    """Make the ``default`` database a migrated template; every site starts from a copy.

    Migrating costs a few hundred milliseconds, so the migrated file is also
    kept in a cache folder, named after everything that shapes it (Django's
    version, the installed apps, every migration file, the password hasher).
    The next kernel copies it instead of migrating again.
    """
    global _template_ready
    if _template_ready:
        return
    from django.core.management import call_command
    from django.db import connections

    target = Path(connections.settings["default"]["NAME"])
    cached = _template_cache_file()
    if cached is not None and cached.exists():
        with contextlib.suppress(OSError):
            shutil.copyfile(cached, target)
            _template_ready = True
            return

    def migrate() -> None:
        call_command("migrate", verbosity=0, interactive=False)
        connections["default"].close()

    try:
        _in_worker_thread(migrate)
    except Exception as exc:
        raise DemoSiteError(f"The demo site's database could not be created in {target}: {exc}") from exc
    _template_ready = True
    if cached is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}.partial")
            shutil.copyfile(target, partial)
            os.replace(partial, cached)  # atomic: parallel kernels never see half a file


def _template_cache_file() -> Path | None:
    """Where the migrated template for these exact migrations is cached (``None``: no cache)."""
    import hashlib

    import django
    from django.apps import apps
    from django.conf import settings

    folder = os.environ.get("DEMO_SITE_CACHE_DIR")
    if folder == "":
        return None
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = str(Path(base) / "web-remembers-course")
    digest = hashlib.sha256()
    digest.update(django.get_version().encode())
    digest.update(repr(settings.INSTALLED_APPS).encode())
    digest.update(repr(settings.PASSWORD_HASHERS[:1]).encode())
    for config in apps.get_app_configs():
        migrations = Path(config.path) / "migrations"
        for file in sorted(migrations.glob("*.py")) if migrations.is_dir() else []:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return Path(folder) / f"template-{digest.hexdigest()[:16]}.sqlite3"


def _in_worker_thread(fn: Callable[..., T], *args: Any, alias: str | None = None, **kwargs: Any) -> T:
    """Run ``fn`` in a fresh thread (outside the kernel's event loop) and return its result.

    Exceptions raised by ``fn`` are raised again in the caller. The thread's
    database connections are closed before it ends.
    """
    from django.db import connections

    from demo_site.routers import current_alias

    outcome: dict[str, Any] = {}

    def target() -> None:
        current_alias.set(alias)
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # re-raised in the caller
            outcome["error"] = exc
        finally:
            connections.close_all()

    worker = threading.Thread(target=target, name="demo-site-orm", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _validate_overrides(overrides: dict[str, Any]) -> None:
    """Refuse overrides that name no setting or have a value of the wrong kind."""
    from django.conf import global_settings, settings

    known = {name for name in dir(global_settings) if name.isupper()}
    known |= {name for name in dir(settings._wrapped) if name.isupper()}
    for name, value in overrides.items():
        if name in _SERVER_OWNED_SETTINGS:
            raise DemoSiteError(f"The setting {name} cannot be overridden: {_SERVER_OWNED_SETTINGS[name]}.")
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise DemoSiteError(f"{name} is not a Django setting.{hint}")
        current = getattr(settings, name)
        kinds = (bool,) if isinstance(current, bool) else (type(current),)
        if isinstance(current, (int, float)) and not isinstance(current, bool):
            kinds = (int, float)
        if current is not None and value is not None and not isinstance(value, kinds):
            raise DemoSiteError(
                f"{name} should be of type {type(current).__name__}, like {current!r}, "
                f"not {type(value).__name__} {value!r}."
            )
        if name == "SESSION_ENGINE":
            import importlib

            try:
                importlib.import_module(value).SessionStore  # noqa: B018
            except (ImportError, AttributeError) as exc:
                engines = ", ".join(
                    f"'django.contrib.sessions.backends.{e}'"
                    for e in ("db", "cache", "cached_db", "file", "signed_cookies")
                )
                raise DemoSiteError(
                    f"SESSION_ENGINE={value!r} is not a session engine ({exc}). Django ships {engines}."
                ) from exc


def _apply_overrides(overrides: dict[str, Any], name: str) -> None:
    """Make ``overrides`` the process's settings, or explain why they can't be."""
    global _active_overrides
    active = _active_overrides[0] if _active_overrides else {}
    if overrides == active:
        return
    others = [site.name for site in _running.values() if site.name != name]
    if others:
        raise DemoSiteError(
            "Django's settings are shared by every site in a kernel, and the running "
            f"site(s) {', '.join(map(repr, others))} use {active or 'no overrides'}. "
            "Stop them first (stop_all_demo_sites()) or start this site with the same overrides."
        )
    _release_overrides()
    if overrides:
        from django.test.utils import override_settings  # imports django.test: only when needed

        changer = override_settings(**overrides)
        changer.enable()
        _active_overrides = (dict(overrides), changer)


def _clear_shared_stores() -> None:
    """Forget the sessions kept outside the sites' databases (in-memory caches, session files).

    Those stores are per kernel, not per site; once no site runs, the next
    one must start as fresh as its database does.
    """
    from django.conf import settings
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for alias in settings.CACHES:
        cache = caches[alias]  # per thread, but every LocMemCache of a LOCATION shares one store
        if isinstance(cache, LocMemCache):
            cache.clear()
    folder = Path(settings.SESSION_FILE_PATH or "")
    if folder.is_dir() and folder.is_relative_to(settings.DEMO_SITE_DATA_DIR):
        for file in folder.glob(f"{settings.SESSION_COOKIE_NAME}*"):
            with contextlib.suppress(OSError):
                file.unlink()


def _release_overrides() -> None:
    global _active_overrides
    if _active_overrides is not None:
        _active_overrides[1].disable()
        _active_overrides = None


_UNSENDABLE = b"Server Error (500): the response had a header that HTTP cannot carry (see site.log()).\n"


def _refuse_unsendable_headers(app: Callable) -> Callable:
    """Turn a response whose headers are not Latin-1 into a clean 500, before any byte is sent.

    HTTP headers are ISO-8859-1. Django lets a view set, say, a cookie value
    with an emoji; the WSGI server would fail half-way through writing the
    headers and leave the client with a truncated reply. This wrapper checks
    the headers first and answers 500 instead, with the reason in the log.
    """

    def guarded(environ, start_response):
        refused: list[str] = []

        def checked_start_response(status, headers, exc_info=None):
            for name, value in headers:
                try:
                    f"{name}: {value}".encode("latin-1")
                except UnicodeEncodeError:
                    refused.append(name)
            if refused:
                safe = [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(_UNSENDABLE))),
                ]
                return start_response("500 Internal Server Error", safe, exc_info)
            return start_response(status, headers, exc_info)

        result = app(environ, checked_start_response)
        if not refused:
            return result
        if hasattr(result, "close"):
            result.close()  # Django's request_finished signal still fires
        _log.error(
            "%s %s: the response's %s header is not ISO-8859-1 (Latin-1), so HTTP cannot carry it; "
            "answered 500 instead",
            environ.get("REQUEST_METHOD"),
            environ.get("PATH_INFO"),
            refused[0],
        )
        return [_UNSENDABLE]

    return guarded


@functools.cache
def _make_server_classes():
    """Build the server and handler classes, once (Django is imported lazily)."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    from demo_site.routers import current_alias

    class _ErrorStream:
        """The stderr wsgiref writes a failed response's traceback to: the site's log, never a cell.

        wsgiref writes here only when a response failed. If the failure came
        after the status line was sent (a header that is not Latin-1, say), the
        reply is cut short; the connection is then closed so that a keep-alive
        client sees the failure at once instead of waiting for the missing bytes.
        """

        def __init__(self, handler: WSGIRequestHandler):
            self.handler = handler

        def write(self, text: str) -> None:
            if text.strip():
                self.handler.close_connection = True
                _log.error(text.rstrip())

        def flush(self) -> None:
            pass

    class Handler(WSGIRequestHandler):
        # Without this, a keep-alive request waits ~40 ms for a delayed ACK.
        disable_nagle_algorithm = True

        def get_stderr(self):
            return _ErrorStream(self)

    class Server(ThreadedWSGIServer):
        """Django's threaded server that knows its connections and its database."""

        daemon_threads = True
        block_on_close = False  # we join our own threads in DemoSite.stop()

        def __init__(self, address, alias: str, site_name: str):
            self.db_alias = alias
            self.site_name = site_name
            self.open_connections: set[socket.socket] = set()
            self.request_threads: set[threading.Thread] = set()
            self.track_lock = threading.Lock()
            super().__init__(address, Handler, allow_reuse_address=False)

        def process_request(self, request, client_address):
            thread = threading.Thread(
                target=self.process_request_thread,
                args=(request, client_address),
                name=f"demo-site-{self.site_name}-request",
                daemon=True,
            )
            with self.track_lock:
                self.open_connections.add(request)
                self.request_threads.add(thread)
            thread.start()

        def process_request_thread(self, request, client_address):
            current_alias.set(self.db_alias)
            try:
                super().process_request_thread(request, client_address)
            finally:
                with self.track_lock:
                    self.open_connections.discard(request)
                    self.request_threads.discard(threading.current_thread())

        def handle_error(self, request, client_address):
            _log.exception("Error while serving %s", client_address)

    return Server


class DemoSite:
    """A running demo site: its URL, its clients, its database.

    Don't create one directly; call :func:`start_demo_site`.
    """

    def __init__(self, name: str, overrides: dict[str, Any]):
        self.name = name
        self.overrides = dict(overrides)
        self._server = None
        self._thread: threading.Thread | None = None
        self._clients: weakref.WeakSet = weakref.WeakSet()
        self._alias = ""
        self._db_path: Path | None = None

    # -- life cycle -------------------------------------------------------

    def _start(self, port: int) -> None:
        global _site_counter
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.db import connections

        _site_counter += 1
        self._alias = f"site_{_site_counter}"
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

        server_class = _make_server_classes()
        try:
            self._server = server_class(("127.0.0.1", port), self._alias, self.name)
        except OSError as exc:
            self._forget_database()
            raise DemoSiteError(
                f"Could not listen on 127.0.0.1:{port} ({exc.strerror or exc}). "
                "Another program may be using that port: pick another, or leave "
                "port out to get a free one."
            ) from exc
        self._server.set_app(_refuse_unsendable_headers(WSGIHandler()))
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
        with _registry_lock:
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
            if _running.get(self.name) is self:
                del _running[self.name]
            if not _running:
                _release_overrides()
                _clear_shared_stores()

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
        return _in_worker_thread(fn, *args, alias=self._alias, **kwargs)

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
        name = settings.SESSION_COOKIE_NAME
        values = [c.value for client in clients for c in getattr(client, "cookies", []) if c.name == name]
        return self.orm(read_session_rows, values)

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
    setup_django()
    with _registry_lock:
        # Validate first: a typo in a re-run cell must not cost the site that was running.
        _validate_overrides(settings_overrides)
        old = _running.get(name)
        if old is not None:
            old.stop()
        _apply_overrides(settings_overrides, name)
        _prepare_template()
        site = DemoSite(name, settings_overrides)
        try:
            site._start(port)
        except BaseException:
            if not _running:
                _release_overrides()
                _clear_shared_stores()
            raise
        _running[name] = site
        return site


def running_demo_sites() -> list[DemoSite]:
    """Return the sites running in this kernel, oldest first."""
    with _registry_lock:
        return list(_running.values())


def stop_all_demo_sites() -> None:
    """Stop every demo site running in this kernel."""
    with _registry_lock:
        for site in list(_running.values()):
            site.stop()
