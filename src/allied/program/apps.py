from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "allied.program"
    label = "program"
