from django.apps import AppConfig, apps


class TrialsConfig(AppConfig):
    name = "placewell.trials"
    label = "trials"
    verbose_name = "Randomised trials"

    def ready(self) -> None:
        from placewell.trials import demo, demo_fullsize, panel
        from placewell.ui.extensions import ParticipantPanel, register_demo_step, register_participant_panel

        register_participant_panel(
            ParticipantPanel(
                key="trial", template="trials/_participant_panel.html", context=panel.context, order=50
            )
        )
        register_demo_step("trials", demo.load_demo_trial, order=50)
        register_demo_step("trials_fullsize", demo_fullsize.demo_step, order=990)  # after every other step
        if apps.is_installed("placewell.surveys"):
            from placewell.trials import survey_link

            survey_link.register()
