from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    """Referral, eligibility, information and agreement, the participant record and its lifecycle."""

    name = "placewell.participants"
    label = "participants"
