"""Job forms, rendered with the GOV.UK form renderer; the rules live in ``placements.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from placewell.casework import soc
from placewell.employers.models import Employer
from placewell.placements.models import ContractType, EndReason
from placewell.placements.services import MAX_HOURLY, MAX_HOURS
from placewell.ui.forms import GovukDateField, GovukForm


class JobStartForm(GovukForm):
    employer: forms.ModelChoiceField[Employer] = forms.ModelChoiceField(
        label="Employer", queryset=None, required=False, empty_label="Not on the list"
    )
    employer_name = forms.CharField(
        label="Employer's name, if not on the list", max_length=200, required=False
    )
    job_title = forms.CharField(label="Job title", max_length=200, required=False)
    soc = forms.ChoiceField(
        label="Kind of job (SOC 2020 group)",
        choices=lambda: [
            ("", "Select the kind of job"),
            *((g.code, f"{g.title} ({g.code})") for g in soc.groups()),
        ],
    )
    started_on = GovukDateField(label="Start date")
    hours = forms.DecimalField(
        label="Contracted hours a week",
        max_digits=6,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    hourly_pay = forms.DecimalField(
        label="Hourly pay in pounds",
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    contract_type = forms.ChoiceField(
        label="Contract type", choices=ContractType.choices, widget=forms.RadioSelect
    )
    open_to_anyone = forms.BooleanField(
        label="Open to anyone",
        required=False,
        initial=True,
        help_text="Untick if the job is set aside for disabled people",
    )
    through_service = forms.BooleanField(label="Found with the service's help", required=False, initial=True)

    def __init__(self, *args: Any, employers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """Every answer checked here, so the page shows every mistake at once; ``record_job_start`` checks
        the same rules again (one at a time) for callers without a form, and the rules that need the record
        (the referral date, a closed record)."""
        data = super().clean() or {}
        if not str(data.get("job_title") or "").strip() and "job_title" not in self.errors:
            self.add_error("job_title", "Enter the job title")
        self_employed = data.get("contract_type") == ContractType.SELF_EMPLOYED
        named = data.get("employer") or str(data.get("employer_name") or "").strip()
        if not named and not self_employed and "employer_name" not in self.errors:
            self.add_error("employer_name", "Select the employer or enter its name")
        hours, pay = data.get("hours"), data.get("hourly_pay")
        if hours is not None and hours <= 0:
            self.add_error("hours", "Hours a week must be more than 0")
        elif hours is not None and hours > MAX_HOURS:
            self.add_error("hours", "Hours a week must be 100 or fewer")
        if pay is not None and pay <= 0:
            self.add_error("hourly_pay", "Hourly pay must be more than £0")
        elif pay is not None and pay > MAX_HOURLY:
            self.add_error("hourly_pay", "Hourly pay must be £500 or less: enter the pay for one hour")
        started = data.get("started_on")
        if started is not None and started > timezone.localdate():
            self.add_error(
                "started_on", "The start date must be today or in the past: record the job once they start"
            )
        return data


class JobEndForm(GovukForm):
    ended_on = GovukDateField(label="Last day of work")
    reason = forms.ChoiceField(label="Why the job ended", choices=EndReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)


class PlanForm(GovukForm):
    for_person = forms.CharField(label="Support for the person", widget=forms.Textarea)
    for_employer = forms.CharField(
        label="Support for the employer (optional)", required=False, widget=forms.Textarea
    )
    review_on = GovukDateField(label="Next review (optional)", required=False)
