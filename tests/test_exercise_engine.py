"""The exercise engine, unit by unit: outcomes, kinds, hints, solutions, progress, displays, proofs.

Fast and in-process: exercises are checked against plain dict namespaces
(what a notebook's globals are), with a demo site started only by the tests
that need one and stopped at teardown. Every test keeps its progress in its
own temporary file (the ``_progress_file`` fixture), never in the checkout.
"""

from __future__ import annotations

import itertools
import json
import linecache

import nbformat
import pytest
import requests
from django.http import HttpResponse

from course_helpers import DemoClient, start_demo_site, stop_all_demo_sites
from course_helpers.exercises import lesson00, lessons, progress, reset_progress
from course_helpers.exercises import store as progress_store
from course_helpers.exercises.core import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    RAISED,
    UNCHECKABLE,
    Incorrect,
    Lesson,
    Outcome,
    WrongAnswer,
    is_placeholder_function,
)
from course_helpers.exercises.kinds import (
    Case,
    FixTheView,
    FunctionExercise,
    HttpTask,
    Prediction,
    ValueExercise,
)
from course_helpers.exercises.proof import (
    check_cells,
    exercise_cells,
    lesson_module_name,
    outputs_text,
    proof_notebook,
    prove_wrong_answers,
)
from course_helpers.exercises.view import OutcomeView

# -- fixtures and helpers ---------------------------------------------------------

_cell_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _progress_file(tmp_path, monkeypatch):
    """Each test's progress lives in its own file."""
    path = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    return path


@pytest.fixture
def site():
    """A running demo site; every site is stopped afterwards, whatever the test did."""
    stop_all_demo_sites()
    demo = start_demo_site("engine-tests")
    yield demo
    stop_all_demo_sites()


def run_cell(source: str, namespace: dict | None = None) -> dict:
    """Run ``source`` like a notebook cell: its lines can be shown in tracebacks, as IPython does."""
    namespace = {} if namespace is None else namespace
    filename = f"<cell {next(_cell_numbers)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace


def value_exercise(**kwargs) -> ValueExercise:
    options = {
        "title": "The answer",
        "variables": ["answer"],
        "expected": 42,
        "hints": ["First hint.", "Second hint.", "Third hint."],
        "solution": "answer = 42",
        "why": "Because 6 times 7 is 42.",
    }
    options.update(kwargs)
    return ValueExercise(**options)


def sorted_copy_exercise() -> FunctionExercise:
    return FunctionExercise(
        title="Sort without touching",
        variables=["sorted_copy"],
        cases=[
            Case(args=([3, 1, 2],), expected=[1, 2, 3], note="Smallest first."),
            Case(args=([1, 2],), kwargs={"reverse": True}, expected=[2, 1]),
        ],
        hints=["sorted() returns a new list."],
        solution="""
            def sorted_copy(xs, reverse=False):
                return sorted(xs, reverse=reverse)
        """,
        why="sorted() builds a new list and leaves its argument alone.",
    )


def message_of(outcome: Outcome) -> str:
    assert isinstance(outcome, Outcome)
    return outcome.message


# -- not attempted ---------------------------------------------------------------


def test_placeholder_ellipsis_is_not_attempted():
    outcome = value_exercise().check({"answer": ...})
    assert outcome.status == NOT_ATTEMPTED
    assert "Replace the `...` in `answer`" in outcome.message
    assert not outcome.ok


def test_missing_variable_is_not_attempted_and_says_which():
    outcome = value_exercise().check({"something_else": 42})
    assert outcome.status == NOT_ATTEMPTED
    assert "There is no `answer` yet" in outcome.message


@pytest.mark.parametrize(
    "body",
    ["    ...", "    pass", '    """Return the answer."""', '    """Return the answer."""\n    ...'],
    ids=["ellipsis", "pass", "docstring", "docstring-ellipsis"],
)
def test_placeholder_functions_are_recognised(body):
    namespace = run_cell(f"def f(x):\n{body}\n")
    assert is_placeholder_function(namespace["f"])
    outcome = sorted_copy_exercise().check({"sorted_copy": namespace["f"]})
    assert outcome.status == NOT_ATTEMPTED


def test_real_functions_are_not_placeholders():
    namespace = run_cell("def real(x):\n    return x + 1\n\ndef forgot(x):\n    x + 1\n")
    assert not is_placeholder_function(namespace["real"])
    assert not is_placeholder_function(namespace["forgot"])  # a forgotten return is an attempt
    assert not is_placeholder_function(print)  # no __code__
    assert not is_placeholder_function(42)


# -- correct and incorrect ---------------------------------------------------------


def test_correct_says_why():
    outcome = value_exercise().check({"answer": 42})
    assert outcome.status == CORRECT
    assert outcome.ok
    assert outcome.message == "Because 6 times 7 is 42."


def test_incorrect_has_a_specific_message():
    outcome = value_exercise(where_to_look="Multiply 6 by 7.").check({"answer": 41})
    assert outcome.status == INCORRECT
    assert outcome.message == "`answer` = 41 is not right. Multiply 6 by 7."


# -- check() never raises ----------------------------------------------------------


class _EqualsRaises:
    def __eq__(self, other):
        raise RuntimeError("no comparing me")

    __hash__ = object.__hash__


class _ReprRaises:
    def __repr__(self):
        raise RuntimeError("no showing me")


class _SomeClass:
    pass


@pytest.mark.parametrize(
    "value",
    [None, _SomeClass, _EqualsRaises(), _ReprRaises(), "x" * 5_000_000, float("nan"), [1, [2, {3: 4}]]],
    ids=["None", "class", "eq-raises", "repr-raises", "huge-string", "nan", "nested"],
)
def test_odd_values_are_simply_incorrect(value):
    for exercise in (value_exercise(), value_exercise(expected="42", tolerance=0.5)):
        outcome = exercise.check({"answer": value})
        assert outcome.status == INCORRECT, outcome
        assert "`answer` = " in outcome.message
        assert len(outcome.message) < 400  # a huge answer is shown shortened


def test_huge_answer_is_shortened_with_its_length():
    outcome = value_exercise(expected="short").check({"answer": "x" * 100_000})
    assert "(100002 chars)" in outcome.message  # the repr's quotes count


def _drive_ok(attempt):
    response = attempt.client.get(attempt.prefix)
    if response.status_code != 200:
        raise Incorrect(f"GET {attempt.prefix} answered {response.status_code}.")


@pytest.mark.parametrize("value", [None, _SomeClass, _EqualsRaises(), "y" * 1_000_000, 3])
def test_odd_values_never_make_any_kind_raise(value, site):
    exercises = [
        sorted_copy_exercise(),
        Prediction(
            title="p",
            variables=["answer"],
            choices=(1, 2),
            experiment=lambda attempt: 1,
            explain="Because.",
            hints=[],
            solution="answer = 1",
            why="w",
        ),
        FixTheView(title="v", variables=["answer"], drive=_drive_ok, hints=[], solution="", why="w"),
        lesson00.q1,
        lesson00.q2,
        lesson00.q3,
    ]
    for exercise in exercises:
        namespace = {"answer": value, "sorted_copy": value, "visits_value": value, "my_client": value}
        namespace.update(counted=value, newcomer=value)
        namespace["prediction"] = value
        outcome = exercise.check({**namespace, "site": site})
        assert isinstance(outcome, Outcome)
        allowed = {INCORRECT, RAISED}
        if exercise is lesson00.q1 and isinstance(value, _EqualsRaises):
            allowed.add(UNCHECKABLE)  # its own diagnose function compares the answer with ==
        assert outcome.status in allowed, (exercise, outcome)
        assert len(repr(outcome)) < 600


# -- raised --------------------------------------------------------------------------


def test_learner_exception_is_shown_readably_with_the_learner_line():
    namespace = run_cell("def sorted_copy(xs, reverse=False):\n    return xs[10]\n")
    outcome = sorted_copy_exercise().check(namespace)
    assert outcome.status == RAISED
    assert outcome.message == "Your code raised IndexError: list index out of range"
    assert "Where it happened (your code):" in outcome.details
    assert "line 2, in sorted_copy: return xs[10]" in outcome.details
    assert "core.py" not in outcome.details and "Traceback" not in outcome.details


# -- uncheckable ----------------------------------------------------------------------


def test_no_demo_site_makes_http_task_and_prediction_uncheckable(site):
    stop_all_demo_sites()
    assert not site.running
    for exercise, namespace in (
        (
            lesson00.q2,
            {
                "my_client": DemoClient("http://127.0.0.1:9"),
                "newcomer": DemoClient("http://127.0.0.1:9"),
                "site": site,
            },
        ),
        (lesson00.q3, {"prediction": 1, "site": site}),
        (lesson00.q3, {"prediction": 1}),
    ):
        outcome = exercise.check(namespace)
        assert outcome.status == UNCHECKABLE
        assert "The demo site is not running" in outcome.message
        assert "start_demo_site()" in outcome.message


def test_site_stopping_mid_check_is_a_friendly_uncheckable(site):
    def inspect(attempt):
        url = attempt.site.url
        stop_all_demo_sites()
        requests.get(url + "/counter/", timeout=5)  # nothing listens any more
        return "unreachable"

    task = HttpTask(title="t", variables=["c"], inspect=inspect, hints=[], solution="", why="w")
    outcome = task.check({"c": 1, "site": site})
    assert outcome.status == UNCHECKABLE
    assert outcome.message.startswith("The demo site did not answer, so this could not be checked.")
    assert "Traceback" not in repr(outcome) and "ConnectionError" not in repr(outcome)


def test_stopped_site_used_by_a_check_is_a_friendly_uncheckable(site):
    def inspect(attempt):
        demo = attempt.site
        stop_all_demo_sites()
        demo.client()  # DemoSiteError: the site is stopped

    task = HttpTask(title="t", variables=["c"], inspect=inspect, hints=[], solution="", why="w")
    outcome = task.check({"c": 1, "site": site})
    assert outcome.status == UNCHECKABLE
    assert "is stopped" in outcome.message


def test_bug_in_a_verify_function_is_a_course_bug_not_a_traceback(site):
    def inspect(attempt):
        return {}["missing"]

    task = HttpTask(title="t", variables=["c"], inspect=inspect, hints=[], solution="", why="w")
    outcome = task.check({"c": 1, "site": site})
    assert outcome.status == UNCHECKABLE
    assert outcome.message == "The check itself failed (KeyError: 'missing'). This is a bug in the course."


# -- whose namespace --------------------------------------------------------------------

_MODULE_EXERCISE = value_exercise()


def _check_from_module_scope() -> Outcome:
    return _MODULE_EXERCISE.check()


def test_check_reads_the_callers_globals(monkeypatch):
    monkeypatch.setitem(globals(), "answer", 41)
    assert _check_from_module_scope().status == INCORRECT
    monkeypatch.setitem(globals(), "answer", 42)
    assert _check_from_module_scope().status == CORRECT


def test_check_reads_the_namespace_of_the_cell_that_calls_it():
    namespace = run_cell("answer = 6 * 7\nresult = ex.check()\n", {"ex": value_exercise()})
    assert namespace["result"].status == CORRECT
    namespace = run_cell("answer = ...\nresult = ex.check()\n", {"ex": value_exercise()})
    assert namespace["result"].status == NOT_ATTEMPTED


# -- ValueExercise ----------------------------------------------------------------------


def test_value_exact_and_tolerance():
    exact = value_exercise(expected=0.3)
    assert exact.check({"answer": 0.1 + 0.2}).status == INCORRECT
    close = value_exercise(expected=0.3, tolerance=1e-9)
    assert close.check({"answer": 0.1 + 0.2}).status == CORRECT
    assert close.check({"answer": 0.31}).status == INCORRECT
    assert value_exercise(expected=1).check({"answer": True}).status == INCORRECT  # True is not 1
    assert value_exercise(expected=True).check({"answer": 1}).status == INCORRECT


def test_value_several_variables():
    exercise = value_exercise(variables=["name", "age"], expected={"name": "sessionid", "age": 1209600})
    assert exercise.check({"name": "sessionid", "age": 1209600}).status == CORRECT
    wrong = exercise.check({"name": "sessionid", "age": 60})
    assert wrong.status == INCORRECT and "`age` = 60" in wrong.message
    missing = exercise.check({"name": "sessionid"})
    assert missing.status == NOT_ATTEMPTED and "`age`" in missing.message
    placeholder = exercise.check({"name": ..., "age": 1209600})
    assert placeholder.status == NOT_ATTEMPTED and "`name`" in placeholder.message


def test_value_expected_computed_from_the_namespace():
    seen = []

    def expected(attempt):
        seen.append(attempt.namespace)
        return attempt.namespace["secret"] * 2

    exercise = value_exercise(expected=expected)
    namespace = {"secret": 21, "answer": 42}
    assert exercise.check(namespace).status == CORRECT
    assert seen == [namespace]
    assert exercise.check({"secret": 5, "answer": 42}).status == INCORRECT


@pytest.mark.parametrize(
    ("expected", "answer", "fragment"),
    [
        (3, "3", "You wrote the text '3'; the answer is a number: write it without quotes."),
        (2.5, "2.5", "the answer is a number"),
        ("3", 3, "You wrote the number 3; the answer is text: put it in quotes."),
        ("Lax", " lax ", "Almost: ' lax ' differs from the answer only in case or spaces."),
        ("Lax", "LAX", "Almost"),
    ],
)
def test_value_type_hints(expected, answer, fragment):
    outcome = value_exercise(expected=expected).check({"answer": answer})
    assert outcome.status == INCORRECT
    assert fragment in outcome.message


def test_value_diagnose_and_where_to_look():
    calls = []

    def diagnose(attempt):
        calls.append((attempt.name, attempt.answer, attempt.expected))
        return "That is the port, not the answer." if attempt.answer == 8000 else None

    exercise = value_exercise(diagnose=diagnose, where_to_look="See the Set-Cookie header.")
    specific = exercise.check({"answer": 8000})
    assert specific.message == "That is the port, not the answer."  # no where_to_look after a diagnosis
    general = exercise.check({"answer": 7})
    assert general.message == "`answer` = 7 is not right. See the Set-Cookie header."
    assert calls == [("answer", 8000, 42), ("answer", 7, 42)]
    typed = exercise.check({"answer": "42"})
    assert typed.message.startswith("You wrote the text '42'") and typed.message.endswith(
        "Set-Cookie header."
    )


# -- FunctionExercise -------------------------------------------------------------------


def test_function_passes_every_case():
    namespace = run_cell("def sorted_copy(xs, reverse=False):\n    return sorted(xs, reverse=reverse)\n")
    outcome = sorted_copy_exercise().check(namespace)
    assert outcome.status == CORRECT
    assert outcome.message == (
        "sorted() builds a new list and leaves its argument alone. It passed all 2 test cases."
    )


def test_function_wrong_result_shows_call_and_expected():
    namespace = run_cell("def sorted_copy(xs, reverse=False):\n    return list(xs)\n")
    outcome = sorted_copy_exercise().check(namespace)
    assert outcome.status == INCORRECT
    assert outcome.message == (
        "sorted_copy([3, 1, 2]) returned [3, 1, 2]; it should return [1, 2, 3]. Smallest first."
    )
    namespace = run_cell("def sorted_copy(xs, reverse=False):\n    return sorted(xs)\n")
    assert sorted_copy_exercise().check(namespace).message == (
        "sorted_copy([1, 2], reverse=True) returned [1, 2]; it should return [2, 1]."
    )


def test_function_mutating_its_argument_is_told_so():
    namespace = run_cell("def sorted_copy(xs, reverse=False):\n    xs.sort(reverse=reverse)\n    return xs\n")
    outcome = sorted_copy_exercise().check(namespace)
    assert outcome.status == INCORRECT
    assert outcome.message == (
        "sorted_copy([3, 1, 2]) changed its argument(s); a check function should only read them."
    )


def test_function_forgotten_return_is_named():
    namespace = run_cell("def sorted_copy(xs, reverse=False):\n    sorted(xs, reverse=reverse)\n")
    outcome = sorted_copy_exercise().check(namespace)
    assert outcome.status == INCORRECT
    assert outcome.message == "sorted_copy([3, 1, 2]) returned None. Did you forget `return`?"


def test_function_not_callable():
    outcome = sorted_copy_exercise().check({"sorted_copy": [1, 2, 3]})
    assert outcome.status == INCORRECT
    assert outcome.message == "`sorted_copy` should be a function (def sorted_copy(...): ...), not list."


def test_function_raising_not_implemented_is_not_attempted():
    namespace = run_cell("def sorted_copy(xs, reverse=False):\n    raise NotImplementedError\n")
    outcome = sorted_copy_exercise().check(namespace)
    assert outcome.status == NOT_ATTEMPTED
    assert outcome.message == "`sorted_copy` is not written yet."


def test_function_exception_is_raised_outcome():
    namespace = run_cell("def sorted_copy(xs, reverse=False):\n    return sorted(xs) / 0\n")
    outcome = sorted_copy_exercise().check(namespace)
    assert outcome.status == RAISED
    assert outcome.message.startswith("Your code raised TypeError: unsupported operand")
    assert "line 2, in sorted_copy: return sorted(xs) / 0" in outcome.details


def test_function_exercise_reads_exactly_one_function():
    with pytest.raises(ValueError, match="exactly one function"):
        FunctionExercise(title="t", variables=["f", "g"], cases=[], hints=[], solution="", why="")


# -- HttpTask ---------------------------------------------------------------------------


def test_http_task_inspects_the_learners_client_on_the_site(site):
    seen = {}

    def inspect(attempt):
        seen.update(answers=attempt.answers, site=attempt.site, namespace=attempt.namespace)
        client = attempt["my_client"]
        if client.cookies.get("visits") != "2":
            raise Incorrect(f"visits is {client.cookies.get('visits')}, not 2.")
        return "Two visits counted."

    task = HttpTask(
        title="Twice", variables=["my_client"], inspect=inspect, hints=[], solution="", why="Yes."
    )
    my_client = site.client()
    my_client.get("/counter/")
    namespace = {"my_client": my_client, "site": site}
    first = task.check(namespace)
    assert first.status == INCORRECT and first.message == "visits is 1, not 2."
    assert seen["answers"] == {"my_client": my_client} and seen["site"] is site
    assert seen["namespace"] is namespace
    my_client.get("/counter/")
    second = task.check(namespace)
    assert second.status == CORRECT
    assert second.message == "Yes. Two visits counted."


def test_http_task_without_site_variable_uses_the_running_site(site):
    seen = []
    task = HttpTask(
        title="t", variables=["c"], inspect=lambda attempt: seen.append(attempt.site), hints=[], solution="", why="w"
    )
    assert task.check({"c": 1}).status == CORRECT
    assert seen == [site]


# -- Prediction -------------------------------------------------------------------------


def _counter_prediction() -> Prediction:
    def experiment(attempt):
        client = attempt.site.client()
        for _ in range(2):
            client.get("/counter/")
        return int(client.cookies["visits"])

    return Prediction(
        title="Two visits",
        variables=["prediction"],
        choices=(1, 2, 3),
        experiment=experiment,
        explain=lambda attempt: f"One jar, {attempt.actual} visits.",
        hints=[],
        solution="prediction = 2",
        why="The jar sends the cookie back.",
    )


def test_prediction_right_and_wrong(site):
    exercise = _counter_prediction()
    right = exercise.check({"prediction": 2, "site": site})
    assert right.status == CORRECT
    assert right.message == "The jar sends the cookie back. The experiment gave 2. One jar, 2 visits."
    wrong = exercise.check({"prediction": 1, "site": site})
    assert wrong.status == INCORRECT
    assert wrong.message == "You predicted 1; the experiment gave 2. One jar, 2 visits."


def test_prediction_choices_are_enforced_before_the_experiment(site):
    ran = []
    exercise = Prediction(
        title="t",
        variables=["prediction"],
        choices=("yes", "no"),
        experiment=lambda attempt: ran.append(attempt.site) or "no",
        explain="Fixed explanation.",
        hints=[],
        solution="",
        why="w",
    )
    outcome = exercise.check({"prediction": "maybe", "site": site})
    assert outcome.status == INCORRECT
    assert outcome.message == "`prediction` = 'maybe' is not one of the choices: 'yes', 'no'."
    assert ran == []
    wrong = exercise.check({"prediction": "yes", "site": site})
    assert wrong.message == "You predicted 'yes'; the experiment gave 'no'. Fixed explanation."


# -- FixTheView -------------------------------------------------------------------------


def _drive_home(attempt):
    prefix = attempt.prefix
    response = attempt.client.get(prefix, params={"name": "Ada"})
    if response.status_code != 200 or response.text != "Hello Ada":
        raise Incorrect(f"GET {prefix}?name=Ada answered {response.status_code}: {response.text[:40]!r}.")
    return "It greeted Ada."


def _view_exercise(**kwargs) -> FixTheView:
    options = {
        "title": "Greet",
        "variables": ["greet"],
        "drive": _drive_home,
        "hints": [],
        "solution": "",
        "why": "A view returns a response.",
    }
    options.update(kwargs)
    return FixTheView(**options)


def test_fix_the_view_correct(site):
    def greet(request):
        return HttpResponse(f"Hello {request.GET['name']}")

    outcome = _view_exercise().check({"greet": greet, "site": site})
    assert outcome.status == CORRECT
    assert outcome.message == "A view returns a response. It greeted Ada."


def test_fix_the_view_returning_none_names_the_missing_else(site):
    namespace = run_cell(
        "from django.http import HttpResponse\n"
        "def greet(request):\n"
        "    if 'nobody' in request.GET:\n"
        "        return HttpResponse('Hello nobody')\n"
    )
    outcome = _view_exercise().check({**namespace, "site": site})
    assert outcome.status == INCORRECT
    assert "Your view returned None for one of the requests, so Django answered 500." in outcome.message
    assert "is an `else:` or a `return` missing?" in outcome.message


def test_fix_the_view_raising_is_raised(site):
    namespace = run_cell("def greet(request):\n    return request.GET['nom']\n")
    outcome = _view_exercise().check({**namespace, "site": site})
    assert outcome.status == RAISED
    assert outcome.message.startswith("Your code raised MultiValueDictKeyError:")
    assert "line 2, in greet: return request.GET['nom']" in outcome.details


def test_fix_the_view_not_a_function(site):
    outcome = _view_exercise().check({"greet": "Hello", "site": site})
    assert outcome.status == INCORRECT
    assert outcome.message.startswith("`greet` should be a view function (def greet(request): ...")
    assert "not str." in outcome.message


def test_fix_the_view_two_routes_and_the_slot_is_unplugged_afterwards(site):
    prefixes = []

    def drive(attempt):
        client, prefix = attempt.client, attempt.prefix
        prefixes.append(prefix)
        home, login = client.get(prefix), client.get(prefix + "login/")
        if (home.text, login.text) != ("home", "login"):
            raise Incorrect(f"home said {home.text!r}, login said {login.text!r}.")
        return f"Both answered ({home.status_code}, {login.status_code})."

    exercise = _view_exercise(
        variables=["home", "login"],
        drive=drive,
        routes=lambda attempt: {"": attempt["home"], "login/": attempt["login"]},
    )
    namespace = {
        "home": lambda request: HttpResponse("home"),
        "login": lambda request: HttpResponse("login"),
        "site": site,
    }
    outcome = exercise.check(namespace)
    assert outcome.status == CORRECT, outcome
    assert outcome.message == "A view returns a response. Both answered (200, 200)."
    swapped = exercise.check({**namespace, "home": namespace["login"]})
    assert swapped.status == INCORRECT and "home said 'login'" in swapped.message
    assert len(prefixes) == 2 and prefixes[0] != prefixes[1]  # a fresh slot per check
    for prefix in prefixes:
        assert requests.get(site.url + prefix, timeout=5).status_code == 404
        assert requests.get(site.url + prefix + "login/", timeout=5).status_code == 404


# -- hints and solution ------------------------------------------------------------------


def test_hints_unlock_one_by_one_then_stay_on_the_last():
    exercise = value_exercise()
    first, second, third, again = (exercise.hint() for _ in range(4))
    assert repr(first) == "Hint 1 of 3 (The answer): First hint."
    assert repr(second) == "Hint 2 of 3 (The answer): Second hint."
    assert repr(third) == (
        "Hint 3 of 3 (The answer) — the last one; .solution() shows the answer: Third hint."
    )
    assert repr(again) == repr(third)
    assert "Third hint." in third.html() and ".solution()" in third.html()


def test_hint_by_number_and_out_of_range():
    exercise = value_exercise()
    assert repr(exercise.hint(2)) == "Hint 2 of 3 (The answer): Second hint."
    assert repr(exercise.hint()) == "Hint 1 of 3 (The answer): First hint."  # hint(2) unlocked nothing
    assert repr(exercise.hint(99)) == "Hint (The answer): There are hints 1 to 3; hint(99) does not exist."
    assert repr(exercise.hint("x")) == "Hint (The answer): There are hints 1 to 3; hint('x') does not exist."
    assert "does not exist" in exercise.hint(0).text()


def test_exercise_without_hints():
    exercise = value_exercise(hints=[])
    assert repr(exercise.hint()) == "Hint (The answer): There is no hint for this one; try .solution()."
    assert repr(exercise.hint(1)) == repr(exercise.hint())


def test_solution_text_and_highlighted_html():
    shown = sorted_copy_exercise().solution()
    text = shown.text()
    assert text.startswith("Solution (Sort without touching):\n")
    assert "def sorted_copy(xs, reverse=False):\n    return sorted(xs, reverse=reverse)" in text
    assert text.endswith("Why: sorted() builds a new list and leaves its argument alone.")
    html = shown._repr_html_()
    assert "<span style=" in html  # pygments, inline styles
    assert "sorted_copy" in html and "Why:</b> sorted() builds a new list" in html


def test_label_of_a_lesson_exercise():
    lesson = Lesson("42", "Throwaway")
    exercise = lesson.add("q7", value_exercise())
    assert exercise.label == "lesson42.q7"
    assert lesson.exercises == {"q7": exercise}
    assert exercise.check({"answer": 1}).exercise == "lesson42.q7"


# -- progress ----------------------------------------------------------------------------


def _stored(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["solved"]


def test_correct_check_records_the_label_once(_progress_file):
    exercise = Lesson("42", "t").add("q1", value_exercise())
    assert exercise.check({"answer": 41}).status == INCORRECT
    assert not _progress_file.exists()
    assert exercise.check({"answer": 42}).ok
    assert list(_stored(_progress_file)) == ["lesson42.q1"]
    _progress_file.write_text(json.dumps({"solved": {"lesson42.q1": "2000-01-01T00:00:00+00:00"}}))
    assert exercise.check({"answer": 42}).ok
    assert _stored(_progress_file) == {"lesson42.q1": "2000-01-01T00:00:00+00:00"}  # first time kept


def test_progress_table_marks_solved_exercises(_progress_file, site):
    table = progress()
    lesson00_rows = [row for row in table.rows if row[0] == "00"]
    assert [row[1] for row in lesson00_rows] == ["q1", "q2", "q3"]
    assert [row[2] for row in lesson00_rows] == [e.title for e in lesson00.LESSON.exercises.values()]
    assert all(row[3] == "not yet" for row in table.rows)
    total = sum(len(lesson.exercises) for lesson in lessons())
    assert table.title == f"Progress: 0 of {total} exercises solved"
    assert str(_progress_file) in table.text()

    counted = site.client()
    for _ in range(3):
        counted.get("/counter/")
    assert lesson00.q1.check({"counted": counted, "visits_value": "3", "site": site}).ok
    table = progress()
    assert table.title == f"Progress: 1 of {total} exercises solved"
    status = {(row[0], row[1]): row[3] for row in table.rows}
    assert status[("00", "q1")] == "✓ solved" and status[("00", "q2")] == "not yet"


def test_reset_progress_for_one_lesson_and_for_all(_progress_file):
    for label in ("lesson00.q1", "lesson00.q3", "lesson07.q2"):
        progress_store.record(label)
    assert set(progress_store.load()) == {"lesson00.q1", "lesson00.q3", "lesson07.q2"}
    assert reset_progress(0) == "Progress reset for lesson 00."
    assert set(progress_store.load()) == {"lesson07.q2"}
    assert reset_progress() == "Progress reset for every lesson."
    assert progress_store.load() == {}
    assert not _progress_file.exists()
    assert reset_progress() == "Progress reset for every lesson."  # nothing to reset is fine


@pytest.mark.parametrize("garbage", ["{not json", "[1, 2]", '{"solved": 3}', "\xff\xfe"])
def test_corrupted_progress_counts_as_none_and_is_rewritten(_progress_file, garbage):
    _progress_file.write_bytes(garbage.encode("latin-1"))
    assert progress_store.load() == {}
    assert progress().title.startswith("Progress: 0 of ")
    assert value_exercise().check({"answer": 42}).ok
    assert list(_stored(_progress_file)) == ["The answer"]


def test_unwritable_progress_location_does_not_break_check(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(blocker / "progress.json"))
    assert value_exercise().check({"answer": 42}).ok
    assert progress_store.load() == {}

    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path))  # a folder where the file should be
    assert value_exercise().check({"answer": 42}).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # no temporary file left behind


# -- outcome displays --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "heading", "colour"),
    [
        (CORRECT, "✓ Correct", "#2e7d32"),
        (INCORRECT, "✗ Not yet", "#c62828"),
        (NOT_ATTEMPTED, "… Not attempted", "#757575"),
        (RAISED, "! Your code raised an exception", "#ef6c00"),
        (UNCHECKABLE, "? Could not check", "#6a1b9a"),
    ],
)
def test_outcome_view_text_and_html(status, heading, colour):
    outcome = Outcome(status, "Use <b>bold</b> & more", "lesson01.q2", details="line 1, in f: x < y")
    assert outcome.ok is (status == CORRECT)
    text = OutcomeView(outcome).text()
    assert text == f"{heading} (lesson01.q2): Use <b>bold</b> & more\nline 1, in f: x < y"
    assert repr(outcome) == text
    html = outcome._repr_html_()
    assert html == OutcomeView(outcome).html()
    assert colour in html
    assert "Use &lt;b&gt;bold&lt;/b&gt; &amp; more" in html and "<b>bold</b>" not in html
    assert "<pre style='margin:.5em 0 0'>line 1, in f: x &lt; y</pre>" in html
    without_details = Outcome(status, "m", "e")
    assert OutcomeView(without_details).text() == f"{heading} (e): m"
    assert "<pre" not in without_details._repr_html_()


# -- proof helpers -----------------------------------------------------------------------


def _proved(wrong_answers) -> ValueExercise:
    return Lesson("42", "t").add("q1", value_exercise(wrong_answers=wrong_answers))


def test_prove_wrong_answers_counts_rejected_ones():
    exercise = _proved([WrongAnswer("answer = 41", "is not right"), WrongAnswer("answer = '42'", "a number")])
    namespace = {"unrelated": 1}
    assert prove_wrong_answers(exercise, namespace) == 2
    assert namespace == {"unrelated": 1}  # wrong answers run in a copy


@pytest.mark.parametrize(
    ("wrong", "complaint"),
    [
        (WrongAnswer("answer = 42", "is not right"), "'answer = 42' gave correct"),
        (
            WrongAnswer("answer = 41", "a number"),
            "gave incorrect: '`answer` = 41 is not right.' (wanted 'a number')",
        ),
        (WrongAnswer("answer = undefined_name", "is not right"), "raised NameError: name 'undefined_name'"),
        (WrongAnswer("answer = ...", "is not right"), "gave not attempted"),
    ],
    ids=["accepted", "wrong-message", "code-raises", "not-attempted"],
)
def test_prove_wrong_answers_names_each_failure(wrong, complaint):
    exercise = _proved([WrongAnswer("answer = 41", "is not right"), wrong])
    with pytest.raises(AssertionError) as caught:
        prove_wrong_answers(exercise, {})
    message = str(caught.value)
    assert message.startswith("lesson42.q1: wrong answers not rejected as expected:")
    assert complaint in message
    assert message.count("\n") == 1  # only the failing one is named


def test_prove_wrong_answers_needs_two():
    for wrong_answers in ([], [WrongAnswer("answer = 41", "is not right")]):
        with pytest.raises(AssertionError, match="lesson42.q1 needs at least two plausible wrong answers"):
            prove_wrong_answers(_proved(wrong_answers), {})


def _tiny_lesson_notebook():
    v4 = nbformat.v4
    starter_q1 = v4.new_code_cell("visits_value = ...", metadata={"tags": ["exercise-q1"]})
    starter_q1.outputs = [v4.new_output("stream", text="old output")]
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("Call `ex.q1.check()` after the cell below.\nex.q2.check()"),
            starter_q1,
            v4.new_code_cell("ex.q1.check()"),
            v4.new_code_cell("ex.q1.hint()\n# ex.q2.check() is further down"),
            v4.new_code_cell("my_client = ...", metadata={"tags": ["solution-hidden", "exercise-q2"]}),
            v4.new_code_cell("print('checking')\nex.q2.check()\n"),
        ]
    )


def test_exercise_cells_and_check_cells_find_the_right_indices():
    notebook = _tiny_lesson_notebook()
    assert exercise_cells(notebook) == {"q1": 1, "q2": 4}
    assert check_cells(notebook) == {"q1": 2, "q2": 5}


def test_proof_notebook_replaces_only_the_tagged_starter_cells():
    notebook = _tiny_lesson_notebook()
    module = "course_helpers.exercises.lesson00"
    proof = proof_notebook(notebook, module)
    for name, index in (("q1", 1), ("q2", 4)):
        source = proof.cells[index].source
        assert source.startswith(
            "from course_helpers.exercises.proof import prove_wrong_answers as __prove\n"
        )
        assert f"from {module} import {name} as __exercise\n__prove(__exercise, globals())\n" in source
        assert source.endswith(getattr(lesson00, name).solution_code)
        assert proof.cells[index].outputs == []
    for index in (0, 2, 3, 5):
        assert proof.cells[index] == notebook.cells[index]
    assert notebook.cells[1].source == "visits_value = ..."  # the original is untouched
    assert len(notebook.cells[1].outputs) == 1
    nbformat.validate(proof)


def test_proof_notebook_proves_every_exercise_of_a_shared_starter_cell():
    """A capstone's one cell of views, graded by several exercises: each one's wrong answers, one solution."""
    v4, module = nbformat.v4, "course_helpers.exercises.lesson00"
    shared = v4.new_code_cell("visits_value = ...", metadata={"tags": ["exercise-q1", "exercise-q2"]})
    checks = [v4.new_code_cell("ex.q1.check()"), v4.new_code_cell("ex.q2.check()")]
    notebook = v4.new_notebook(cells=[shared, *checks])
    assert exercise_cells(notebook) == {"q1": 0, "q2": 0}
    source = proof_notebook(notebook, module).cells[0].source
    for name in ("q1", "q2"):
        assert f"from {module} import {name} as __exercise\n__prove(__exercise, globals())\n" in source
    order = [source.index(text) for text in ("import q1 as", "import q2 as", "# the reference solution")]
    assert order == sorted(order)
    assert source.endswith(lesson00.q1.solution_code + "\n" + lesson00.q2.solution_code)
    nbformat.validate(proof_notebook(notebook, module))


def test_lesson_module_name_and_outputs_text():
    from pathlib import Path

    assert (
        lesson_module_name(Path("notebooks/03_signed_cookies.ipynb")) == "course_helpers.exercises.lesson03"
    )
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("stream", text="printed"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "✓ Correct (q1)"}, execution_count=1),
        nbformat.v4.new_output("error", ename="KeyError", evalue="'x'", traceback=[]),
    ]
    assert outputs_text(cell) == "printed\n✓ Correct (q1)\nKeyError: 'x'"


# -- lesson 00, in-process -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["q1", "q2", "q3"])
def test_lesson00_shipped_wrong_and_solved(name, site):
    exercise = getattr(lesson00, name)
    assert exercise.label == f"lesson00.{name}"
    shipped = {variable: ... for variable in exercise.variables}
    assert exercise.check({**shipped, "site": site}).status == NOT_ATTEMPTED
    assert prove_wrong_answers(exercise, {"site": site}) == len(exercise.wrong_answers) >= 2
    solved = run_cell(exercise.solution_code, {"site": site})
    outcome = exercise.check(solved)
    assert outcome.status == CORRECT, outcome
    assert outcome.message.startswith(exercise.why)


def test_lesson00_proof_cell_runs_in_process(site):
    proof = proof_notebook(_tiny_lesson_notebook(), "course_helpers.exercises.lesson00")
    namespace = run_cell(proof.cells[1].source, {"site": site})
    assert namespace["visits_value"] == "3"
    assert lesson00.q1.check(namespace).ok


def test_lesson00_specific_messages(site):
    three = site.client()
    for _ in range(3):
        three.get("/counter/")
    assert "text (a str, in quotes)" in lesson00.q1.check({"counted": three, "visits_value": 3}).message
    assert "what the client *sent*" in lesson00.q1.check({"counted": three, "visits_value": "2"}).message
    assert "has not visited /counter/" in lesson00.q1.check({"counted": site.client(), "visits_value": "3"}).message
    assert lesson00.q3.check({"prediction": 3, "site": site}).message.startswith(
        "You predicted 3; the experiment gave 1. requests.get() starts with an empty jar"
    )
    plain = requests.Session()  # no recorded traffic: the engine refuses it, in the words every lesson uses
    plain.get(site.url + "/counter/", timeout=5)
    refused = lesson00.q2.check({"my_client": plain, "newcomer": site.client(), "site": site})
    assert refused.status == INCORRECT
    assert refused.message.startswith("`my_client` should be a client made with site.client(), not Session.")
    once = site.client()
    once.get("/counter/")
    newcomer = site.client()
    newcomer.get("/counter/")
    assert "counted 1 visit(s)" in lesson00.q2.check({"my_client": once, "newcomer": newcomer}).message


def test_typed_variables_are_refused_by_the_engine_in_one_voice():
    from course_helpers.exercises.answer_types import CLIENT, TEXT, WHOLE_NUMBER

    seen = []
    task = HttpTask(
        title="t",
        variables={"reader": CLIENT, "count": WHOLE_NUMBER, "name": TEXT, "free": None},
        inspect=lambda attempt: seen.append(attempt.answers),
        hints=[],
        solution="",
        why="w",
    )
    wrong_client = task.check({"reader": "http://127.0.0.1/", "count": 1, "name": "a", "free": 0})
    assert wrong_client.status == INCORRECT
    assert wrong_client.message.startswith("`reader` should be a client made with site.client(), not str.")
    assert task.check({"reader": DemoClient("http://x"), "count": True, "name": "a", "free": 0}).message == (
        "`count` should be a whole number (an int, no quotes), not bool."
    )
    assert (
        "`name` should be text (a str, in quotes), not int."
        in task.check({"reader": DemoClient("http://x"), "count": 1, "name": 3, "free": 0}).message
    )
    assert seen == []  # a refused type never reaches the check's own code
