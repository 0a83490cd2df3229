from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "allied.recruitment"
    label = "recruitment"
