from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "allied.deals"
    label = "deals"
    verbose_name = "Deal registration"

    def ready(self) -> None:
        from . import facts

        facts.register()
