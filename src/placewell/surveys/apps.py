from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """Questionnaires, survey waves, self-completion links, contact attempts, responses and scores."""

    name = "placewell.surveys"
    label = "surveys"

    def ready(self) -> None:
        from placewell.surveys import demo, panel, signals  # noqa: F401 - connects the receivers
        from placewell.ui.extensions import ParticipantPanel, register_demo_step, register_participant_panel

        register_participant_panel(
            ParticipantPanel(
                key="survey_scores", template="surveys/_panel.html", context=panel.context, order=50
            )
        )
        register_demo_step("survey_responses", demo.load_responses, order=900)
