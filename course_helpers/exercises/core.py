"""The exercise engine: an exercise reads the learner's answer, checks it, and says what it found.

An :class:`Exercise` declares the names it reads from the notebook
(``variables``), its hints, its reference ``solution`` (code), plausible
``wrong_answers`` and why the right answer works. Each kind of exercise
(``kinds.py``) implements one method, :meth:`Exercise.verify`, which raises
:class:`Incorrect` with a specific message or returns quietly.

``check()`` never raises: whatever happens, it returns an :class:`Outcome`
that displays as a friendly message (correct, incorrect, not attempted, your
code raised, or could not check). Nothing is global: the answer is read from
the namespace of the cell that calls ``check()`` at the moment it is called.
"""

from __future__ import annotations

import dis
import inspect
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from course_helpers.exercises import store
from course_helpers.exercises.view import HintView, OutcomeView, SolutionView


class Status(StrEnum):
    """What ``check()`` found, with how it looks: ``status.symbol``, ``.heading``, ``.colour``, ``.background``.

    A ``Status`` is also its plain name (``Status.CORRECT == "correct"``), so an
    outcome compares with a string as well as with the constant.
    """

    CORRECT = ("correct", "✓", "Correct", "#2e7d32", "#eef7ee")
    INCORRECT = ("incorrect", "✗", "Not yet", "#c62828", "#fdeeee")
    NOT_ATTEMPTED = ("not attempted", "…", "Not attempted", "#757575", "#f5f5f5")
    RAISED = ("raised", "!", "Your code raised an exception", "#ef6c00", "#fff4e5")
    UNCHECKABLE = ("uncheckable", "?", "Could not check", "#6a1b9a", "#f6effa")

    def __new__(cls, value: str, symbol: str, heading: str, colour: str, background: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.symbol, member.heading, member.colour, member.background = symbol, heading, colour, background
        return member


CORRECT = Status.CORRECT
INCORRECT = Status.INCORRECT
NOT_ATTEMPTED = Status.NOT_ATTEMPTED
RAISED = Status.RAISED
UNCHECKABLE = Status.UNCHECKABLE


class Incorrect(Exception):
    """Raised by ``verify()``: the answer is wrong; the message says what is wrong and where to look."""


class NotAttempted(Exception):
    """Raised by ``verify()`` or the engine: the placeholder is still there."""


class Uncheckable(Exception):
    """The check could not run (e.g. the demo site is down); not the learner's fault."""


class LearnerError(Exception):
    """The learner's own code raised while the check ran it; ``original`` is that exception."""

    def __init__(self, original: BaseException, where: str = ""):
        super().__init__(str(original))
        self.original = original
        self.where = where


@dataclass(frozen=True)
class WrongAnswer:
    """A plausible wrong answer (code run in the notebook) and a fragment its message must contain."""

    code: str
    expect: str


@dataclass(frozen=True)
class Outcome:
    """What ``check()`` found: ``status`` is a :class:`Status`."""

    status: Status
    message: str
    exercise: str
    details: str = ""

    @property
    def ok(self) -> bool:
        return self.status == CORRECT

    def __repr__(self) -> str:
        return OutcomeView(self).text()

    def _repr_html_(self) -> str:
        return OutcomeView(self).html()


@dataclass(frozen=True)
class AnswerType:
    """What kind of value a learner's variable must hold, said once for every exercise that reads one.

    ``description`` completes "`name` should be ..." (``{name}`` in it is the
    variable's name); ``types`` are what
    ``isinstance`` accepts (``callable`` accepts any callable); ``advice``
    is added to the message when the value has another type.
    """

    description: str
    types: tuple[type, ...] = ()
    advice: str = ""
    callable: bool = False

    def accepts(self, value: Any) -> bool:
        if self.callable:
            return callable(value) and not isinstance(value, type)
        if bool not in self.types and isinstance(value, bool):
            return False
        return isinstance(value, self.types)

    def refusal(self, name: str, value: Any) -> str:
        """The message for ``name`` holding ``value`` of the wrong type."""
        advice = f" {self.advice}" if self.advice else ""
        return f"`{name}` should be {self.description.format(name=name)}, not {_type_name(value)}.{advice}"


def _type_name(value: Any) -> str:
    return "None" if value is None else type(value).__name__


@dataclass
class Attempt:
    """Everything a check's callbacks need about one attempt, passed to each of them as the one argument.

    ``answers`` are the learner's variables (``attempt["name"]`` reads one),
    ``namespace`` the notebook's; ``site`` is the running demo site (found
    when first used). A kind fills in what its callbacks need as it goes:
    ``client`` and ``prefix`` while a :class:`~course_helpers.exercises.kinds.FixTheView`
    drives the learner's views, ``name``/``answer``/``expected`` while a value is
    diagnosed, ``actual`` once a prediction's experiment has run.
    """

    exercise: Exercise
    answers: dict[str, Any]
    namespace: Mapping[str, Any]
    client: Any = None
    prefix: str = ""
    name: str = ""
    answer: Any = None
    expected: Any = None
    actual: Any = None
    _site: Any = field(default=None, repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.answers[name]

    @property
    def site(self):
        """The demo site to check against: the notebook's ``site``, else the newest running one."""
        if self._site is None:
            from course_helpers.exercises.kinds import demo_site_of

            self._site = demo_site_of(self.namespace)
        return self._site

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the learner's ``fn``; what it raises becomes a *your code raised* outcome."""
        return Exercise.call_learner(fn, *args, **kwargs)


class Exercise:
    """One exercise of a lesson. Subclasses implement :meth:`verify`.

    ``variables`` are the names the learner fills in: a list of names, or a
    mapping from each name to the :class:`AnswerType` it must hold (a wrong
    type is refused by the engine, with the same words in every lesson). A
    name still bound to ``...`` (or a function whose body is only ``...``)
    means *not attempted*. ``solution`` is code that, run in the notebook,
    makes the check pass: the course's tests prove it, and prove that each
    of ``wrong_answers`` is rejected with its expected message.
    """

    #: The type a variable gets when ``variables`` names it without one (``None``: any value).
    default_type: AnswerType | None = None

    def __init__(
        self,
        *,
        title: str,
        variables: tuple[str, ...] | list[str] | Mapping[str, AnswerType | None],
        hints: list[str],
        solution: str,
        why: str,
        wrong_answers: list[WrongAnswer] | tuple[WrongAnswer, ...] = (),
    ):
        self.title = title
        typed = dict(variables) if isinstance(variables, Mapping) else dict.fromkeys(variables)
        self.variables = tuple(typed)
        self.types = {name: kind or self.default_type for name, kind in typed.items()}
        self.hints = list(hints)
        self.solution_code = inspect.cleandoc(solution)
        self.why = why
        self.wrong_answers = list(wrong_answers)
        self.lesson = ""
        self.name = ""
        self._hints_shown = 0

    @property
    def label(self) -> str:
        """``lesson03.q1``: the exercise's name in progress and messages."""
        return f"lesson{self.lesson}.{self.name}" if self.lesson else self.name or self.title

    # -- what a learner calls ------------------------------------------------

    def check(self, namespace: Mapping[str, Any] | None = None) -> Outcome:
        """Check the answer in the calling cell's namespace (or ``namespace``); never raises."""
        if namespace is None:
            frame = inspect.currentframe()
            caller = frame.f_back if frame is not None else None
            namespace = caller.f_globals if caller is not None else {}
            del frame, caller
        outcome = self._outcome(namespace)
        if outcome.ok:
            store.record(self.label)
        return outcome

    def hint(self, n: int | None = None) -> HintView:
        """Show the next hint (or hint ``n``, counting from 1)."""
        total = len(self.hints)
        if not total:
            return HintView(self.label, 0, 0, "There is no hint for this one; try .solution().")
        if n is None:
            self._hints_shown = min(self._hints_shown + 1, total)
            n = self._hints_shown
        elif not isinstance(n, int) or not 1 <= n <= total:
            return HintView(
                self.label, 0, total, f"There are hints 1 to {total}; hint({n!r}) does not exist."
            )
        return HintView(self.label, n, total, self.hints[n - 1])

    def solution(self) -> SolutionView:
        """Show the reference solution, as highlighted code."""
        return SolutionView(self.label, self.solution_code, self.why)

    # -- what a kind implements ----------------------------------------------

    def verify(self, attempt: Attempt) -> str | None:
        """Check ``attempt.answers`` (the learner's ``variables``); raise :class:`Incorrect` if wrong.

        May return a sentence to add to the success message. Code the
        learner wrote must be called through :meth:`Attempt.call`.
        """
        raise NotImplementedError

    # -- engine ----------------------------------------------------------------

    def _outcome(self, namespace: Mapping[str, Any]) -> Outcome:
        try:
            answers = self._read_answers(namespace)
            extra = self.verify(Attempt(self, answers, namespace))
        except NotAttempted as exc:
            return Outcome(NOT_ATTEMPTED, str(exc), self.label)
        except Incorrect as exc:
            return Outcome(INCORRECT, str(exc), self.label)
        except LearnerError as exc:
            return Outcome(
                RAISED,
                f"Your code raised {type(exc.original).__name__}: {exc.original}",
                self.label,
                details=_learner_traceback(exc.original),
            )
        except Uncheckable as exc:
            return Outcome(UNCHECKABLE, str(exc), self.label)
        except Exception as exc:  # the check itself broke: say so, never show a raw traceback
            friendly = _friendly_infrastructure_error(exc)
            return Outcome(
                UNCHECKABLE,
                friendly
                or f"The check itself failed ({type(exc).__name__}: {exc}). This is a bug in the course.",
                self.label,
            )
        message = self.why + (f" {extra}" if extra else "")
        return Outcome(CORRECT, message, self.label)

    def _read_answers(self, namespace: Mapping[str, Any]) -> dict[str, Any]:
        answers = {}
        for name in self.variables:
            if name not in namespace:
                raise NotAttempted(
                    f"There is no `{name}` yet: run the exercise cell above (the one that defines `{name}`) first."
                )
            value = namespace[name]
            if value is Ellipsis or (callable(value) and is_placeholder_function(value)):
                raise NotAttempted(
                    f"Replace the `...` in `{name}` with your answer, then run both cells again."
                )
            answers[name] = value
        for name, value in answers.items():
            kind = self.types.get(name)
            if kind is not None and not kind.accepts(value):
                raise Incorrect(kind.refusal(name, value))
        return answers

    @staticmethod
    def call_learner(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the learner's ``fn``; an exception it raises becomes a :class:`LearnerError`."""
        try:
            return fn(*args, **kwargs)
        except (Incorrect, NotAttempted, Uncheckable):
            raise
        except Exception as exc:
            if isinstance(exc, NotImplementedError):
                raise NotAttempted(
                    f"`{getattr(fn, '__name__', 'your function')}` is not written yet."
                ) from exc
            raise LearnerError(exc) from exc

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label}: {self.title}>"


@dataclass
class Lesson:
    """The exercises of one lesson, in order; ``lesson.q1`` etc. are attributes of its module."""

    number: str
    title: str
    exercises: dict[str, Exercise] = field(default_factory=dict)

    def add(self, name: str, exercise: Exercise) -> Exercise:
        """Register ``exercise`` as ``name`` (``q1``, ``q2``, ...) and return it."""
        exercise.lesson, exercise.name = self.number, name
        self.exercises[name] = exercise
        return exercise


def is_placeholder_function(fn: Any) -> bool:
    """Whether ``fn``'s body is only ``...``/``pass`` (and maybe a docstring)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    ops = [i for i in dis.get_instructions(code) if i.opname not in ("RESUME", "NOP", "CACHE")]
    names = [(i.opname, i.argval) for i in ops]
    return names in (
        [("LOAD_CONST", None), ("RETURN_VALUE", None)],
        [("RETURN_CONST", None)],
    )


def _learner_traceback(exc: BaseException) -> str:
    """The traceback lines that belong to the learner's own cells, shortest useful form."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if "ipykernel" in f.filename or f.filename.startswith("<")]
    chosen = mine or frames[-1:]
    lines = [f"  line {f.lineno}, in {f.name}: {f.line or ''}".rstrip() for f in chosen]
    return "\n".join(["Where it happened (your code):", *lines]) if lines else ""


def _friendly_infrastructure_error(exc: Exception) -> str | None:
    """Explain errors that come from the demo site not answering."""
    try:
        import requests
    except ImportError:  # pragma: no cover
        return None
    from course_helpers.errors import DemoSiteError

    if isinstance(exc, DemoSiteError):
        return str(exc)
    if isinstance(exc, requests.ConnectionError):
        return (
            "The demo site did not answer, so this could not be checked. "
            "Run the setup cell at the top of the notebook again, then this cell."
        )
    if isinstance(exc, requests.Timeout):
        return "The demo site took too long to answer. Run the setup cell again, then this cell."
    return None
