from django.urls import path

from . import views

app_name = "program"
urlpatterns = [
    path("console/program/", views.settings_page, name="settings"),
    path("console/program/tiers/", views.tiers, name="tiers"),
]
