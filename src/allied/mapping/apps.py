from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "allied.mapping"
    label = "mapping"
    verbose_name = "Co-selling: account mapping"
