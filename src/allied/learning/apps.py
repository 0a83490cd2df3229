from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "allied.learning"
    label = "learning"
    verbose_name = "Enablement: learning and certification"
