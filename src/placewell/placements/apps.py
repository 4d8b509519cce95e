from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placewell.placements"
    label = "placements"
    verbose_name = "Job starts and outcomes"

    def ready(self) -> None:
        from placewell.placements import demo, panels
        from placewell.placements.services import erase_participant_jobs
        from placewell.ui.extensions import (
            ParticipantPanel,
            register_demo_step,
            register_erasure_step,
            register_participant_panel,
        )

        register_participant_panel(
            ParticipantPanel(
                key="placements", template="placements/_panel.html", context=panels.participant, order=30
            )
        )
        register_demo_step("placements", demo.load_job_starts, order=80)
        register_erasure_step("placements", erase_participant_jobs)
