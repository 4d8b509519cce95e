from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "placewell.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from placewell.casework import demo, panels
        from placewell.casework.services import erase_participant_casework
        from placewell.ui.extensions import (
            HomePanel,
            ParticipantPanel,
            register_demo_step,
            register_erasure_step,
            register_home_panel,
            register_participant_panel,
        )

        register_participant_panel(
            ParticipantPanel(
                key="casework",
                template="casework/_participant_panel.html",
                context=panels.participant,
                order=20,
            )
        )
        register_home_panel(
            HomePanel(
                key="casework_alerts", template="casework/_home_panel.html", context=panels.home, order=20
            )
        )
        register_demo_step("casework", demo.load_contact_history, order=60)
        register_erasure_step("casework", erase_participant_casework)
