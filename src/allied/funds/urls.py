from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("console/funds/", views.console_requests, name="console_requests"),
    path("portal/funds/", views.portal_requests, name="portal_requests"),
]
