"""The first views a learner meets: counters that need state, and an echo of the request."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

#: Headers the echo view reports (what a lesson needs to see; nothing secret).
ECHOED_HEADERS = ("Host", "User-Agent", "Accept", "Cookie", "Referer", "Origin", "Authorization")


def _count_from(raw: str | None) -> int:
    """Read a visit count from a cookie; anything that is not a small whole number counts as 0."""
    if raw is not None and raw.isascii() and raw.isdigit() and len(raw) <= 9:
        return int(raw)
    return 0


@require_safe
def cookie_counter(request):
    """Count your visits in a cookie named visits: without a cookie jar, every visit is the first."""
    visits = _count_from(request.COOKIES.get("visits")) + 1
    response = HttpResponse(
        f"You have visited this page {visits} time{'s' if visits != 1 else ''}.\n",
        content_type="text/plain; charset=utf-8",
    )
    response.set_cookie("visits", str(visits), httponly=True, samesite="Lax")
    return response


@require_safe
def session_counter(request):
    """Count your visits in the session: the count lives in the server's session store."""
    visits = request.session.get("visits", 0)
    if not isinstance(visits, int):
        visits = 0
    visits += 1
    request.session["visits"] = visits
    return HttpResponse(
        f"You have visited this page {visits} time{'s' if visits != 1 else ''} in this session.\n",
        content_type="text/plain; charset=utf-8",
    )


@require_safe
def echo(request):
    """Show, as JSON, what the server received: method, path, the cookies it parsed and some headers."""
    return JsonResponse(
        {
            "method": request.method,
            "path": request.get_full_path(),
            "cookies": dict(sorted(request.COOKIES.items())),
            "headers": {h: request.headers[h] for h in ECHOED_HEADERS if h in request.headers},
        }
    )
