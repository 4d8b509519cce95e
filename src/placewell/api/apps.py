from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "placewell.api"
    verbose_name = "JSON API"
