"""A real Redis server for a lesson: Debian's ``redis-server`` on a free loopback port, for a while.

``redis = start_redis_server()`` starts ``redis-server --port N --bind
127.0.0.1 --save "" --appendonly no`` in a temporary folder (nothing is ever
written to disk) and waits until it answers; ``redis.url`` is what Django's
``RedisCache`` takes as ``LOCATION``; ``redis.client()`` is a ``redis.Redis``
to look inside. ``redis.stop()`` (or the end of a ``with`` block, or the end of
the kernel) stops it and leaves nothing behind: no process, no port, no folder.
Starting a server of the same ``name`` again stops the old one first.

Without Redis, :func:`redis_missing` says why in one friendly sentence
(``redis-server`` not installed, the ``redis`` package missing, or
``COURSE_NO_REDIS=1`` set to rehearse that case) and
:func:`start_redis_server` raises :class:`RedisUnavailable` with it.

In a notebook, ``%load_ext course_helpers.redis_server`` adds the cell magic
``%%needs_redis``: a cell that starts with it runs as usual when Redis is
here, and otherwise prints that one sentence and is skipped.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from typing import Any

from course_helpers.errors import CourseError

#: Set this environment variable to ``1`` to act as if Redis were not installed.
NO_REDIS_ENV = "COURSE_NO_REDIS"
_START_TIMEOUT = 5.0


class RedisUnavailable(CourseError):
    """Redis cannot be used here; the message says why and how to get it."""


def redis_missing() -> str | None:
    """Why Redis cannot be used here, in one sentence; ``None`` when it can."""
    if os.environ.get(NO_REDIS_ENV) == "1":
        return f"Redis is switched off here ({NO_REDIS_ENV}=1)."
    if shutil.which("redis-server") is None:
        return "redis-server is not installed here (on Debian or Ubuntu: apt-get install redis-server)."
    try:
        import redis  # noqa: F401
    except ImportError:
        return "The redis package is not installed (pip install 'redis>=5')."
    return None


class RedisServer:
    """A ``redis-server`` process this kernel started; create one with :func:`start_redis_server`."""

    def __init__(self, name: str):
        self.name = name
        self._folder = tempfile.mkdtemp(prefix="course-redis-")
        self._process: subprocess.Popen | None = None
        self.port = 0
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        for _ in range(5):  # a free port can be taken between choosing it and redis binding it
            self.port = _free_port()
            self._process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    self._folder,
                    "--logfile",
                    "",
                ],
                cwd=self._folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                # The signal comes when the starting *thread* ends: ask for it only from the main thread.
                preexec_fn=_die_with_parent
                if threading.current_thread() is threading.main_thread()
                else None,
            )
            if self._wait_until_it_answers():
                return
            self._end_process()
        raise RedisUnavailable("redis-server did not start (five ports tried); is it installed correctly?")

    def _wait_until_it_answers(self) -> bool:
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return True
            time.sleep(0.005)
        return False

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def url(self) -> str:
        """The server's URL, ``redis://127.0.0.1:<port>/0``: a ``RedisCache`` ``LOCATION``."""
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> Any:
        """A ``redis.Redis`` talking to this server (answers decoded to text)."""
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, decode_responses=True, socket_timeout=2)

    def keys(self, pattern: str = "*") -> list[str]:
        """The keys matching ``pattern``, sorted (``[]`` once the server is stopped)."""
        if not self.running:
            return []
        with contextlib.closing(self.client()) as client:
            return sorted(client.scan_iter(match=pattern))

    def stop(self) -> None:
        """Stop the server and delete its folder; stopping twice does nothing."""
        self._end_process()
        shutil.rmtree(self._folder, ignore_errors=True)
        if _RUNNING.get(self.name) is self:
            del _RUNNING[self.name]

    def _end_process(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<RedisServer at {self.url}>" if self.running else "<RedisServer (stopped)>"


def _die_with_parent() -> None:
    """In the child, on Linux: get SIGTERM when the kernel dies, even killed (atexit never runs then)."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_RUNNING: dict[str, RedisServer] = {}


def start_redis_server(name: str = "redis") -> RedisServer:
    """Start a private ``redis-server`` on a free loopback port and return it once it answers.

    Raises :class:`RedisUnavailable` (saying why, in one sentence) when Redis
    cannot be used here; see :func:`redis_missing`.
    """
    missing = redis_missing()
    if missing:
        raise RedisUnavailable(missing)
    old = _RUNNING.pop(name, None)
    if old is not None:
        old.stop()
    if not _RUNNING:
        atexit.unregister(stop_all_redis_servers)  # registered once, however many servers start
        atexit.register(stop_all_redis_servers)
    server = RedisServer(name)
    _RUNNING[name] = server
    return server


def stop_all_redis_servers() -> None:
    """Stop every Redis server this process started."""
    for server in list(_RUNNING.values()):
        server.stop()


def _needs_redis(line: str, cell: str) -> None:
    """Run the cell if Redis can be used here; otherwise say why, in one line, and skip it."""
    from IPython import get_ipython

    missing = redis_missing()
    if missing:
        print(f"Skipped: {missing} This part needs Redis; the rest of the lesson does not.")
        return
    result = get_ipython().run_cell(cell)
    result.raise_error()  # a failing check must fail the cell, not just print its traceback


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext course_helpers.redis_server``: register the cell magic ``%%needs_redis``."""
    ipython.register_magic_function(_needs_redis, magic_kind="cell", magic_name="needs_redis")


__all__ = [
    "NO_REDIS_ENV",
    "RedisServer",
    "RedisUnavailable",
    "redis_missing",
    "start_redis_server",
    "stop_all_redis_servers",
]
