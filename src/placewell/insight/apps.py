from django.apps import AppConfig


class InsightConfig(AppConfig):
    """MI dashboards and the MI evidence figures fidelity reviews read."""

    name = "placewell.insight"
    label = "insight"
    verbose_name = "Insight"
