from django.apps import AppConfig


class UiConfig(AppConfig):
    """Shared layouts, GOV.UK template tags, form rendering and static files used by every app."""

    name = "placewell.ui"
    label = "ui"
