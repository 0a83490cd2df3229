from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "allied.accounts"
    label = "accounts"
