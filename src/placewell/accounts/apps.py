from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Organisations, services, teams, staff and roles, the permission policy and the audit log."""

    name = "placewell.accounts"
    label = "accounts"
