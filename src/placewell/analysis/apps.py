from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "placewell.analysis"
    label = "analysis"
    verbose_name = "Trial analysis"

    def ready(self) -> None:
        from placewell.analysis import panel
        from placewell.web.extensions import HomePanel, register_home_panel

        register_home_panel(
            HomePanel(key="analysis", template="analysis/_home_panel.html", context=panel.home)
        )
