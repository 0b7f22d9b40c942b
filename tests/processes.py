"""Starting a command that serves HTTP, for the tests that check ``make lab`` and ``make site``."""

import socket
import subprocess
import time

import requests


def free_port() -> int:
    """A port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def first_answer(url: str, process: subprocess.Popen, *, within: float, what: str) -> requests.Response:
    """GET ``url`` until ``process`` answers it; fail with its output if it dies or stays silent."""
    deadline = time.monotonic() + within
    while True:
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            assert process.poll() is None, f"{what} exited:\n{process.stdout.read()}"
            assert time.monotonic() < deadline, f"{what} did not answer within {within:g} s"
            time.sleep(0.1)
