from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Bulk import from the systems a provider used before: referrals, participants, casework contacts,
    employers and job starts, from CSV or Excel files, checked in full before anything is written."""

    name = "placewell.imports"
    label = "imports"
    verbose_name = "Bulk import"

    def ready(self) -> None:
        from placewell.imports.models import forget_participant
        from placewell.ui.extensions import register_erasure_step

        register_erasure_step("imports", forget_participant)
