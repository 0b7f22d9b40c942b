"""The front page: every URL the demo site serves, with what it is for."""

from django.shortcuts import render
from django.urls import URLPattern, URLResolver, get_resolver

#: URL prefixes of views that are vulnerable on purpose.
VULNERABLE_PREFIXES = ("classic/", "vulnerable/")


def site_map() -> list[dict[str, str | bool]]:
    """Every URL pattern of the site: its route, name, one-line purpose, and whether it is unsafe on purpose."""
    entries: list[dict[str, str | bool]] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                doc = (pattern.callback.__doc__ or "").strip().splitlines()
                entries.append(
                    {
                        "route": "/" + route,
                        "name": pattern.name or "",
                        "purpose": doc[0] if doc else "",
                        "vulnerable": route.startswith(VULNERABLE_PREFIXES),
                    }
                )

    walk(get_resolver().url_patterns, "")
    return entries


def index(request):
    """This page: a map of every URL the demo site serves."""
    return render(request, "home/index.html", {"urls": site_map()})
