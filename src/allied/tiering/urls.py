from django.urls import path

from . import views

app_name = "tiering"
urlpatterns = [
    path("console/tiers/proposals/", views.proposals, name="proposals"),
    path("console/tiers/evaluate/", views.evaluate, name="evaluate"),
    path("console/tiers/proposals/<str:public_id>/decide/", views.decide, name="decide"),
    path("portal/tier/", views.portal, name="portal"),
]
