from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "allied.onboarding"
    label = "onboarding"

    def ready(self) -> None:
        from . import facts

        facts.register()
