from django.apps import AppConfig


class WebConfig(AppConfig):
    """Shared templates, static files, form rendering and management commands."""

    name = "placewell.web"
    label = "web"
