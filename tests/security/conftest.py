"""The governance tests' small cohort (every state a record can be in), reused by the security tests."""

from tests.governance.conftest import _no_survey_baseline_step, cohort, research_key

__all__ = ["_no_survey_baseline_step", "cohort", "research_key"]
