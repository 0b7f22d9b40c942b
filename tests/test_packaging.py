"""The two install routes (pip with pyproject.toml, conda/Binder with environment.yml) stay in step."""

import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text())


def _conda_packages() -> dict[str, str]:
    found = {}
    for entry in ENVIRONMENT["dependencies"]:
        if isinstance(entry, str):
            name, _, version = entry.partition("=")
            found[name.strip()] = version.strip("=")
    return found


def _pip_section() -> list[str]:
    return next(e["pip"] for e in ENVIRONMENT["dependencies"] if isinstance(e, dict) and "pip" in e)


def test_environment_uses_conda_forge_and_pins_python():
    assert ENVIRONMENT["channels"] == ["conda-forge"]
    python = _conda_packages()["python"]
    assert re.fullmatch(r"3\.\d+", python), "pin a Python minor version (Binder defaults to 3.10 otherwise)"
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert tuple(map(int, python.split("."))) >= tuple(map(int, minimum.split("."))), (
        f"environment.yml pins Python {python}, below requires-python {minimum}"
    )
    assert "pip" in _conda_packages()


def test_environment_installs_the_project_with_what_make_installs():
    makefile = (ROOT / "Makefile").read_text()
    extras = re.search(r'pip install --quiet -e "\.\[(\w+)\]"', makefile).group(1)
    assert _pip_section() == [f"-e .[{extras}]"], "the pip section must install this project, as make does"


def test_no_dependency_is_listed_twice_with_other_versions():
    # Anything listed in environment.yml besides python and pip would have to match pyproject.toml;
    # keeping the list to those two makes pyproject.toml the single source of truth.
    assert set(_conda_packages()) == {"python", "pip"}


def test_django_is_pinned_to_the_52_lts_line_from_5215():
    # 5.2.15 brought the per-cookie signing salts the lessons take apart (signing._cookie_signer_salt).
    deps = PYPROJECT["project"]["dependencies"]
    django = next(d for d in deps if d.lower().startswith("django"))
    assert django.replace(" ", "") == "django>=5.2.15,<5.3"


def test_the_environment_check_requires_what_pyproject_requires():
    from course_helpers.environment import DJANGO_BELOW, DJANGO_MINIMUM

    deps = PYPROJECT["project"]["dependencies"]
    django = next(d for d in deps if d.lower().startswith("django")).replace(" ", "")
    floor, below = ".".join(map(str, DJANGO_MINIMUM)), ".".join(map(str, DJANGO_BELOW))
    assert django == f"django>={floor},<{below}"


def test_the_makefile_asks_for_the_python_pyproject_requires():
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert f"Python {minimum}+" in (ROOT / "Makefile").read_text()


def test_this_interpreter_meets_requires_python():
    minimum = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert sys.version_info[:2] >= tuple(map(int, minimum.split(".")))


def test_optional_parts_are_extras_not_core():
    extras = PYPROJECT["project"]["optional-dependencies"]
    core = " ".join(PYPROJECT["project"]["dependencies"]).lower()
    assert "playwright" in " ".join(extras["browser"]) and "playwright" not in core
    assert "redis" in " ".join(extras["redis"]) and "redis" not in core
