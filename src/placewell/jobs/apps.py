from django.apps import AppConfig
from django.db.models.signals import post_migrate


class JobsConfig(AppConfig):
    """Background jobs on django-q2's task queue (imports, analysis runs, report PDFs, extracts, exports,
    survey invitations), the jobs page for service managers, and the schedules (``schedules.py``)."""

    name = "placewell.jobs"
    label = "jobs"
    verbose_name = "Background jobs and schedules"

    def ready(self) -> None:
        post_migrate.connect(_ensure_schedules, sender=self)


def _ensure_schedules(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from placewell.jobs.schedules import ensure_schedules

    ensure_schedules()
