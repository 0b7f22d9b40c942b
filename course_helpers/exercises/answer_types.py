"""The types a learner's answer can be asked to have, each explained once for every lesson.

An exercise names its variables with a type::

    HttpTask(variables={"keeper": CLIENT}, ...)

and the engine refuses, say, a URL string where a client was wanted with the
same sentence in every lesson: "`keeper` should be a client made with
site.client(), not str."
"""

from __future__ import annotations

import datetime as dt

import requests

from course_helpers.client import DemoClient
from course_helpers.exercises.core import AnswerType
from course_helpers.raw import RawReply

#: A ``site.client()``: its jar holds the cookies, and it records what it sent (``client.trace``),
#: which is what a check reads to see that the requests really happened.
CLIENT = AnswerType(
    "a client made with site.client()",
    (DemoClient,),
    "A client keeps the cookie jar and records every request it sends, which is what the check reads: "
    "make one with site.client() and send the requests with it.",
)
#: What ``raw_http(site, ...)`` returns: the exact bytes sent and received.
RAW_REPLY = AnswerType(
    "the reply of raw_http(site, '...')",
    (RawReply,),
    "The check reads the exact bytes you sent and received, which only raw_http() keeps.",
)
#: A function the check will call.
FUNCTION = AnswerType("a function (def {name}(...): ...)", callable=True)
#: A Django view: a function taking ``request`` and returning a response.
VIEW = AnswerType("a view function (def {name}(request): ... return a response)", callable=True)
#: A decorator: a function that takes a view and returns a view.
DECORATOR = AnswerType("a decorator (def {name}(view): ... return a wrapper)", callable=True)
#: A piece of text.
TEXT = AnswerType("text (a str, in quotes)", (str,))
#: A whole number.
WHOLE_NUMBER = AnswerType("a whole number (an int, no quotes)", (int,))
#: A timezone-aware or naive ``datetime``.
DATETIME = AnswerType("a datetime.datetime", (dt.datetime,))
#: The ``requests.Response`` a request returned.
RESPONSE = AnswerType("the response a request returned (client.get(...) gives one)", (requests.Response,))

__all__ = [
    "CLIENT",
    "DATETIME",
    "DECORATOR",
    "FUNCTION",
    "RAW_REPLY",
    "RESPONSE",
    "TEXT",
    "VIEW",
    "WHOLE_NUMBER",
]
