"""Every URL of the demo site; the front page lists them all with their purpose."""

from django.urls import include, path

from demo_site.home import views as home

urlpatterns = [
    path("", home.index, name="index"),
    path("", include("demo_site.basics.urls")),
]
