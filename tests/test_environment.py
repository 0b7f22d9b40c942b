"""The environment check: the versions the lessons need, read the way Django spells them."""

import pytest

from course_helpers import environment


@pytest.mark.parametrize(
    ("version", "supported"),
    [
        ("5.2", False),  # how Django 5.2.0 spells itself: 5.2.0, before the cookie-signing salts
        ("5.2.14", False),
        ("5.2.15", True),
        ("5.2.19", True),
        ("5.2.20rc1", True),
        ("5.3", False),
        ("6.0.1", False),
        ("4.2.20", False),
        ("", False),
    ],
)
def test_django_versions_from_the_5215_floor_below_53(version, supported):
    assert environment.django_supported(version) is supported


def test_a_django_without_a_third_part_is_reported_too_old(monkeypatch):
    real = environment._version
    monkeypatch.setattr(environment, "_version", lambda name: "5.2" if name == "django" else real(name))
    report = environment.check_environment()
    assert not report.ready
    django = next(part for part in report.required if part.name == "Django")
    assert (django.version, django.ok) == ("5.2", False)
    assert "5.2.15" in django.note and "pip install" in django.note
    assert "PROBLEM" in report.text()


def test_this_environment_is_ready():
    report = environment.check_environment()
    assert report.ready, report.text()
    assert all(part.note == "" for part in report.required), "a supported part needs no note"
