from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "placewell.appointments"
    label = "appointments"
    verbose_name = "Appointments"

    def ready(self) -> None:
        from placewell.appointments import alerts, demo, panels
        from placewell.appointments.services import erase_participant_appointments
        from placewell.ui.extensions import (
            ParticipantPanel,
            register_demo_step,
            register_erasure_step,
            register_participant_panel,
        )

        register_participant_panel(
            ParticipantPanel(
                key="appointments",
                template="appointments/_participant_panel.html",
                context=panels.participant,
                order=15,
            )
        )
        alerts.register()
        register_erasure_step("appointments", erase_participant_appointments)
        # After the contact history (casework, 60): the attended meetings add their contacts on top of it.
        register_demo_step("appointments", demo.load_appointments, order=65)
