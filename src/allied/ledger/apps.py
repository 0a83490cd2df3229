from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "allied.ledger"
    label = "ledger"
    verbose_name = "Ledger"
