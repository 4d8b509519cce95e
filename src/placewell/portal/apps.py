from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "placewell.portal"
    label = "portal"
    verbose_name = "My support"

    def ready(self) -> None:
        from placewell.portal import panels, requests
        from placewell.portal.services import erase_participant_portal, register_message_texts
        from placewell.ui.extensions import (
            HomePanel,
            ParticipantPanel,
            register_erasure_step,
            register_home_panel,
            register_participant_panel,
        )

        register_message_texts()
        requests.register()
        register_participant_panel(
            ParticipantPanel(
                key="portal",
                template="portal/_participant_panel.html",
                context=panels.participant,
                order=60,
            )
        )
        register_home_panel(
            HomePanel(
                key="portal_requests", template="portal/_home_panel.html", context=panels.home, order=21
            )
        )
        register_erasure_step("portal", erase_participant_portal)
