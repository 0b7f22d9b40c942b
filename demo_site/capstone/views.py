"""The capstone's one page of its own: the specification the learner's views are graded against (lesson 14).

The views themselves are written in the notebook and served by the exercise
checks under ``/exercise/slot-N/``; nothing here logs anyone in.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def specification(request):
    """The capstone's specification: six requirements, the timeouts, and where the checks serve your views."""
    return render(request, "capstone/specification.html")
