"""Fuzzing (bounded, for make test): hostile headers against every URL never give a 5xx or a traceback."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_helpers import start_demo_site
from tests import fuzzing


@pytest.fixture(scope="module")
def site():
    site = start_demo_site(name="fuzz")
    yield site
    site.stop()


def test_discovery_finds_every_url():
    paths = fuzzing.site_paths()
    assert "/" in paths and "/counter/" in paths and "/accounts/login/" in paths
    assert all(p.startswith("/") and "<" not in p and "(?P" not in p for p in paths)


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(fuzzing.site_paths()),
    method=fuzzing.methods,
    cookies=fuzzing.cookie_headers,
    authorization=fuzzing.authorization_headers,
)
def test_hostile_headers_never_break_the_site(site, path, method, cookies, authorization):
    reply = fuzzing.send(site.port, method, path, cookies, authorization)
    assert not fuzzing.problems(path, reply), (method, cookies[:1], authorization)


def test_every_url_survives_each_kind_of_garbage(site):
    # Deterministic companion of the random run: every URL gets every kind at least once.
    samples = [
        [b"sessionid=" + b"z" * 70_000],
        [b"\xff\xfe\x00garbage"],
        [b"a=1", b"a=2", b"sessionid=x; sessionid=y"],
        [b'visits="\\"; login=yes:1:2; csrftoken=' + "é".encode()],
    ]
    for path in fuzzing.site_paths():
        for cookies in samples:
            for auth in (None, b"Bearer \x00\xff", b"Basic !!!"):
                reply = fuzzing.send(site.port, b"GET", path, cookies, auth)
                assert not fuzzing.problems(path, reply), (path, cookies, auth)
