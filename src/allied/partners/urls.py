from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("console/partners/", views.console_list, name="console_list"),
    path("console/partners/new/", views.console_create, name="console_create"),
    path("console/locator/", views.console_locator, name="console_locator"),
    path("locator/", views.public_locator, name="public_locator"),
    path("portal/profile/", views.portal_profile, name="portal_profile"),
    path("portal/sub-partners/", views.portal_subpartners, name="portal_subpartners"),
]
