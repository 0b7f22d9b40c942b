"""Open redirects: the payloads attackers try, and where a browser really goes with a ``Location``.

A login page that follows ``?next=`` blindly sends people wherever a link
says. Whether a ``Location`` header leaves the site is decided by the
*browser's* URL parser (the WHATWG URL Standard), which is more forgiving
than Python's ``urllib.parse``: it drops tabs and newlines, trims spaces and
control characters, reads ``\\`` as ``/`` in http(s) URLs and ignores any
number of slashes after ``https:``. :func:`browser_destination` follows those
rules, so a check can tell "stays on the site" from "leaves it" the way a
browser would.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

#: Schemes the URL Standard calls "special" (their ``\\`` is a ``/``); the others are opaque.
_SPECIAL_SCHEMES = ("http", "https", "ws", "wss", "ftp")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.DOTALL)


def open_redirect_payloads(host: str = "127.0.0.1:8000") -> list[str]:
    """Values of ``?next=`` that try to send a visitor of ``host`` to another site.

    ``host`` is the site's own ``host:port``; some payloads hide it in a
    user name or a longer host name. Every payload is a classic of open
    redirect bugs: an absolute URL, a protocol-relative one, backslashes,
    extra slashes, a scheme without slashes, ``javascript:``, an encoded
    ``//``, leading spaces and control characters, a tab inside ``//``.
    """
    hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    return [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "///evil.example",
        "https:evil.example",
        "http:\\\\evil.example",
        "HTTPS://EVIL.EXAMPLE/",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        f"http://{hostname}.evil.example",
        f"http://{host}@evil.example",
        f"http://evil.example\\@{host}",
        "%2F%2Fevil.example",
        " //evil.example",
        "\x01//evil.example",
        "\t//evil.example",
        "/\t/evil.example",
        "/\r\n/evil.example",
        "\u3000//evil.example",
    ]


def browser_destination(base_url: str, location: str) -> str:
    """The absolute URL a browser navigates to when ``base_url`` answers ``Location: location``.

    Follows the WHATWG URL Standard's parsing for the cases that matter to
    redirects: leading and trailing C0 controls and spaces are trimmed, tabs
    and newlines removed, ``\\`` read as ``/`` in http(s) URLs, and the
    slashes after a scheme other than the base's ignored (``https:evil`` is
    ``https://evil/``). A URL with a non-http scheme (``javascript:``,
    ``data:``) is returned as it is: a browser does not follow such a
    redirect, and it never stays on the site.
    """
    text = location.strip("".join(chr(c) for c in range(0x21)))
    text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    base = urlsplit(base_url)
    match = _SCHEME.match(text)
    if match:
        scheme, rest = match.group(1).lower(), match.group(2)
        if scheme not in _SPECIAL_SCHEMES:
            return text
        rest = rest.replace("\\", "/")
        if scheme == base.scheme and not rest.startswith("//"):
            return _resolve(base, rest)  # "http:/path" is relative to an http base
        return _normalise(f"{scheme}://{rest.lstrip('/')}")
    text = text.replace("\\", "/")
    if text.startswith("//"):
        return _normalise(f"{base.scheme}://{text.lstrip('/')}")
    return _resolve(base, text)


def _resolve(base, reference: str) -> str:
    """Resolve a reference without scheme or host against ``base`` (RFC 3986 §5.2), as a browser does.

    Unlike ``urllib.parse.urljoin``, empty path segments (``a//b``) are kept.
    """
    path, _, fragment = reference.partition("#")
    path, has_query, query = path.partition("?")
    if not path:
        merged = base.path or "/"
        query = query if has_query else base.query
    elif path.startswith("/"):
        merged = path
    else:
        merged = (base.path or "/").rsplit("/", 1)[0] + "/" + path
    return urlunsplit(
        (
            base.scheme,
            base.netloc.lower(),
            _encode(_remove_dot_segments(merged)),
            _encode(query, "/?=&"),
            fragment,
        )
    )


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4: ``/a/b/../c/./d`` is ``/a/c/d``."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    return result if result.startswith("/") else "/" + result


def _encode(text: str, extra_safe: str = "/") -> str:
    """Percent-encode what a browser encodes in a URL (spaces, controls, non-ASCII); keep existing escapes."""
    return quote(text, safe=extra_safe + "%:@!$&'()*+,;=-._~[]|")


def _normalise(url: str) -> str:
    """Lower-case the scheme and host, as a browser does; keep an empty path as ``/``."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1].lower()
    return parts._replace(scheme=parts.scheme.lower(), netloc=netloc, path=parts.path or "/").geturl()


def stays_on_site(destination: str, site_url: str) -> bool:
    """Whether ``destination`` (from :func:`browser_destination`) has the scheme, host and port of ``site_url``."""
    there, here = urlsplit(destination), urlsplit(site_url)
    return (there.scheme, there.netloc.lower()) == (here.scheme, here.netloc.lower())
