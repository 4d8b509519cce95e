"""Other apps hear of bookings and changes here, so messaging can confirm them and schedule reminders.

``appointment_changed`` is sent once the booking's transaction has committed (never for a booking that rolled
back), with ``appointment`` and ``change``: "booked", "rescheduled" or "cancelled".
"""

from __future__ import annotations

from django.dispatch import Signal

appointment_changed = Signal()

BOOKED = "booked"
RESCHEDULED = "rescheduled"
CANCELLED = "cancelled"
