from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    """Referral, eligibility, information and agreement, the participant record and its lifecycle."""

    name = "placewell.participants"
    label = "participants"

    def ready(self) -> None:
        from placewell.participants import panels
        from placewell.ui import namesearch
        from placewell.ui.extensions import HomePanel, register_home_panel

        register_home_panel(
            HomePanel(
                key="referrals", template="participants/_home_panel.html", context=panels.home, order=10
            )
        )
        # Name search needs its functions (SQLite) or its threshold (PostgreSQL) on every connection.
        namesearch.connect()
