"""The kinds of exercise the lessons use, each a small subclass of :class:`Exercise`.

Each kind implements ``verify(answers, namespace)`` and nothing else:

* :class:`ValueExercise`: one or a few values (numbers with a tolerance);
* :class:`FunctionExercise`: a function, run on test cases;
* :class:`HttpTask`: the learner drives the demo site; the check inspects the result;
* :class:`Prediction`: the learner predicts, the check runs the experiment;
* :class:`FixTheView`: the learner writes a Django view, the check plugs it into the site.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from course_helpers.display import shorten
from course_helpers.exercises.answer_types import FUNCTION, VIEW
from course_helpers.exercises.core import (
    Attempt,
    Exercise,
    Incorrect,
    LearnerError,
    NotAttempted,
    Uncheckable,
)

#: Every callback of a check takes the one :class:`~course_helpers.exercises.core.Attempt`.
Callback = Callable[[Attempt], Any]


def demo_site_of(namespace: Mapping[str, Any]):
    """The demo site a check should use: the notebook's ``site``, else the newest running one."""
    from course_helpers.server import DemoSite, running_demo_sites

    site = namespace.get("site")
    if isinstance(site, DemoSite) and site.running:
        return site
    running = running_demo_sites()
    if running:
        return running[-1]
    raise Uncheckable(
        "The demo site is not running, so this could not be checked. "
        "Run the setup cell at the top of the notebook (site = start_demo_site()), then this cell."
    )


def same_value(answer: Any, expected: Any, tolerance: float | None = None) -> bool:
    """Equality, with ``tolerance`` (absolute) for numbers."""
    if tolerance is not None and isinstance(answer, (int, float)) and isinstance(expected, (int, float)):
        if isinstance(answer, bool) or isinstance(expected, bool):
            return answer is expected
        return math.isclose(answer, expected, rel_tol=0, abs_tol=tolerance)
    if type(answer) is bool or type(expected) is bool:
        return answer is expected
    try:
        return bool(answer == expected)
    except Exception:  # an answer that cannot even be compared is not the answer (not a course bug)
        return False


def _shown(value: Any, limit: int = 200) -> str:
    """``repr(value)`` for a message, shortened when long (a whole HTML page is not a useful message)."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return shorten(text, limit)


def _type_hint(answer: Any, expected: Any) -> str | None:
    """Say so when the answer has the right content but the wrong type (``"3"`` for ``3``)."""
    if isinstance(expected, (int, float)) and isinstance(answer, str):
        try:
            if float(answer) == expected:
                return f"You wrote the text {answer!r}; the answer is a number: write it without quotes."
        except ValueError:
            return None
    if isinstance(expected, str) and isinstance(answer, (int, float)) and str(answer) == expected:
        return f"You wrote the number {answer!r}; the answer is text: put it in quotes."
    if isinstance(expected, str) and isinstance(answer, str) and answer.strip().lower() == expected.lower():
        return f"Almost: {answer!r} differs from the answer only in case or spaces."
    return None


class ValueExercise(Exercise):
    """The learner sets one or more variables to values.

    ``expected`` maps each variable to its value, or is a callback
    ``expected(attempt)`` returning that mapping (for values that depend on
    the live site). With one variable, the value itself may be given.
    ``diagnose(attempt)`` may give a specific message for a wrong answer
    (``attempt.name``, ``.answer`` and ``.expected`` say which); otherwise
    ``where_to_look`` says where the answer can be found.
    """

    def __init__(
        self,
        *,
        expected: Any,
        tolerance: float | None = None,
        diagnose: Callback | None = None,
        where_to_look: str = "",
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.expected = expected
        self.tolerance = tolerance
        self.diagnose = diagnose
        self.where_to_look = where_to_look

    def expected_values(self, attempt: Attempt) -> dict[str, Any]:
        expected = self.expected(attempt) if callable(self.expected) else self.expected
        if len(self.variables) == 1 and not (
            isinstance(expected, dict) and set(expected) == set(self.variables)
        ):
            expected = {self.variables[0]: expected}
        return expected

    def verify(self, attempt: Attempt) -> None:
        expected = self.expected_values(attempt)
        for name in self.variables:
            answer, want = attempt.answers[name], expected[name]
            if same_value(answer, want, self.tolerance):
                continue
            attempt.name, attempt.answer, attempt.expected = name, answer, want
            specific = self.diagnose(attempt) if self.diagnose else None
            message = specific or _type_hint(answer, want) or f"`{name}` = {_shown(answer)} is not right."
            if not specific and self.where_to_look:
                message += f" {self.where_to_look}"
            raise Incorrect(message)


@dataclass(frozen=True)
class Case:
    """One test case of a :class:`FunctionExercise`: ``fn(*args, **kwargs)`` should give ``expected``."""

    args: tuple = ()
    expected: Any = None
    kwargs: dict = field(default_factory=dict)
    note: str = ""


class FunctionExercise(Exercise):
    """The learner writes a function (the one name in ``variables``); it is run on ``cases``.

    Arguments are deep-copied before each call and compared afterwards: a
    function that changes its arguments is told so. ``None`` where a value
    was expected is reported as a forgotten ``return``.
    """

    default_type = FUNCTION

    def __init__(self, *, cases: list[Case], tolerance: float | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if len(self.variables) != 1:
            raise ValueError("A FunctionExercise reads exactly one function.")
        self.cases = list(cases)
        self.tolerance = tolerance

    def verify(self, attempt: Attempt) -> str:
        name = self.variables[0]
        fn = attempt.answers[name]
        for case in self.cases:
            args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
            result = attempt.call(fn, *args, **kwargs)
            call = _call_text(name, case.args, case.kwargs)
            if args != case.args or kwargs != case.kwargs:
                raise Incorrect(f"{call} changed its argument(s); a check function should only read them.")
            if result is None and case.expected is not None:
                raise Incorrect(f"{call} returned None. Did you forget `return`?")
            if not same_value(result, case.expected, self.tolerance):
                note = f" {case.note}" if case.note else ""
                raise Incorrect(
                    f"{call} returned {_shown(result)}; it should return {case.expected!r}.{note}"
                )
        return f"It passed all {len(self.cases)} test cases."


def _call_text(name: str, args: tuple, kwargs: dict) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    text = f"{name}({', '.join(parts)})"
    return text if len(text) <= 120 else f"{text[:110]}…)"


class HttpTask(Exercise):
    """The learner drives the demo site (usually with their own ``site.client()``).

    ``inspect(attempt)`` looks at what really happened (the learner's
    client's recorded traffic, ``client.trace``, and the server's state, via
    ``attempt.site``); it raises :class:`Incorrect` with a specific message,
    or returns a sentence for the success message.
    """

    def __init__(self, *, inspect: Callback, **kwargs: Any):
        super().__init__(**kwargs)
        self.inspect = inspect

    def verify(self, attempt: Attempt) -> str | None:
        attempt.site  # noqa: B018 - an HTTP task with no site running is uncheckable, whatever it inspects
        return self.inspect(attempt)


class Prediction(Exercise):
    """The learner predicts what will happen; the check runs ``experiment(attempt)`` and compares.

    ``choices``, if given, are the allowed predictions. ``explain(attempt)``
    (with ``attempt.actual`` set), or a fixed sentence, says why the
    experiment came out as it did: the learning moment when the prediction
    was wrong.
    """

    def __init__(
        self,
        *,
        experiment: Callback,
        explain: str | Callback,
        choices: tuple | list | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.experiment = experiment
        self.explain = explain
        self.choices = tuple(choices) if choices is not None else None

    def verify(self, attempt: Attempt) -> str:
        name = self.variables[0]
        prediction = attempt.answers[name]
        if self.choices is not None and not any(same_value(prediction, c) for c in self.choices):
            options = ", ".join(repr(c) for c in self.choices)
            raise Incorrect(f"`{name}` = {_shown(prediction)} is not one of the choices: {options}.")
        actual = attempt.actual = self.experiment(attempt)
        why = self.explain(attempt) if callable(self.explain) else self.explain
        if not same_value(prediction, actual):
            raise Incorrect(f"You predicted {prediction!r}; the experiment gave {actual!r}. {why}")
        return f"The experiment gave {actual!r}. {why}"


class FixTheView(Exercise):
    """The learner writes Django views; the check serves them from the running site and drives them.

    ``routes(attempt)`` maps paths under the served prefix (``""``,
    ``"home/"``) to the learner's views (default: the first variable at
    ``""``). ``drive(attempt)`` sends requests with ``attempt.client`` (a
    fresh client) to ``attempt.prefix`` and raises :class:`Incorrect` when a
    response is wrong.
    """

    default_type = VIEW

    def __init__(self, *, drive: Callback, routes: Callback | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.drive = drive
        self.routes = routes or (lambda attempt: {"": attempt.answers[self.variables[0]]})

    def verify(self, attempt: Attempt) -> str | None:
        from course_helpers.serving import serve_view

        try:
            routes = self.routes(attempt)
        except Exception as exc:  # e.g. the learner's decorator raised when applied
            raise LearnerError(exc) from exc
        with serve_view(routes) as served, attempt.site.client() as client:
            attempt.client, attempt.prefix = client, served.path
            try:
                result = self.drive(attempt)
            except Incorrect:
                _raise_view_error(served.errors)
                raise
            _raise_view_error(served.errors)
        return result


def _raise_view_error(errors: list[BaseException]) -> None:
    """Report the first exception the learner's view raised while being driven."""
    if not errors:
        return
    error = errors[0]
    if isinstance(error, ValueError) and "didn't return an HttpResponse" in str(error):
        raise Incorrect(
            "Your view returned None for one of the requests, so Django answered 500. "
            "Every path through a view must return a response (is an `else:` or a `return` missing?)."
        )
    raise LearnerError(error)


__all__ = [
    "Case",
    "FixTheView",
    "FunctionExercise",
    "HttpTask",
    "Incorrect",
    "NotAttempted",
    "Prediction",
    "ValueExercise",
    "demo_site_of",
]
