"""Keep ``last_seen`` of the session index current, cheaply: at most one write per session every few minutes."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from demo_site.ending.index import SESSION_KEY_SHAPE
from demo_site.ending.models import DeviceSession

#: Seconds between two writes of one session's last_seen: "last seen" is only ever this precise.
LAST_SEEN_EVERY = 5 * 60


class LastSeen:
    """Middleware: note when each indexed session was last used, without writing on every request.

    It reads only the cookie, never ``request.session`` (so it loads no
    session and adds no ``Vary: Cookie``). A cache entry per session key
    (``cache.add`` succeeds once per ``LAST_SEEN_EVERY``) decides when an
    ``UPDATE`` is due: one cache hit per request, one write per five minutes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        if SESSION_KEY_SHAPE.fullmatch(key) and _due(key):
            DeviceSession.objects.filter(session_key=key).update(last_seen=timezone.now())
        return self.get_response(request)


def _due(key: str) -> bool:
    """Whether this session's last_seen should be written now (``False`` while the cache is down)."""
    try:
        return cache.add(f"demo_site.ending.seen:{key}", 1, LAST_SEEN_EVERY)
    # A cache server that is down (lesson 13 stops Redis): last_seen can wait, the page cannot.
    except Exception:
        return False
