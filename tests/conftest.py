"""Shared test set-up: Django is configured for the demo site before any test module is collected."""

from course_helpers.server import setup_django

setup_django()
