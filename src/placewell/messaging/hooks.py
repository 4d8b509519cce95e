"""Where messaging joins the rest of Placewell: appointment changes, erasure, the participant page."""

from __future__ import annotations

from typing import Any


def connect() -> None:
    from placewell.appointments.signals import appointment_changed
    from placewell.messaging import panels, services
    from placewell.ui.extensions import ParticipantPanel, register_erasure_step, register_participant_panel

    appointment_changed.connect(on_appointment_changed, dispatch_uid="messaging.appointment_changed")
    register_erasure_step("messaging", services.erase_participant_messages)
    register_participant_panel(
        ParticipantPanel("messages", "messaging/panel.html", panels.participant_messages, order=60)
    )


def on_appointment_changed(sender: Any, appointment: Any, change: str, **kwargs: Any) -> None:
    """Confirm a booking, a change or a cancellation to the person (reminders follow from the sweep)."""
    from placewell.messaging import services, texts

    stamp = f"{appointment.starts_at:%Y%m%d%H%M}"
    services.queue_message(
        participant=appointment.participant,
        key=f"appointment_{change}",
        extra=texts.appointment_context(appointment),
        appointment=appointment,
        dedupe_key=f"appt-{change}:{appointment.pk}:{stamp}",
    )
