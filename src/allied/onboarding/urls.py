from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("console/onboarding/", views.console, name="console"),
    path("console/onboarding/journeys/", views.journeys, name="journeys"),
    path("console/onboarding/tasks/<str:public_id>/complete/", views.console_task_complete, name="console_complete"),
    path("portal/onboarding/", views.portal, name="portal"),
    path("portal/onboarding/tasks/<str:public_id>/complete/", views.portal_task_complete, name="portal_complete"),
    path("portal/agreement/", views.agreement, name="agreement"),
]
