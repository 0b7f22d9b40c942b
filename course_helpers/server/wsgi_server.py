"""The HTTP side of a demo site: Django's threaded WSGI server, tuned and made quiet for a kernel.

:func:`make_server_class` builds (once) a ``ThreadedWSGIServer`` subclass that
knows its open connections and request threads, so a site can be stopped
without leaking either, and whose handler answers keep-alive requests without
Nagle's delay and writes errors to the site's log, never to a notebook cell.
:func:`refuse_unsendable_headers` wraps the WSGI application so that a header
HTTP cannot carry becomes a clean 500.
"""

from __future__ import annotations

import functools
import logging
import socket
import threading
from collections.abc import Callable

_log = logging.getLogger("demo_site.server")

_UNSENDABLE = b"Server Error (500): the response had a header that HTTP cannot carry (see site.log()).\n"


def refuse_unsendable_headers(app: Callable) -> Callable:
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
def make_server_class():
    """The demo site's server class, built once (Django is imported lazily, on first use).

    ``Server((host, port), alias, site_name)`` listens at once; its request
    threads route their queries to the database ``alias`` and are named
    ``demo-site-<site_name>-request``; it keeps its open connections and
    request threads in ``open_connections`` and ``request_threads`` (guarded
    by ``track_lock``) so that stopping a site can close and join them.
    """
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
