"""Lesson 14's URLs. Included at the site root, so every route spells out its full prefix.

The learner's four views are not here: the checks plug them into the site
under ``/exercise/slot-N/`` (``login/``, ``account/``, ``logout/``,
``logout-everywhere/``) while they drive them. This app brings the form they
render (``capstone/login.html``) and the specification page.
"""

from django.urls import path

from demo_site.capstone import views

app_name = "capstone"
urlpatterns = [
    path("capstone/", views.specification, name="specification"),
]
