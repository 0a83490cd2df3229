from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "allied.leads"
    label = "leads"
    verbose_name = "Leads"
