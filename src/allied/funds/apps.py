from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "allied.funds"
    label = "funds"
    verbose_name = "Market development funds"
