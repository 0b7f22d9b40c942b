"""A small HTTP load balancer in a thread of the kernel: several demo sites behind one address.

``lb = start_balancer([app1, app2])`` listens on ``127.0.0.1`` and a free
port and forwards each request to the next server in turn (*round robin*).
``sticky="cookie"`` pins a client to the server that answered it first, with
a cookie the balancer sets itself (``lb_server``, as HAProxy's ``SERVERID``);
``sticky="address"`` picks the server from the client's IP address (on one
machine every client has the same one, which is that scheme's weakness). A
server that is stopped, or refuses the connection, is skipped: the request
goes to the next one (*failover*), and the answer says ``502`` only when no
server is left.

Every answer carries ``X-Backend: <site name>``; ``lb.counts`` counts the
requests each server answered and ``lb.hops`` records each one
(:class:`Hop`). ``lb.client()`` is a :class:`~course_helpers.client.DemoClient`
of the balancer's address. Starting a balancer of the same ``name`` again
stops the old one, so a re-run cell leaks nothing; ``lb.stop()`` (or a
``with`` block) closes the port and every open connection.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import socket
import threading
import weakref
import zlib
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from course_helpers.errors import DemoSiteError

#: The cookie a ``sticky="cookie"`` balancer sets to remember a client's server.
STICKY_COOKIE = "lb_server"
STICKY_MODES = (None, "cookie", "address")
#: Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1).
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}
_MAX_HOPS = 1000
#: Bounds that keep one slow or hostile client from tying the balancer up: connections served at once
#: (one thread each), seconds a connection may sit idle or half-sent, and the largest request body.
_MAX_CONNECTIONS, _IDLE_SECONDS, _MAX_BODY = 64, 30, 1 << 20


@dataclass(frozen=True)
class Hop:
    """One request the balancer handled: ``backend`` is the server that answered (``None``: none could)."""

    method: str
    path: str
    backend: str | None
    status: int
    failed_over: bool


class _Backend:
    """One server behind the balancer: a demo site (or anything with ``name`` and ``port``)."""

    def __init__(self, site: Any):
        self.site = site
        self.name = str(site.name)
        self.port = int(site.port)

    @property
    def up(self) -> bool:
        return bool(getattr(self.site, "running", True))


class Balancer:
    """A running balancer; create one with :func:`start_balancer`."""

    def __init__(self, sites: list[Any], *, sticky: str | None, name: str):
        self.name = name
        self.sticky = sticky
        self.backends = [_Backend(site) for site in sites]
        self.counts: Counter[str] = Counter({b.name: 0 for b in self.backends})
        self.hops: list[Hop] = []
        self._lock = threading.Lock()
        self._next = 0
        self._clients: weakref.WeakSet = weakref.WeakSet()
        self._server = _make_server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"balancer-{name}",
            daemon=True,
        )
        self._thread.start()

    # -- what lessons use -------------------------------------------------

    @property
    def servers(self) -> list[Any]:
        """The sites behind the balancer, in rotation order (stopped ones included)."""
        return [backend.site for backend in self.backends]

    def server(self, name: str) -> Any:
        """The site called ``name`` behind the balancer (``KeyError`` if there is none)."""
        for backend in self.backends:
            if backend.name == name:
                return backend.site
        raise KeyError(
            f"No server {name!r} behind this balancer; there are {[b.name for b in self.backends]}."
        )

    @property
    def running(self) -> bool:
        """Whether the balancer is listening."""
        return self._server is not None

    @property
    def port(self) -> int:
        """The port the balancer listens on."""
        self._require_running()
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The balancer's base URL, e.g. ``http://127.0.0.1:50124``."""
        return f"http://127.0.0.1:{self.port}"

    def client(self, **kwargs: Any):
        """A new :class:`~course_helpers.client.DemoClient` that talks to the balancer."""
        from course_helpers.client import DemoClient

        self._require_running()
        client = DemoClient(self.url, **kwargs)
        self._clients.add(client)
        return client

    def reset_counts(self) -> None:
        """Start counting afresh (``counts`` back to zero, ``hops`` emptied); the rotation goes on."""
        with self._lock:
            self.counts = Counter({b.name: 0 for b in self.backends})
            self.hops = []

    def stop(self) -> None:
        """Stop listening and close every open connection; stopping twice does nothing."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        for client in list(self._clients):
            client.close()
        with server.track_lock:
            sockets = list(server.open_connections)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        server.server_close()
        self._thread.join(timeout=5)
        if _RUNNING.get(self.name) is self:
            del _RUNNING[self.name]

    def __enter__(self) -> Balancer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        names = ", ".join(b.name for b in self.backends)
        mode = f", sticky={self.sticky!r}" if self.sticky else ""
        where = self.url if self.running else "(stopped)"
        return f"<Balancer {self.name!r} at {where} → {names}{mode}>"

    # -- choosing a server ------------------------------------------------

    def _candidates(self, cookie_header: str, client_ip: str) -> list[_Backend]:
        """The servers to try, in order: the chosen one first, then the others in rotation."""
        with self._lock:
            n = len(self.backends)
            if self.sticky == "cookie" and (pinned := _cookie_value(cookie_header, STICKY_COOKIE)):
                first = next((i for i, b in enumerate(self.backends) if b.name == pinned), None)
            else:
                first = None
            if first is None and self.sticky == "address":
                first = zlib.crc32(client_ip.encode()) % n
            if first is None:
                first = self._next
                self._next = (self._next + 1) % n
            return [self.backends[(first + i) % n] for i in range(n)]

    def _record(self, hop: Hop) -> None:
        with self._lock:
            if hop.backend is not None:
                self.counts[hop.backend] += 1
            self.hops.append(hop)
            del self.hops[:-_MAX_HOPS]

    def _require_running(self) -> None:
        if self._server is None:
            raise DemoSiteError(f"The balancer {self.name!r} is stopped. Run the cell that starts it again.")


def _cookie_value(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _make_server(balancer: Balancer) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Without this, each answer waits ~40 ms for a delayed ACK (headers and body are two writes).
        disable_nagle_algorithm = True
        timeout = (
            _IDLE_SECONDS  # a keep-alive connection left idle (or a body never sent) ends, with its thread
        )

        def log_message(self, format: str, *args: Any) -> None:
            """Nothing is printed: a server thread must not write into a notebook cell."""

        def _forward(self) -> None:
            declared = self.headers.get("Content-Length") or "0"
            if not declared.isdigit() or int(declared) > _MAX_BODY:
                self.close_connection = True
                self._reply(
                    400,
                    "Bad Request",
                    [("Connection", "close"), ("Content-Type", "text/plain")],
                    b"Bad Content-Length.\n",
                )
                return
            length = int(declared)
            body = self.rfile.read(length) if length > 0 else b""
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP]
            headers.append(("X-Forwarded-For", self.client_address[0]))
            if body or self.command in ("POST", "PUT", "PATCH"):
                headers.append(("Content-Length", str(len(body))))
            cookie_header = "; ".join(v for k, v in self.headers.items() if k.lower() == "cookie")
            candidates = balancer._candidates(cookie_header, self.client_address[0])
            for tried, backend in enumerate(candidates):
                if not backend.up:
                    continue
                try:
                    status, reason, reply_headers, reply = _send(
                        backend, self.command, self.path, headers, body
                    )
                except OSError:  # refused or reset: the server is down, try the next one
                    continue
                failed_over = tried > 0
                reply_headers.append(("X-Backend", backend.name))
                if (
                    balancer.sticky == "cookie"
                    and _cookie_value(cookie_header, STICKY_COOKIE) != backend.name
                ):
                    reply_headers.append(
                        ("Set-Cookie", f"{STICKY_COOKIE}={backend.name}; Path=/; HttpOnly; SameSite=Lax")
                    )
                balancer._record(Hop(self.command, self.path, backend.name, status, failed_over))
                self._reply(status, reason, reply_headers, reply)
                return
            balancer._record(Hop(self.command, self.path, None, 502, True))
            self._reply(
                502,
                "Bad Gateway",
                [("Content-Type", "text/plain")],
                b"No server behind the balancer is up.\n",
            )

        def _reply(self, status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response_only(status, reason)
            for key, value in headers:
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_HEAD = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _forward

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        block_on_close = False
        allow_reuse_address = False

        def __init__(self) -> None:
            self.open_connections: set[socket.socket] = set()
            self.track_lock = threading.Lock()
            super().__init__(("127.0.0.1", 0), Handler)

        def process_request(self, request, client_address):
            with self.track_lock:
                full = len(self.open_connections) >= _MAX_CONNECTIONS
                if not full:
                    self.open_connections.add(request)
            if full:  # no thread for it: say so and close (a browser retries)
                with contextlib.suppress(OSError):
                    request.sendall(
                        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                self.close_request(request)
                return
            super().process_request(request, client_address)

        def shutdown_request(self, request):
            with self.track_lock:
                self.open_connections.discard(request)
            super().shutdown_request(request)

        def handle_error(self, request, client_address):
            """A client that went away mid-answer is not worth a traceback in a cell."""

    return Server()


def _send(backend: _Backend, method: str, path: str, headers: list[tuple[str, str]], body: bytes):
    connection = http.client.HTTPConnection("127.0.0.1", backend.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for key, value in headers:
            connection.putheader(key, value)
        connection.endheaders(body or None)
        response = connection.getresponse()
        reply = response.read()
        reply_headers = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
        return response.status, response.reason, reply_headers, reply
    finally:
        connection.close()


_RUNNING: dict[str, Balancer] = {}


def start_balancer(sites: list[Any], *, sticky: str | None = None, name: str = "balancer") -> Balancer:
    """Start a load balancer in front of ``sites`` (running demo sites) and return it.

    ``sticky`` is ``None`` (round robin), ``"cookie"`` or ``"address"``.
    Starting a balancer of the same ``name`` again stops the old one first.
    Raises :class:`DemoSiteError` if a site is not running or ``sticky`` is
    not one of those.
    """
    if sticky not in STICKY_MODES:
        raise DemoSiteError(f"sticky must be one of {STICKY_MODES}, not {sticky!r}.")
    sites = list(sites)
    if not sites:
        raise DemoSiteError("A balancer needs at least one site to forward to: start_balancer([app1, app2]).")
    for site in sites:
        if not getattr(site, "running", True):
            raise DemoSiteError(f"The site {site.name!r} is stopped: start it before the balancer.")
    old = _RUNNING.pop(name, None)
    if old is not None:
        old.stop()
    if not _RUNNING:
        atexit.unregister(stop_all_balancers)  # registered once, however many balancers start
        atexit.register(stop_all_balancers)
    balancer = Balancer(sites, sticky=sticky, name=name)
    _RUNNING[name] = balancer
    return balancer


def start_cluster(*, servers: int = 2, sticky: str | None = None, **settings_overrides: Any) -> Balancer:
    """Stop every demo site, start ``servers`` of them (``app1``, ``app2``, ...) and a balancer in front.

    ``settings_overrides`` (Django settings in UPPER CASE) apply to every
    server: settings are per kernel. Each server has its own database, as
    every demo site does; whether they share a session store is what
    ``SESSION_ENGINE`` (and ``CACHES``) decide. Returns the balancer;
    ``lb.servers`` are the sites.
    """
    from course_helpers.server import start_demo_site, stop_all_demo_sites

    stop_all_demo_sites()
    sites = [start_demo_site(f"app{n}", **settings_overrides) for n in range(1, servers + 1)]
    return start_balancer(sites, sticky=sticky)


def stop_all_balancers() -> None:
    """Stop every balancer this process started."""
    for balancer in list(_RUNNING.values()):
        balancer.stop()


__all__ = ["STICKY_COOKIE", "Balancer", "Hop", "start_balancer", "start_cluster", "stop_all_balancers"]
