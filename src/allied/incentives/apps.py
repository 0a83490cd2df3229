from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "allied.incentives"
    label = "incentives"
    verbose_name = "Incentives"

    def ready(self) -> None:
        from . import handlers

        handlers.register()
