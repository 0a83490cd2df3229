from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "allied.payouts"
    label = "payouts"
    verbose_name = "Statements and payouts"
