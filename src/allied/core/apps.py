from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "allied.core"
    label = "core"
