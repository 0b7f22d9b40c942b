"""Lesson 09's URLs. Included at the site root, so every route spells out its full prefix."""

from django.urls import path

from demo_site.session_stores import views

app_name = "session_stores"
urlpatterns = [
    path("session-stores/", views.show, name="show"),
    path("session-stores/cart/add/", views.add_to_cart, name="add_to_cart"),
    path("session-stores/note/", views.write_note, name="write_note"),
    path("session-stores/touch/", views.touch, name="touch"),
]
