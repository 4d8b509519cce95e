from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "placewell.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from placewell.documents import panels, services
        from placewell.ui.extensions import (
            ParticipantPanel,
            register_erasure_step,
            register_participant_panel,
        )

        register_participant_panel(
            ParticipantPanel(
                key="documents",
                template="documents/_participant_panel.html",
                context=panels.participant,
                order=40,
            )
        )
        register_erasure_step("documents", services.erase_participant_documents)
