from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "allied.customers"
    label = "customers"
    verbose_name = "Customer accounts"
