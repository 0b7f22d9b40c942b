"""The lesson catalog (``course_helpers.catalog``) is the one list of lessons, and everything agrees with it.

The notebooks on disk, the exercise modules, the README's table of lessons
and lesson 00's map of the course are each compared with the catalog: same
numbers, titles and links, in the same order, under the same part headings.
The prose columns ("what you will see", "the question it answers") are free.
"""

import importlib
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

from course_helpers import catalog

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"^\[(?P<title>[^\]]+)\]\((?P<target>[^)]+)\)$")


def _table_rows(markdown: str, heading: str) -> list[list[str]]:
    """The cells of the first Markdown table under ``heading``, header and separator rows left out."""
    lines = markdown.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    assert start is not None, f"no {heading!r} heading"
    rows, in_table = [], False
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            in_table = True
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif in_table:
            break
    assert len(rows) > 2, f"no table under {heading!r}"
    return rows[2:]


def _plain(text: str) -> str:
    """A title without its Markdown emphasis: ``**Start here**`` → ``Start here``."""
    return re.sub(r"^(\*\*|\*|_)(.*)\1$", r"\2", text.strip()).strip()


def _entries(rows: list[list[str]], note: str = "") -> list[tuple[str, ...]]:
    """``("part", title)`` for a part heading row, ``(number, title, link or "")`` for a lesson row."""
    found = []
    for row in rows:
        number, title = row[0], row[1]
        if not number:
            found.append(("part", _plain(title)))
            continue
        if note:
            title = title.removesuffix(note).strip()
        link = LINK.match(title)
        found.append((number, _plain(link["title"]), link["target"]) if link else (number, _plain(title), ""))
    return found


def _expected(link_to, by_lesson: bool = False) -> list[tuple[str, ...]]:
    """The catalog as table entries: a part heading when the part changes, then a row per notebook."""
    found, part = [], catalog.START
    for lesson in catalog.lessons():
        if lesson.part != part:
            found.append(("part", lesson.part))
            part = lesson.part
        if by_lesson:
            found.append((lesson.number, lesson.title, link_to(lesson.notebooks[0])))
        else:
            found.extend((nb.key, nb.title, link_to(nb)) for nb in lesson.notebooks)
    return found


# -- the notebooks and the exercise modules --------------------------------------------------------


def test_every_catalog_notebook_exists_and_every_notebook_is_in_the_catalog():
    listed = [notebook.path for notebook in catalog.notebooks()]
    missing = [path.name for path in listed if not path.exists()]
    assert not missing, f"the catalog lists notebooks that do not exist: {missing}"
    on_disk = sorted(catalog.NOTEBOOKS_DIR.glob("*.ipynb"))
    unlisted = [path.name for path in on_disk if path not in listed]
    assert not unlisted, f"notebooks not in course_helpers/catalog.py: {unlisted}"
    assert len(listed) == len(set(listed)), "a notebook is listed twice"


def test_lesson_numbers_are_two_digits_and_in_order():
    numbers = [lesson.number for lesson in catalog.lessons()]
    assert all(re.fullmatch(r"\d\d", number) for number in numbers), numbers
    assert numbers == sorted(set(numbers)), f"lesson numbers out of order or repeated: {numbers}"
    keys = [notebook.key for notebook in catalog.notebooks()]
    assert keys == sorted(set(keys)), keys
    for lesson in catalog.lessons():
        assert all(re.fullmatch(r"[a-z]", part) for part in lesson.parts), lesson


def test_every_exercise_module_the_catalog_names_belongs_to_its_notebook():
    found = 0
    for notebook in catalog.notebooks():
        if importlib.util.find_spec(notebook.exercise_module) is None:
            continue
        found += 1
        module = importlib.import_module(notebook.exercise_module)
        assert module.LESSON.number == notebook.key, (
            f"{notebook.exercise_module} says it is lesson {module.LESSON.number!r}, "
            f"but the catalog gives it to {notebook.filename}"
        )
    assert found, "no exercise module found"


def test_no_exercise_module_is_missing_from_the_catalog():
    import pkgutil

    from course_helpers import exercises

    named = {notebook.exercise_module for notebook in catalog.notebooks()}
    modules = {
        f"{exercises.__name__}.{info.name}"
        for info in pkgutil.iter_modules(exercises.__path__)
        if re.fullmatch(r"lesson\d\d[a-z]?", info.name)
    }
    assert modules <= named, f"exercise modules no catalog notebook names: {sorted(modules - named)}"


def test_a_split_lesson_has_one_notebook_and_one_exercise_module_per_part():
    lesson = catalog.Lesson("07", "ending_a_session", "Ending a session", catalog.PART_2, parts=("a", "b"))
    assert [nb.filename for nb in lesson.notebooks] == [
        "07a_ending_a_session.ipynb",
        "07b_ending_a_session.ipynb",
    ]
    assert [nb.exercise_module for nb in lesson.notebooks] == [
        "course_helpers.exercises.lesson07a",
        "course_helpers.exercises.lesson07b",
    ]
    assert [nb.title for nb in lesson.notebooks] == ["Ending a session (part a)", "Ending a session (part b)"]


def test_lookups_explain_what_they_cannot_find():
    first = catalog.notebooks()[0]
    assert catalog.notebook_for(first.path) == first
    assert catalog.notebook_by_key(first.key) == first
    with pytest.raises(LookupError, match="not a lesson notebook of the catalog"):
        catalog.notebook_for("notebooks/99_nothing.ipynb")
    with pytest.raises(LookupError, match="'99'"):
        catalog.notebook_by_key("99")


# -- the README and lesson 00's map --------------------------------------------------------------


def test_the_readme_lists_the_catalog_lessons_in_order_with_links():
    rows = _table_rows((ROOT / "README.md").read_text(encoding="utf-8"), "## The lessons")
    # One row per notebook (a split lesson has a row per part), each a link to its notebook.
    expected = _expected(lambda nb: f"notebooks/{nb.filename}")
    assert _entries(rows) == expected


def test_lesson_00s_map_lists_the_catalog_lessons_in_order_then_those_still_to_come():
    notebook = nbformat.read(catalog.notebooks()[0].path, as_version=4)
    cell = next(
        c for c in notebook.cells if c.cell_type == "markdown" and "## The map of the course" in c.source
    )
    entries = _entries(_table_rows(cell.source, "## The map of the course"), note="(this notebook)")

    # The map names lessons (a split lesson once, or once per part), linked or not; planned ones follow.
    def no_link(entry):
        return entry if entry[0] == "part" else (*entry[:2], "")

    shown = [no_link(entry) for entry in entries]
    per_lesson = [no_link(e) for e in _expected(lambda nb: "", by_lesson=True)]
    per_notebook = [no_link(e) for e in _expected(lambda nb: "")]
    here = next((e for e in (per_notebook, per_lesson) if shown[: len(e)] == e), None)
    assert here is not None, f"lesson 00's map differs from the catalog:\n{shown}\nvs\n{per_lesson}"
    for entry in entries[: len(here)]:
        if entry[0] != "part" and entry[2]:
            assert entry[2] == catalog.notebook_by_key(entry[0]).filename, f"the map links {entry} wrongly"
    to_come = [e for e in shown[len(here) :] if e[0] != "part"]
    numbers = [int(e[0]) for e in to_come]
    last = int(catalog.lessons()[-1].number)
    assert numbers == list(range(last + 1, last + 1 + len(numbers))), (
        f"the lessons still to come on the map should follow lesson {last:02d} in order: {to_come}"
    )
