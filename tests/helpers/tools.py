"""Small tools shared by the tests of the inspection helpers.

Django-made ``Set-Cookie`` headers come from ``HttpResponse.set_cookie``:
``morsel.output(header="")`` is exactly what Django's WSGI handler sends
(with the leading space), so no test-only view is needed.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

SESSION_AGE = 1209600  # demo_site.settings.SESSION_COOKIE_AGE
COUNTER_HEADER = "visits=1; HttpOnly; Path=/; SameSite=Lax"


def django_set_cookie(name: str = "c", value: str = "v", **kwargs) -> str:
    """The Set-Cookie value Django sends for ``set_cookie(name, value, **kwargs)`` (leading space included)."""
    from django.http import HttpResponse

    response = HttpResponse()
    response.set_cookie(name, value, **kwargs)
    return response.cookies[name].output(header="")


def http_date(seconds_from_now: float) -> str:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds_from_now)
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def meaning(explanation, label: str) -> str:
    return next(meaning for name, _, meaning in explanation.attributes if name == label)
