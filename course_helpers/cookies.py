"""Cookies made visible: the jar as a table, one cookie found in it, one ``Set-Cookie`` header taken apart.

``show_cookies`` reads a ``requests`` cookie jar (or a browser's cookie list);
``find_cookie`` finds one cookie of a jar by name (and path, and domain);
``explain_set_cookie`` parses a ``Set-Cookie`` value the way RFC 6265
(section 5.2) tells a browser to, and says what a browser will do with it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.cookiejar import Cookie, CookieJar, http2time
from typing import Any

import requests

from course_helpers.display import Display, Sections, Table, describe_age, shorten

#: Browsers must accept at least this many bytes of name + value (RFC 6265 §6.1); most refuse more.
COOKIE_SIZE_LIMIT = 4096

_KNOWN_ATTRIBUTES = {
    "expires": "Expires",
    "max-age": "Max-Age",
    "domain": "Domain",
    "path": "Path",
    "secure": "Secure",
    "httponly": "HttpOnly",
    "samesite": "SameSite",
    "partitioned": "Partitioned",
    "priority": "Priority",
}


# -- the cookie jar ----------------------------------------------------------


def find_cookie(
    jar_or_session: Any, name: str, *, path: str | None = None, domain: str | None = None
) -> Cookie | None:
    """The cookie ``name`` in a jar (or a ``requests.Session``'s jar), or ``None`` if there is none.

    ``path`` and ``domain``, when given, must match exactly (a jar can hold
    one name several times, once per path or domain; ``jar[name]`` then
    raises ``CookieConflictError``). With several matches, the one with the
    longest path is returned, the one a client sends first. Unlike
    ``jar.get(name)``, it gives the whole :class:`http.cookiejar.Cookie`:
    its value, path, domain, expiry and flags.
    """
    jar = getattr(jar_or_session, "cookies", jar_or_session)
    if not isinstance(jar, CookieJar):
        raise TypeError(
            f"find_cookie() reads a cookie jar or a client's jar, not {type(jar_or_session).__name__}."
        )
    found = [
        cookie
        for cookie in jar
        if cookie.name == name
        and (path is None or cookie.path == path)
        and (domain is None or cookie.domain == domain)
    ]
    return max(found, key=lambda cookie: len(cookie.path or ""), default=None)


def show_cookies(jar_or_session: Any, *, now: float | None = None) -> Table:
    """Show a cookie jar as a table, one row per cookie.

    Accepts a ``requests.Session`` (its jar is shown), a ``RequestsCookieJar``
    or any ``http.cookiejar.CookieJar``, or a browser's cookie list (dicts
    with ``name``, ``value``, ``domain``, ``path``, ``expires``, ``secure``,
    ``httpOnly``, ``sameSite``, as Playwright returns them).

    Columns: name, value (long values are shortened visibly), domain
    (host-only cookies marked), path, expiry (absolute and relative, or
    "session"), Secure, HttpOnly, SameSite. Cookies are sorted by domain,
    path and name so that the table is the same from run to run.
    """
    now = time.time() if now is None else now
    if isinstance(jar_or_session, requests.Session):
        rows = [_row_from_cookie(c) for c in jar_or_session.cookies]
    elif isinstance(jar_or_session, CookieJar):
        rows = [_row_from_cookie(c) for c in jar_or_session]
    elif isinstance(jar_or_session, Iterable) and not isinstance(jar_or_session, (str, bytes, Mapping)):
        items = list(jar_or_session)
        if not all(isinstance(item, Mapping) and "name" in item for item in items):
            raise TypeError(
                "show_cookies() takes a requests.Session, a cookie jar, or a list of browser "
                "cookies (dicts with 'name', 'value', 'domain', ...)."
            )
        rows = [_row_from_browser(item) for item in items]
    else:
        raise TypeError(
            f"show_cookies() takes a requests.Session, a cookie jar, or a list of browser "
            f"cookies, not {type(jar_or_session).__name__}."
        )
    rows.sort(key=lambda r: (r["domain"], r["path"], r["name"]))
    notes = []
    from_requests = not isinstance(jar_or_session, Iterable) or isinstance(jar_or_session, CookieJar)
    if from_requests and any(r["expires"] is not None and r["expires"] <= now for r in rows):
        notes.append(
            "An expired cookie stays in a requests jar (it is no longer sent) until "
            "jar.clear_expired_cookies() runs; a browser drops it."
        )
    if any(r["host_only"] and r["domain"].endswith(".local") for r in rows):
        notes.append("requests files cookies from a host without a dot (localhost) under HOST.local.")
    return Table(
        ["name", "value", "domain", "path", "expires", "Secure", "HttpOnly", "SameSite"],
        [
            (
                r["name"],
                shorten(r["value"]),
                r["domain"] + (" (host-only)" if r["host_only"] else ""),
                r["path"],
                _describe_expiry(r["expires"], now),
                r["secure"],
                r["httponly"],
                r["samesite"] or "-",
            )
            for r in rows
        ],
        title=f"{len(rows)} cookie{'s' if len(rows) != 1 else ''} in the jar",
        notes=notes,
        empty="(the jar is empty)",
    )


def _row_from_cookie(cookie: Cookie) -> dict[str, Any]:
    rest = {k.lower(): v for k, v in getattr(cookie, "_rest", {}).items()}
    return {
        "name": cookie.name,
        "value": cookie.value if cookie.value is not None else "",
        "domain": cookie.domain,
        "host_only": not cookie.domain_specified,
        "path": cookie.path,
        "expires": cookie.expires,
        "secure": bool(cookie.secure),
        "httponly": "httponly" in rest,
        "samesite": rest.get("samesite"),
    }


def _row_from_browser(item: Mapping[str, Any]) -> dict[str, Any]:
    expires = item.get("expires")
    domain = str(item.get("domain", ""))
    return {
        "name": str(item["name"]),
        "value": str(item.get("value", "")),
        "domain": domain.lstrip("."),
        # Browsers report a Domain cookie with a leading dot, a host-only one without.
        "host_only": not domain.startswith("."),
        "path": str(item.get("path", "/")),
        "expires": None if expires in (None, -1) else float(expires),
        "secure": bool(item.get("secure")),
        "httponly": bool(item.get("httpOnly", item.get("httponly"))),
        "samesite": item.get("sameSite", item.get("samesite")),
    }


def _describe_expiry(expires: float | None, now: float) -> str:
    if expires is None:
        return "session"
    when = dt.datetime.fromtimestamp(expires, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    relative = describe_age(expires - now)
    return f"{when} ({'expired ' if expires <= now else ''}{relative})"


# -- one Set-Cookie header ---------------------------------------------------


@dataclass(repr=False, eq=False)
class SetCookieExplanation(Display):
    """A ``Set-Cookie`` value taken apart, with what a browser will do with it."""

    header: str
    name: str = ""
    value: str = ""
    attributes: list[tuple[str, str | None, str]] = field(default_factory=list)
    expires_at: dt.datetime | None = None
    max_age: int | None = None
    domain: str | None = None
    path: str | None = None
    secure: bool = False
    httponly: bool = False
    samesite: str | None = None
    ignored: str | None = None
    effects: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def deletes(self) -> bool:
        """Whether the header removes the cookie (``Max-Age`` ≤ 0 or an ``Expires`` in the past)."""
        if self.max_age is not None:
            return self.max_age <= 0
        return self.expires_at is not None and self.expires_at <= dt.datetime.now(dt.UTC)

    @property
    def is_session_cookie(self) -> bool:
        """Whether the cookie lasts until the browser closes (neither ``Max-Age`` nor ``Expires``)."""
        return self.max_age is None and self.expires_at is None

    def _view(self) -> Sections:
        parts: list[tuple[str, Display | str]] = [("raw header value", shorten(self.header, 300))]
        if self.ignored:
            parts.append(("verdict", f"A browser ignores this header entirely: {self.ignored}"))
            return Sections(parts, title="Set-Cookie explained")
        table = Table(
            ["part", "raw", "meaning"],
            [
                (
                    "cookie",
                    f"{self.name}={shorten(self.value)}",
                    f"name {self.name!r}, value {shorten(self.value)!r}",
                )
            ]
            + [
                (name, shorten(raw) if raw is not None else "", meaning)
                for name, raw, meaning in self.attributes
            ],
        )
        parts.append(("parts", table))
        parts.append(("what a browser does", "\n".join(f"- {e}" for e in self.effects)))
        if self.warnings:
            parts.append(("warnings", "\n".join(f"! {w}" for w in self.warnings)))
        return Sections(parts, title="Set-Cookie explained")

    def text(self) -> str:
        return self._view().text()

    def html(self) -> str:
        return self._view().html()


def explain_set_cookie(
    header_value: str | bytes, *, host: str = "127.0.0.1", secure_origin: bool = False
) -> SetCookieExplanation:
    """Take one ``Set-Cookie`` header value apart, as RFC 6265 §5.2 parses it.

    ``header_value`` is what follows ``Set-Cookie:`` (a pasted ``Set-Cookie:``
    prefix is tolerated). ``host`` is the host that sent it, to judge
    ``Domain``; ``secure_origin`` says whether it came over https.

    Never raises for bad input: a header a browser would ignore comes back
    with ``ignored`` saying why.
    """
    if isinstance(header_value, bytes):
        try:
            header_value = header_value.decode("utf-8")
        except UnicodeDecodeError:
            header_value = header_value.decode("latin-1")
    if not isinstance(header_value, str):
        raise TypeError(f"explain_set_cookie() takes the header's text, not {type(header_value).__name__}.")
    result = SetCookieExplanation(header=header_value)
    text = header_value
    if text.lower().startswith("set-cookie:"):
        text = text[len("set-cookie:") :]
    if text != text.lstrip():
        # Django's WSGI handler really sends "Set-Cookie:  name=..." (two spaces); harmless.
        text = text.lstrip()
    if not text.strip():
        result.ignored = "the header is empty."
        return result
    if any(ord(ch) < 32 and ch != "\t" or ord(ch) == 127 for ch in text):
        result.ignored = "it contains a control character (RFC 6265bis §5.6 rejects the whole cookie)."
        return result

    pair, _, rest = text.partition(";")
    if "=" not in pair:
        result.ignored = (
            f"{pair.strip()!r} has no '=' so there is no name=value pair "
            "(RFC 6265 §5.2 step 2: ignore the set-cookie-string entirely)."
        )
        return result
    name, _, value = pair.partition("=")
    result.name, result.value = name.strip(" \t"), value.strip(" \t")
    if not result.name:
        result.ignored = "the cookie has an empty name (RFC 6265 §5.2 step 5)."
        return result

    now = dt.datetime.now(dt.UTC)
    for raw_attribute in rest.split(";") if rest else []:
        if not raw_attribute.strip():
            continue
        attr_name, has_value, attr_value = raw_attribute.partition("=")
        attr_name, attr_value = attr_name.strip(" \t"), attr_value.strip(" \t")
        key = attr_name.lower()
        raw = attr_value if has_value else None
        label = _KNOWN_ATTRIBUTES.get(key, attr_name)
        result.attributes.append((label, raw, _apply_attribute(result, key, attr_value, now)))

    _judge(result, host=host, secure_origin=secure_origin, now=now)
    return result


def _apply_attribute(result: SetCookieExplanation, key: str, value: str, now: dt.datetime) -> str:
    """Record one attribute on ``result``; return what it means (RFC 6265 §5.2.1-§5.2.6)."""
    if key == "expires":
        seconds = http2time(value) if value else None
        if seconds is None:
            return "not a date a browser can read: ignored"
        result.expires_at = dt.datetime.fromtimestamp(seconds, dt.UTC)
        return f"expires at {result.expires_at:%Y-%m-%d %H:%M:%S} UTC"
    if key == "max-age":
        digits = value[1:] if value.startswith("-") else value
        if not digits.isascii() or not digits.isdigit():
            return "not a whole number of seconds: ignored"
        result.max_age = int(value)
        if result.max_age <= 0:
            return "0 or less: the cookie expires at once (this is how a cookie is deleted)"
        return f"lives {result.max_age} s ({describe_age(result.max_age).removeprefix('in ')}) from now"
    if key == "domain":
        if not value:
            return "empty: ignored (the cookie stays host-only)"
        result.domain = value.lstrip(".").lower()
        if _is_ip(result.domain):
            return f"an IP address has no subdomains: sent to {result.domain} only"
        return f"sent to {result.domain} and every subdomain of it"
    if key == "path":
        if not value.startswith("/"):
            return "does not start with '/': ignored (the default path applies)"
        result.path = value
        return f"sent only for URLs whose path is {value} or starts with {value.rstrip('/')}/"
    if key == "secure":
        result.secure = True
        return "sent only over https (and to localhost in a browser)"
    if key == "httponly":
        result.httponly = True
        return "hidden from JavaScript (document.cookie)"
    if key == "samesite":
        canonical = {"strict": "Strict", "lax": "Lax", "none": "None"}.get(value.lower())
        if canonical is None:
            return f"{value!r} is not Strict, Lax or None: ignored: the browser default applies (Lax in Chrome and Edge, None in Firefox and Safari)"
        result.samesite = canonical
        return {
            "Strict": "never sent with a request that another site starts",
            "Lax": "sent cross-site only on top-level navigations with a safe method (a link, a GET form)",
            "None": "sent with cross-site requests too (needs Secure)",
        }[canonical]
    if key == "partitioned":
        return "stored separately for each top-level site (CHIPS)"
    if key == "priority":
        return "Chrome's eviction priority (non-standard)"
    return "not a cookie attribute: ignored"


def _judge(result: SetCookieExplanation, *, host: str, secure_origin: bool, now: dt.datetime) -> None:
    """Fill in what a browser will do, and the warnings."""
    effects, warnings = result.effects, result.warnings
    size = len(result.name.encode()) + len(result.value.encode())
    if result.max_age is not None:
        if result.max_age <= 0:
            effects.append("Deletes the cookie now (Max-Age ≤ 0).")
        else:
            effects.append(f"Keeps the cookie for {result.max_age} s (Max-Age).")
        if result.expires_at is not None:
            effects.append("Max-Age wins over Expires: the Expires date is not used.")
    elif result.expires_at is not None:
        if result.expires_at <= now:
            effects.append("Deletes the cookie now (its Expires date is in the past).")
        else:
            effects.append(f"Keeps the cookie until {result.expires_at:%Y-%m-%d %H:%M:%S} UTC (Expires).")
    else:
        effects.append("A browser-session cookie: kept until the browser closes (no Max-Age, no Expires).")

    if result.domain is None:
        effects.append(f"Host-only: sent back to {host} only, not to its subdomains.")
    elif not _domain_matches(host, result.domain):
        warnings.append(
            f"Domain={result.domain} cannot match the host {host} that set it: a browser rejects the cookie."
        )
    if result.path == "/":
        effects.append("Path=/: sent with requests for every page of the site.")
    elif result.path:
        effects.append(f"Path={result.path}: sent only for pages under {result.path}.")
    else:
        effects.append("No Path: the default path applies (the directory of the URL that set it).")
    if result.value.startswith('"') and result.value.endswith('"') and len(result.value) >= 2:
        effects.append(
            "The value is in double quotes: browsers keep the quotes as part of the value; "
            "Django's cookie parser removes them (and decodes \\NNN octal escapes)."
        )
    if not result.value.isascii():
        warnings.append("The value has non-ASCII characters: browsers may mangle or reject it.")
    if size > COOKIE_SIZE_LIMIT:
        warnings.append(
            f"Name and value are {size} bytes, over the {COOKIE_SIZE_LIMIT}-byte limit: browsers drop the cookie."
        )
    if result.samesite == "None" and not result.secure:
        warnings.append("SameSite=None without Secure: browsers reject the cookie.")
    if result.secure and not secure_origin:
        warnings.append(
            "Secure over plain http: a browser keeps it only from localhost/127.0.0.1; "
            "requests stores it but never sends it over http."
        )
    if result.name.lower().startswith("__host-") and not (
        result.secure and result.path == "/" and result.domain is None
    ):
        warnings.append("A __Host- cookie needs Secure, Path=/ and no Domain: browsers reject this one.")
    if result.name.lower().startswith("__secure-") and not result.secure:
        warnings.append("A __Secure- cookie needs Secure: browsers reject this one.")


def _domain_matches(host: str, domain: str) -> bool:
    """RFC 6265 §5.1.3 domain-match: equal, or host ends with '.' + domain and host is not an IP address."""
    host, domain = host.lower(), domain.lower()
    if host == domain:
        return True
    return not _is_ip(host) and host.endswith("." + domain)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
