from django.urls import path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_thanks, name="apply_thanks"),
    path("console/applications/", views.pipeline, name="pipeline"),
    path("console/applications/profile/", views.ideal_profile, name="ideal_profile"),
    path("console/applications/<str:public_id>/", views.application_detail, name="detail"),
]
