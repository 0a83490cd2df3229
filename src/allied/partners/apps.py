from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "allied.partners"
    label = "partners"

    def ready(self) -> None:
        from . import facts

        facts.register()
