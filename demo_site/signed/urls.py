from django.urls import path

from demo_site.signed import views

app_name = "signed"
urlpatterns = [
    path("plan/choose/", views.choose_plan, name="choose_plan"),
    path("plan/", views.show_plan, name="show_plan"),
    path("recent/", views.remember_page, name="remember_page"),
]
