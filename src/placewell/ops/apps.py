from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "placewell.ops"
    label = "ops"
    verbose_name = "Operations"
