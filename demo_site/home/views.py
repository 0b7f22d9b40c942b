"""The front page: a map of the demo site, grouped by lesson, with a link for every page a browser can open.

:func:`site_map` lists every URL pattern of the site (the security tests and the
fuzzer discover the URLs they check from it); :func:`index` shows the patterns a
person can use, grouped by the lesson they belong to. Each app says which lesson
that is, in its ``AppConfig``::

    class CookiesConfig(AppConfig):
        name = "demo_site.cookies"
        lesson = "02"  # a number of course_helpers.catalog

so a new app joins the map by itself. Views marked ``internal_route = True``
(the exercise slots) are in :func:`site_map` but not on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from course_helpers.catalog import lessons

#: URL prefixes of views that are vulnerable on purpose.
VULNERABLE_PREFIXES = ("classic/", "vulnerable/")


def _allowed_methods(view) -> frozenset[str] | None:
    """The HTTP methods ``view`` accepts, or ``None`` when it does not say (it then takes any).

    Read from a class-based view's handlers, or from the list that Django's
    ``require_http_methods`` (``require_safe``, ``require_POST``, ...) keeps in its closure.
    """
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return frozenset(m.upper() for m in view_class.http_method_names if hasattr(view_class, m))
    func = view
    while func is not None:
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return frozenset(cell.cell_contents)
        func = getattr(func, "__wrapped__", None)
    return None


def _lesson_of(view) -> str:
    """The lesson number the view's app declares (``AppConfig.lesson``), or ``""``."""
    config = apps.get_containing_app_config(getattr(view, "__module__", "") or "")
    return str(getattr(config, "lesson", None) or "") if config is not None else ""


def site_map() -> list[dict[str, str | bool | None]]:
    """Every URL pattern of the site, in URLconf order, one dict each.

    Keys: ``route`` (``"/cookies/read/"``, or the pattern as written, e.g.
    ``"/shop/<slug:aisle>/"``), ``name``, ``purpose`` (the first line of the view's
    docstring), ``vulnerable`` (under ``/classic/`` or ``/vulnerable/``),
    ``lesson`` (the number its app declares, or ``""``), ``app`` (the app's label, or ``""``),
    ``methods`` (the accepted methods, comma-separated, or ``""`` for any), ``link``
    (the URL to open, for a plain route that answers GET; ``None`` for a route with
    parameters, a regex, a POST-only view or one marked ``front_page_link = False``, such as a
    page that answers only in a lesson's own browser) and ``internal`` (a test URL the page leaves out).
    """
    entries: list[dict[str, str | bool | None]] = []

    def walk(patterns, prefix: str, plain: bool) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            is_plain = plain and isinstance(pattern.pattern, RoutePattern) and not pattern.pattern.converters
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route, is_plain)
            elif isinstance(pattern, URLPattern):
                view = pattern.callback
                doc = (view.__doc__ or "").strip().splitlines()
                methods = _allowed_methods(view)
                config = apps.get_containing_app_config(getattr(view, "__module__", "") or "")
                entries.append(
                    {
                        "route": "/" + route,
                        "name": pattern.name or "",
                        "purpose": doc[0] if doc else "",
                        "vulnerable": route.startswith(VULNERABLE_PREFIXES),
                        "lesson": _lesson_of(view),
                        "app": config.label if config is not None else "",
                        "methods": ", ".join(sorted(methods - {"HEAD", "OPTIONS"})) if methods else "",
                        "link": "/" + route
                        if is_plain
                        and (methods is None or "GET" in methods)
                        and getattr(view, "front_page_link", True)
                        else None,
                        "internal": bool(getattr(view, "internal_route", False)),
                    }
                )

    walk(get_resolver().url_patterns, "", True)
    return entries


@dataclass
class _Group:
    """One section of the front page: a lesson (or an app no lesson claims yet) and its URLs."""

    heading: str
    anchor: str
    urls: list[dict[str, str | bool | None]] = field(default_factory=list)


def _app_title(config) -> str:
    """An app's own name for itself: its ``verbose_name`` if it sets one, else its docstring's first words."""
    if "verbose_name" in type(config).__dict__:
        return str(config.verbose_name)
    doc = (type(config).__doc__ or config.label).strip()
    return re.split(r" \(|[:.]", doc, maxsplit=1)[0].strip()


def _groups(entries) -> list[_Group]:
    """The front page's sections: every lesson of the catalog in number order, then apps with no lesson.

    A lesson without pages of its own (its notebook serves its views with ``serve_view``) still has its
    section, which says so.
    """
    titles = {lesson.number: lesson.title for lesson in lessons()}
    groups: dict[str, _Group] = {}
    for entry in entries:
        if entry["internal"]:
            continue
        config = apps.get_app_config(str(entry["app"])) if entry["app"] else None
        number = str(entry["lesson"])
        if number:
            title = titles.get(number) or (_app_title(config) if config is not None else "")
            key = f"0:{number}"
            heading, anchor = f"Lesson {number} · {title}", f"lesson-{number}"
        else:
            key = f"1:{entry['app']}"
            heading = f"{_app_title(config) if config is not None else 'Other pages'} (not in a lesson yet)"
            anchor = f"app-{entry['app'] or 'other'}"
        groups.setdefault(key, _Group(heading, anchor)).urls.append(entry)
    for number, title in titles.items():  # a lesson whose notebook serves its own views has no pages here
        groups.setdefault(f"0:{number}", _Group(f"Lesson {number} · {title}", f"lesson-{number}"))
    return [groups[key] for key in sorted(groups)]


def index(request):
    """This page: a map of every URL the demo site serves, grouped by lesson."""
    return render(request, "home/index.html", {"groups": _groups(site_map())})
