from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "placewell.analysis"
    label = "analysis"
    verbose_name = "Trial analysis"

    def ready(self) -> None:
        from placewell.analysis import demo, panel
        from placewell.analysis.erasure import erase_participant_analysis
        from placewell.ui.extensions import (
            HomePanel,
            register_demo_step,
            register_erasure_step,
            register_home_panel,
        )

        register_erasure_step("analysis", erase_participant_analysis)
        register_demo_step("analysis", demo.demo_step, order=995)  # after the full-size trial (990)

        register_home_panel(
            HomePanel(key="analysis", template="analysis/_home_panel.html", context=panel.home)
        )
