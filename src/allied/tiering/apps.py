from django.apps import AppConfig


class TieringConfig(AppConfig):
    name = "allied.tiering"
    label = "tiering"
