from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Data out and data kept: the research extract, the anonymised archive, retention and backups."""

    name = "placewell.governance"
    label = "governance"
    verbose_name = "Information governance"
