from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "placewell.jobs"
    label = "jobs"
    verbose_name = "Background jobs and schedules"
