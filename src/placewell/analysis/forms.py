"""Forms of the analysis pages: the plan (one GOV.UK form, a field for each part), statistician, linkage.

The plan form writes and reads the plan document (``plan.py``): lists of column names are typed one a line
or separated by commas; groups and outcomes one a line with their parts separated by ``|``. The plan's own
validation then names what is wrong beside the field at fault.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from django import forms

from placewell.accounts.models import User
from placewell.analysis.plan import SE_CHOICES
from placewell.engine.evaluation.config import ROLES
from placewell.ui.forms import GovukForm

TEXTAREA = {"class": "govuk-textarea", "rows": 6, "spellcheck": "false"}
INPUT = {"class": "govuk-input", "spellcheck": "false"}
ROLE_NONE = "none"


def _names(text: str) -> list[str]:
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


class PlanForm(GovukForm):
    groups = forms.CharField(
        label="Trial groups and pooled groups",
        help_text=(
            "One group a line: its name, then | and the trial's groups it covers separated by semicolons, then | "
            "and a cost key. For example: All North | North site · In work; North site · Out of work | all_north"
        ),
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    outcomes = forms.CharField(
        label="Outcomes",
        help_text=(
            "One outcome a line: column | label | natural or sd | economic role (employment, earnings, health, "
            "life_satisfaction or none) | primary or secondary. For example: employed_13wk | Employment | natural "
            "| employment | primary"
        ),
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    covariates = forms.CharField(
        label="Baseline covariates",
        help_text="Column names, separated by commas",
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )
    strata = forms.CharField(
        label="Strata (fixed effects)",
        help_text="Column names separated by commas; add allocation_period if the ratio changed over time",
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    se = forms.ChoiceField(
        label="Standard errors",
        choices=[(s, s if s != "cluster" else "Cluster-robust") for s in SE_CHOICES],
        widget=forms.RadioSelect,
    )
    cluster = forms.CharField(
        label="Cluster column", help_text="Only for cluster-robust standard errors", required=False,
        widget=forms.TextInput(attrs=INPUT),
    )  # fmt: skip
    response = forms.CharField(
        label="Survey response column (non-response weights)",
        help_text="Leave empty for no non-response weights",
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    response_covariates = forms.CharField(
        label="Non-response model covariates",
        help_text="Column names, separated by commas",
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )
    trim_ratio = forms.FloatField(label="Trim weights above this many times their mean", min_value=1.01)
    subgroup_variables = forms.CharField(
        label="Subgroup variables", help_text="Column names, separated by commas", required=False,
        widget=forms.TextInput(attrs=INPUT),
    )  # fmt: skip
    subgroup_outcomes = forms.CharField(
        label="Outcomes analysed by subgroup", help_text="Outcome columns, separated by commas", required=False,
        widget=forms.TextInput(attrs=INPUT),
    )  # fmt: skip
    receipt = forms.CharField(
        label="Receipt of the service (complier effects)",
        help_text="A column counted as received when 1 or more, such as meetings; leave empty for none",
        required=False,
        widget=forms.TextInput(attrs=INPUT),
    )
    costs = forms.CharField(
        label="Cost per recruit to the treatment group (pounds)",
        help_text="One a line: cost key = amount | source. For example: all_north = 2416 | Provider accounts 2026-27",
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}),
    )
    cost_per_staff_hour = forms.DecimalField(
        label="Cost per staff hour (pounds)",
        help_text="Turns recorded staff time into cost_12m, and gives a group without a cost above its cost",
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        widget=forms.TextInput(attrs={**INPUT, "inputmode": "decimal"}),
    )
    draws = forms.IntegerField(label="Monte Carlo draws", min_value=100, max_value=100_000)
    seed = forms.IntegerField(label="Random seed for the Monte Carlo draws", min_value=0)
    include_wellbeing = forms.BooleanField(
        label="Value wellbeing (WELLBYs) in the economic return", required=False
    )

    def clean_groups(self) -> list[dict[str, Any]]:
        groups = []
        for number, line in enumerate(self.cleaned_data["groups"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2 or not parts[0]:
                raise forms.ValidationError(
                    f"Line {number}: write the group's name, then | and the trial's groups it covers"
                )
            members = [m.strip() for m in parts[1].split(";") if m.strip()]
            key = parts[2] if len(parts) > 2 and parts[2] else ""
            groups.append({"name": parts[0], "members": members, "cost_key": key})
        return groups

    def clean_outcomes(self) -> list[dict[str, Any]]:
        outcomes = []
        for number, line in enumerate(self.cleaned_data["outcomes"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            parts += [""] * (5 - len(parts))
            column, label, report, role, kind = parts[:5]
            role = "" if role in ("", ROLE_NONE) else role
            if not column:
                raise forms.ValidationError(f"Line {number}: start with the outcome's column name")
            if kind not in ("", "primary", "secondary"):
                raise forms.ValidationError(f"Line {number}: the last part must be primary or secondary")
            if role not in ROLES:
                raise forms.ValidationError(
                    f"Line {number}: the economic role must be employment, earnings, health, life_satisfaction or none"
                )
            outcomes.append(
                {
                    "column": column,
                    "label": label or column,
                    "report": report or "natural",
                    "role": role,
                    "primary": kind != "secondary",
                }
            )
        return outcomes

    def clean_costs(self) -> dict[str, dict[str, Any]]:
        costs: dict[str, dict[str, Any]] = {}
        for number, line in enumerate(self.cleaned_data["costs"].splitlines(), start=1):
            if not line.strip():
                continue
            head, _, source = line.partition("|")
            key, _, amount = head.partition("=")
            try:
                value = float(amount.strip().replace(",", "").lstrip("£"))
            except ValueError:
                value = math.nan
            if not key.strip() or not math.isfinite(value) or value <= 0:
                raise forms.ValidationError(f"Line {number}: write the cost key, = and an amount above £0")
            costs[key.strip()] = {
                "value": value,
                "unit": "GBP per recruit to the treatment group",
                "price_year": "as given",
                "source": source.strip() or "Given in the analysis plan",
                "confirmed": bool(source.strip()),
            }
        return costs

    def content(self, base: Mapping[str, Any], survey_columns: Collection[str] = ()) -> dict[str, Any]:
        """The plan document from the form, keeping what the form does not show from ``base``; outcomes in
        ``survey_columns`` are weighted for survey non-response."""
        d = self.cleaned_data
        content = dict(base)
        content["groups"] = d["groups"]
        definitions = {o.get("column"): o.get("definition") for o in base.get("outcomes") or []}
        content["outcomes"] = [
            {
                **o,
                "survey": o["column"] in survey_columns,
                **({"definition": definitions[o["column"]]} if definitions.get(o["column"]) else {}),
            }
            for o in d["outcomes"]
        ]
        content["covariates"] = _names(d["covariates"])
        content["strata"] = _names(d["strata"])
        content["se"] = d["se"]
        content["cluster"] = d["cluster"].strip() or None
        content["nonresponse"] = {
            "response": d["response"].strip() or None,
            "covariates": _names(d["response_covariates"]),
            "trim_ratio": d["trim_ratio"],
        }
        content["subgroups"] = {
            "variables": _names(d["subgroup_variables"]),
            "outcomes": _names(d["subgroup_outcomes"]),
        }
        content["cace"] = {"receipt": d["receipt"].strip() or None}
        economics = dict(base.get("economics") or {})
        parameters = dict(economics.get("parameters") or {})
        if d["costs"]:
            parameters["cost_per_treated_recruit"] = d["costs"]
        else:
            parameters.pop("cost_per_treated_recruit", None)
        rate = d["cost_per_staff_hour"]
        economics.update(
            draws=d["draws"],
            seed=d["seed"],
            include_wellbeing=d["include_wellbeing"],
            cost_per_staff_hour=float(rate) if rate is not None else None,
            parameters=parameters,
        )
        content["economics"] = economics
        return content

    @staticmethod
    def initial_from(content: Mapping[str, Any]) -> dict[str, Any]:
        economics = content.get("economics") or {}
        costs = (economics.get("parameters") or {}).get("cost_per_treated_recruit") or {}
        nonresponse = content.get("nonresponse") or {}
        subgroups = content.get("subgroups") or {}
        return {
            "groups": "\n".join(
                f"{g['name']} | {'; '.join(g['members'])} | {g.get('cost_key', '')}"
                for g in content.get("groups", [])
            ),
            "outcomes": "\n".join(
                f"{o['column']} | {o.get('label', o['column'])} | {o.get('report', 'natural')} | "
                f"{o.get('role') or ROLE_NONE} | {'primary' if o.get('primary', True) else 'secondary'}"
                for o in content.get("outcomes", [])
            ),
            "covariates": ", ".join(content.get("covariates") or []),
            "strata": ", ".join(content.get("strata") or []),
            "se": content.get("se", "HC2"),
            "cluster": content.get("cluster") or "",
            "response": nonresponse.get("response") or "",
            "response_covariates": ", ".join(nonresponse.get("covariates") or []),
            "trim_ratio": nonresponse.get("trim_ratio", 5.0),
            "subgroup_variables": ", ".join(subgroups.get("variables") or []),
            "subgroup_outcomes": ", ".join(subgroups.get("outcomes") or []),
            "receipt": (content.get("cace") or {}).get("receipt") or "",
            "costs": "\n".join(
                f"{key} = {entry['value']:g} | {entry.get('source', '')}" for key, entry in costs.items()
            ),
            "cost_per_staff_hour": economics.get("cost_per_staff_hour"),
            "draws": economics.get("draws", 10_000),
            "seed": economics.get("seed", 20190101),
            "include_wellbeing": bool(economics.get("include_wellbeing", False)),
        }


class StatisticianForm(GovukForm):
    user: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Name the trial statistician",
        help_text="Staff with the evaluator role: they see pseudonymised data only",
        queryset=None,  # set in __init__
        empty_label="Choose a member of staff",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = queryset  # type: ignore[attr-defined]


class LinkageForm(GovukForm):
    file = forms.FileField(
        label="Administrative outcomes file (CSV)",
        help_text="Columns pseudo_nhs_number, month, employed, earnings, out_of_work_benefits; it replaces any earlier file",
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".csv,text/csv"}),
    )


class DatasetForm(GovukForm):
    format = forms.ChoiceField(
        label="Format",
        choices=[("csv", "CSV"), ("parquet", "Parquet")],
        initial="csv",
        widget=forms.RadioSelect,
    )
