from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "allied.web"
    label = "web"
