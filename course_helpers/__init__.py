"""Helpers for the course *How the web remembers people*.

Everything a lesson needs is importable from here in one line::

    from course_helpers import start_demo_site, show_cookies, trace

The demo site runs inside the kernel (:func:`start_demo_site`); its clients
log in with ``client.log_in()``; the other helpers look inside what browsers
and servers normally hide. ``open_browser`` (a real, headless Chromium, for
lesson 12) is imported only when first used.
"""

from course_helpers.balancer import start_balancer, start_cluster
from course_helpers.client import DemoClient
from course_helpers.clock import travel
from course_helpers.cookies import explain_set_cookie, find_cookie, show_cookies
from course_helpers.display import Table
from course_helpers.environment import check_environment
from course_helpers.errors import CourseError, DemoSiteError
from course_helpers.exchange import Exchange, set_cookie_headers, show_exchange
from course_helpers.exercises import progress, reset_progress
from course_helpers.jwt_tools import b64url, b64url_json, forge, read_jwt, replay_token
from course_helpers.logview import latest_problems
from course_helpers.raw import RawReply, raw_http
from course_helpers.redirects import browser_destination, open_redirect_payloads, stays_on_site
from course_helpers.redis_server import RedisUnavailable, redis_missing, start_redis_server
from course_helpers.server import (
    DemoSite,
    running_demo_sites,
    start_demo_site,
    stop_all_demo_sites,
)
from course_helpers.serving import serve_view
from course_helpers.signed import explain_signed_value
from course_helpers.trace import trace


def __getattr__(name: str):
    # The browser helper is imported on first use: importing the package never needs Playwright.
    if name == "open_browser":
        from course_helpers.browser import open_browser

        return open_browser
    raise AttributeError(f"module 'course_helpers' has no attribute {name!r}")


__all__ = [
    "CourseError",
    "DemoClient",
    "DemoSite",
    "DemoSiteError",
    "Exchange",
    "RawReply",
    "RedisUnavailable",
    "Table",
    "b64url",
    "b64url_json",
    "browser_destination",
    "check_environment",
    "explain_set_cookie",
    "explain_signed_value",
    "find_cookie",
    "forge",
    "latest_problems",
    "open_browser",
    "open_redirect_payloads",
    "progress",
    "raw_http",
    "read_jwt",
    "redis_missing",
    "replay_token",
    "reset_progress",
    "running_demo_sites",
    "serve_view",
    "set_cookie_headers",
    "show_cookies",
    "show_exchange",
    "start_balancer",
    "start_cluster",
    "start_demo_site",
    "start_redis_server",
    "stays_on_site",
    "stop_all_demo_sites",
    "trace",
    "travel",
]
