from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "allied.cli"
    label = "cli"
