from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """Messages to participants by the channel they chose (text, email, letter), sent by tasks on the queue:
    appointment confirmations and reminders, survey invitations and the end of support letter."""

    name = "placewell.messaging"
    label = "messaging"
    verbose_name = "Messages to participants"

    def ready(self) -> None:
        from placewell.messaging import hooks

        hooks.connect()
