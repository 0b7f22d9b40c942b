"""A password hasher tuned for a teaching site.

Django's PBKDF2 hasher runs a million iterations (Django 5.2), which is right
for production and makes each login cost about half a second on a small
machine. Lessons log in dozens of times, so the demo site uses the same
algorithm with fewer iterations. Never copy this into a real project.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class CoursePBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with 10,000 iterations (for the demo site only)."""

    algorithm = "course_pbkdf2_sha256"
    iterations = 10_000
