"""The demo site's apps: each has a label of its own, and none takes a label Django's apps use.

A lesson's new app called ``demo_site.sessions`` would get the label
``sessions``, which is ``django.contrib.sessions``'; Django then refuses to
start with a terse "Application labels aren't unique". This test says which
app to rename (or give an explicit ``label`` in its ``AppConfig``).
"""

from collections import Counter

from django.apps import AppConfig
from django.conf import settings

#: Labels the project's own apps must never take: Django's apps use them, or a lesson will.
RESERVED_LABELS = {"sessions", "auth", "contenttypes", "messages", "admin", "staticfiles"}


def _labels() -> dict[str, str]:
    """Each INSTALLED_APPS entry and the label Django gives it (read from its AppConfig, as setup does)."""
    return {entry: AppConfig.create(entry).label for entry in settings.INSTALLED_APPS}


def test_every_installed_app_has_a_label_of_its_own():
    labels = _labels()
    twice = {label: n for label, n in Counter(labels.values()).items() if n > 1}
    assert not twice, f"app labels used more than once: {twice} ({labels})"
    assert "sessions" in labels.values(), "django.contrib.sessions is installed under its own label"


def test_no_app_of_the_project_takes_a_label_of_django():
    own = {entry: label for entry, label in _labels().items() if entry.startswith("demo_site.")}
    assert own, "the demo site's own apps are found"
    taken = {entry: label for entry, label in own.items() if label in RESERVED_LABELS}
    assert not taken, (
        f"{taken}: these labels belong to Django's apps; rename the app or set label = 'demo_...' in its AppConfig"
    )
