from django.urls import path

from demo_site.basics import views

app_name = "basics"
urlpatterns = [
    path("counter/", views.cookie_counter, name="cookie_counter"),
    path("session/counter/", views.session_counter, name="session_counter"),
    path("echo/", views.echo, name="echo"),
]
