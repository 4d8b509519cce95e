from django.apps import AppConfig


class InsightConfig(AppConfig):
    """MI dashboards and the MI evidence figures fidelity reviews read."""

    name = "placewell.insight"
    label = "insight"
    verbose_name = "Insight"

    def ready(self) -> None:
        from placewell.insight import demo
        from placewell.web.extensions import register_demo_step

        # After casework (60), employers (70) and placements (80); before the survey responses (900).
        register_demo_step("insight", demo.sharpen_service_difference, order=95)
