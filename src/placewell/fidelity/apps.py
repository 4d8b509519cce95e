from django.apps import AppConfig


class FidelityConfig(AppConfig):
    """Fidelity reviews (IPS-25, SEQF) scored through ``engine.fidelity`` with evidence from MI."""

    name = "placewell.fidelity"
    label = "fidelity"
    verbose_name = "Fidelity reviews"

    def ready(self) -> None:
        from placewell.fidelity import demo
        from placewell.ui.extensions import register_demo_step

        # After every other demo step (the survey responses are 900): the demo services and staff exist.
        register_demo_step("fidelity", demo.load_earlier_reviews, order=950)
