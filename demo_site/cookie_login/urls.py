from django.urls import path  # noqa: F401

app_name = "cookie_login"
urlpatterns: list = []
