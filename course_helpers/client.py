"""The learner's HTTP client: a ``requests.Session`` that remembers what it did.

``site.client()`` returns a :class:`DemoClient`. It behaves exactly like
``requests.Session`` (same cookie jar, same redirects), with a few additions:
paths such as ``"/counter/"`` are relative to the demo site; every
exchange, redirects included, is recorded in ``client.trace`` so that it can
be drawn as a sequence diagram; ``client.log_in()`` / ``client.log_out()``
fill in a login form the way a browser does, CSRF token and all; and
``client.post_form()`` submits any form of the site with its CSRF token.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import requests

from course_helpers.errors import CourseError
from course_helpers.exchange import Exchange
from course_helpers.trace import Trace

#: Django's login page; ``log_in()`` uses it unless told another.
LOGIN_URL = "/accounts/login/"
#: Django's logout view (POST only).
LOGOUT_URL = "/accounts/logout/"

#: Seconds a request may take before requests gives up (a hung server must not hang a cell).
DEFAULT_TIMEOUT = 10


class DemoClient(requests.Session):
    """A ``requests.Session`` bound to one demo site, recording its traffic."""

    def __init__(self, base_url: str, *, trace_limit: int = 200):
        super().__init__()
        # The demo site is on loopback: no proxy from the environment applies,
        # and skipping the lookup halves requests' own cost per call.
        self.trust_env = False
        self.base_url = base_url.rstrip("/")
        self.trace = Trace(limit=trace_limit)
        self.hooks["response"].append(self._record)

    def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        """Send a request like ``requests.Session.request``; a path is taken relative to the site."""
        if isinstance(url, str) and url.startswith("/"):
            url = self.base_url + url
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        return super().request(method, url, *args, **kwargs)

    @property
    def csrf_token(self) -> str | None:
        """The value of the ``csrftoken`` cookie in the jar (what a form's hidden field must match), or ``None``."""
        from course_helpers.cookies import find_cookie

        cookie = find_cookie(self, "csrftoken")
        return cookie.value if cookie is not None else None

    def log_in(
        self,
        username: str = "alice",
        password: str | None = None,
        *,
        url: str = LOGIN_URL,
        next: str | None = None,
        next_in: str = "form",
        allow_redirects: bool = True,
        **fields: str,
    ) -> requests.Response:
        """Log in through the login form at ``url``, as a browser does, and return the POST's response.

        GETs the form (which gives the jar a ``csrftoken`` cookie), then POSTs
        the form's hidden fields (the CSRF token among them) with ``username``
        and ``password``. ``password=None`` is the demo user's own password
        (``alice``, ``bob``). ``next`` is sent in the form (``next_in="form"``)
        or, with ``next_in="query"``, in the URL of both the GET and the POST,
        as when a browser was sent to ``login/?next=...``; other ``fields``
        are added to the form. Redirects are followed unless ``allow_redirects=False``.
        Works with any form that has ``username`` and ``password`` fields:
        Django's ``LoginView`` (the default), lesson 04's cookie login, a
        learner's own. Raises :class:`CourseError` if ``url`` shows no such form.
        """
        if password is None:
            from demo_site.home.users import DEMO_USERS

            if username not in DEMO_USERS:
                raise CourseError(
                    f"{username!r} is not a demo user ({', '.join(DEMO_USERS)}): pass password= too."
                )
            password = DEMO_USERS[username]
        if next_in not in ("form", "query"):
            raise CourseError(f"next_in is 'form' or 'query', not {next_in!r}.")
        if next is not None and next_in == "query":
            # As a browser sent to login/?next=... does: the form is shown and posted with it. Slashes stay
            # unencoded, as in the URLs Django's redirect_to_login() writes.
            url = f"{url}{'&' if '?' in url else '?'}{urlencode({'next': next}, safe='/')}"
        page = self.get(url)
        form = _LoginForm.read(page.text)
        if page.status_code != 200 or not form.has_login_fields:
            raise CourseError(
                f"GET {url} answered {page.status_code} without a login form (fields username and password), "
                "so there is nothing to fill in. Is it the right URL?"
            )
        data = dict(form.hidden)
        if "csrfmiddlewaretoken" not in data and self.csrf_token:
            data["csrfmiddlewaretoken"] = self.csrf_token
        data.update(username=username, password=password, **fields)
        if next is not None and next_in == "form":
            data["next"] = next
        return self.post(url, data=data, allow_redirects=allow_redirects)

    def log_out(self, url: str = LOGOUT_URL, *, allow_redirects: bool = True) -> requests.Response:
        """Log out by POSTing the CSRF token to the logout view at ``url``, as a logout button does."""
        return self.post_form(url, allow_redirects=allow_redirects)

    def post_form(
        self, url: str, data: dict[str, Any] | None = None, *, allow_redirects: bool = True, **kwargs: Any
    ) -> requests.Response:
        """POST ``data`` to ``url`` as a form of the site does: with the CSRF token in ``csrfmiddlewaretoken``.

        If the jar has no ``csrftoken`` cookie yet, the login page is fetched
        first (it hands one out), as a browser would have loaded some page of
        the site before submitting one of its forms. Other keyword arguments
        go to ``requests`` (``headers=``, ``params=``...).
        """
        if not self.csrf_token:
            self.get(LOGIN_URL)
        fields = {**(data or {}), "csrfmiddlewaretoken": self.csrf_token or ""}
        return self.post(url, data=fields, allow_redirects=allow_redirects, **kwargs)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.trace.append(Exchange.from_response(response))

    def __repr__(self) -> str:
        return f"<DemoClient for {self.base_url} with {len(self.cookies)} cookie(s)>"


class _LoginForm(HTMLParser):
    """The input fields of a page's forms: the hidden ones with their values, and the names of the others."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.names: set[str] = set()

    @classmethod
    def read(cls, html: str) -> _LoginForm:
        form = cls()
        form.feed(html)
        form.close()
        return form

    @property
    def has_login_fields(self) -> bool:
        return {"username", "password"} <= self.names

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "input":
            return
        attributes = {key: value or "" for key, value in attrs}
        name = attributes.get("name")
        if not name:
            return
        self.names.add(name)
        if attributes.get("type", "").lower() == "hidden":
            self.hidden[name] = attributes.get("value", "")
