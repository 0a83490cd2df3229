from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "allied.library"
    label = "library"
    verbose_name = "Enablement: content library"

    def ready(self) -> None:
        from . import facts

        facts.register()
