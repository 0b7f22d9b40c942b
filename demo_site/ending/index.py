"""Keep the user-to-session index (:class:`~demo_site.ending.models.DeviceSession`) and end sessions through it.

Django stores a session under its key and nothing else: to find the sessions
of one user it must read and decode every row (lesson 07 shows that sweep).
The index is kept by the ``user_logged_in`` and ``user_logged_out`` signals
(:func:`record_login`, :func:`forget_logout`) and by the password-change view
(:func:`follow_new_key`); ``last_seen`` by :class:`demo_site.ending.middleware.LastSeen`.
Sessions that end without a signal (a password change elsewhere, expiry, an
admin's delete) leave stale index rows: :func:`live_sessions` checks each row
against the session store and drops those whose session no longer logs anyone in.
"""

from __future__ import annotations

import re
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare

from demo_site.ending.models import DeviceSession

#: What a key the session store issues looks like (32 characters of Django's alphabet); anything else is ignored.
SESSION_KEY_SHAPE = re.compile(r"[a-z0-9]{32}")


def session_store(session_key: str | None = None):
    """A session of the configured engine (``SESSION_ENGINE``), bound to ``session_key``."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def _indexable(session_key: str | None) -> bool:
    return bool(session_key) and SESSION_KEY_SHAPE.fullmatch(session_key) is not None


def record_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: index the session ``login()`` just made (its key is already cycled)."""
    key = request.session.session_key
    if not _indexable(key):  # e.g. the signed_cookies engine: nothing on the server to index
        return
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    DeviceSession.objects.update_or_create(session_key=key, defaults={"user": user, "user_agent": user_agent})


def forget_logout(sender, request, user, **kwargs) -> None:
    """``user_logged_out`` receiver (sent just before ``flush()``): drop this session from the index."""
    key = getattr(request, "session", None) and request.session.session_key
    if key:
        DeviceSession.objects.filter(session_key=key).delete()


def follow_new_key(old_key: str | None, new_key: str | None) -> None:
    """The session changed key (``cycle_key()``, e.g. in ``update_session_auth_hash``): move its index row."""
    if old_key and _indexable(new_key):
        DeviceSession.objects.filter(session_key=old_key).update(session_key=new_key)


def logs_in(data: dict, user) -> bool:
    """Whether session ``data`` would log ``user`` in: same user id, and the password hash it was made with."""
    return (
        data.get(SESSION_KEY) == str(user.pk)
        and bool(data.get(BACKEND_SESSION_KEY))
        and constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())
    )


def live_sessions(user) -> list[DeviceSession]:
    """``user``'s indexed sessions that still log them in; stale index rows are deleted on the way.

    One session-store read per indexed session of this user: the cost of the
    index is a write at login and logout, and it spares reading everyone else's.
    """
    live = []
    for row in DeviceSession.objects.filter(user=user):
        if logs_in(session_store(row.session_key).load(), user):
            live.append(row)
        else:
            row.delete()
    return live


def end_session(row: DeviceSession) -> None:
    """End one indexed session: delete it from the session store, then from the index."""
    session_store(row.session_key).delete(row.session_key)
    row.delete()


def end_all_sessions(user) -> int:
    """End every indexed session of ``user``; return how many there were."""
    rows = list(DeviceSession.objects.filter(user=user))
    for row in rows:
        end_session(row)
    return len(rows)
