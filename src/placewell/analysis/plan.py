"""The analysis plan as data: its default, its canonical hash, its validation and the engine's config.

A plan is a JSON document in the shape of the engine's evaluation plan (``hlt_evaluation.toml``, parsed
by ``placewell.engine.evaluation.config.parse_config``), with three additions: each outcome says whether it
is primary or secondary and carries its definition; ``economics.parameters`` holds overrides in the shape
of the engine's ``parameters.toml`` (for example each group's cost per recruit to the treatment group);
and ``economics.cost_per_staff_hour`` turns recorded staff time into a cost (``cost_12m``).

The hash is SHA-256 of the canonical JSON (keys sorted, no spaces, UTF-8), so the same plan always has the
same hash whoever saved it and however its keys were ordered.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import tempfile
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from placewell.engine.evaluation.config import ROLES, EvaluationConfig, load_config, parse_config
from placewell.engine.evaluation.economics import parse_parameters
from placewell.engine.evaluation.errors import ConfigError
from placewell.errors import ActionError
from placewell.governance.dictionary import BOOLEAN, INTEGER, NUMBER, Column
from placewell.trials.models import Trial

SE_CHOICES = ("HC2", "HC1", "HC3", "HC0", "cluster")
NUMERIC = (INTEGER, NUMBER, BOOLEAN)

HLT_OUTCOMES: tuple[dict[str, Any], ...] = (
    {"column": "employed_13wk", "label": "Employment", "report": "natural", "role": "employment", "primary": True},
    {"column": "earnings_12m", "label": "Earnings", "report": "natural", "role": "earnings", "primary": True},
    {"column": "eq5d_12m", "label": "Health", "report": "sd", "role": "health", "primary": True, "survey": True},
    {"column": "swemwbs_12m", "label": "Wellbeing", "report": "sd", "role": "", "primary": True, "survey": True},
    {"column": "job_started_12m", "label": "Started a job", "report": "natural", "role": "", "primary": False},
)  # fmt: skip
"""The Health-led Trials' primary outcomes (DWP research report 1025, Table 2.1) and one secondary from the service's records."""

ADMIN_OUTCOMES: tuple[dict[str, Any], ...] = (
    {"column": "admin_employed_13wk", "label": "Employment (administrative)", "report": "natural", "role": "",
     "primary": False},
    {"column": "admin_earnings_12m", "label": "Earnings (administrative)", "report": "natural", "role": "",
     "primary": False},
    {"column": "admin_benefit_months_12m", "label": "Months on out-of-work benefits", "report": "natural",
     "role": "", "primary": False},
)  # fmt: skip
"""Secondary outcomes from linked administrative data (DWP research report 1025, Table 6.3: employment, earnings and
out-of-work benefits by month)."""


class PlanError(ActionError):
    """A plan that cannot be saved or run; ``problems`` are (field, message) pairs saying what to fix."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(message for _, message in self.problems))


def canonical_json(content: Mapping[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 of the plan's canonical JSON, as 64 hexadecimal characters."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def cost_key(name: str) -> str:
    return slugify(name).replace("-", "_") or "group"


def default_plan(trial: Trial) -> dict[str, Any]:
    """A starting plan from the trial's groups and the Health-led Trials plan (``hlt_evaluation.toml``).

    One group per stratum that has randomised anyone (every stratum before anyone is randomised), each
    site's strata pooled when a site has several, and all of them pooled; the HLT outcomes, covariates,
    non-response model, subgroups and complier definition; costs left for the plan's author to give.
    """
    from placewell.analysis.linkage import latest_import
    from placewell.trials.models import Allocation

    hlt = load_config()
    used = set(Allocation.objects.filter(trial=trial).values_list("stratum_id", flat=True))
    strata = [s for s in trial.strata.order_by("label") if not used or s.pk in used]
    groups: list[dict[str, Any]] = [
        {"name": s.label, "members": [s.label], "cost_key": cost_key(s.label)} for s in strata
    ]
    sites = dict(trial.sites.values_list("code", "name"))
    by_site: dict[str, list[str]] = {}
    for s in strata:
        by_site.setdefault(str((s.values or {}).get("site", "")), []).append(s.label)
    if len(by_site) > 1:
        for code, labels in by_site.items():
            if len(labels) > 1:
                name = f"All {sites.get(code, code)}"
                groups.append({"name": name, "members": labels, "cost_key": cost_key(name)})
    if len(strata) > 1:
        groups.append({"name": "All groups", "members": [s.label for s in strata], "cost_key": "all_groups"})
    outcomes = [dict(o) for o in HLT_OUTCOMES]
    if latest_import(trial) is not None:
        outcomes += [dict(o) for o in ADMIN_OUTCOMES]
    stratum_columns = ["trial_group"]
    if trial.ratio_changes.exists():
        stratum_columns.append("allocation_period")
    return {
        "treatment": "treatment",
        "group_column": "trial_group",
        "strata": stratum_columns,
        "covariates": list(hlt.covariates),
        "se": hlt.se,
        "cluster": None,
        "groups": groups,
        "outcomes": outcomes,
        "nonresponse": {
            "response": hlt.response,
            "covariates": list(hlt.response_covariates),
            "trim_ratio": hlt.trim_ratio,
        },
        "subgroups": {"variables": list(hlt.subgroups), "outcomes": list(hlt.subgroup_outcomes)},
        "cace": {"receipt": hlt.receipt},
        "economics": {
            "draws": hlt.draws,
            "seed": hlt.seed,
            "include_wellbeing": hlt.include_wellbeing,
            "cost_per_staff_hour": None,
            "parameters": {},
        },
    }


@dataclass(frozen=True)
class Names:
    """What a plan may name: the dataset's columns (from its dictionary) and the trial's groups."""

    columns: dict[str, Column]
    groups: list[str]

    @property
    def numeric(self) -> list[str]:
        return [name for name, c in self.columns.items() if c.type in NUMERIC]


def names_for(trial: Trial) -> Names:
    from placewell.analysis.dataset import dataset_columns

    return Names(
        {c.name: c for c in dataset_columns(trial)},
        list(trial.strata.order_by("label").values_list("label", flat=True)),
    )


def _listed(values: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(values[:limit])
    return shown + (
        f" and {len(values) - limit} more (see the data dictionary)" if len(values) > limit else ""
    )


def _list(content: Mapping[str, Any], *path: str) -> list[str]:
    node: Any = content
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return [str(v) for v in node] if isinstance(node, list) else []


def validate(content: Mapping[str, Any], names: Names) -> list[tuple[str, str]]:
    """Every problem with the plan as (form field, message saying what to fix); empty when it is sound."""
    problems: list[tuple[str, str]] = []
    columns = names.columns

    def column(field: str, what: str, name: str, numeric: bool = False) -> None:
        allowed = names.numeric if numeric else list(columns)
        if name not in columns or (numeric and name not in names.numeric):
            problems.append(
                (field, f"{what} {name!r} is not a {'numeric ' if numeric else ''}column of the analysis "
                        f"dataset: use one of {_listed(allowed)}")
            )  # fmt: skip

    groups = content.get("groups") or []
    if not groups:
        problems.append(("groups", "Give at least one group, such as one of the trial's groups"))
    seen: set[str] = set()
    for g in groups:
        name = str(g.get("name", "")).strip()
        if not name:
            problems.append(("groups", "Every group needs a name"))
        elif name in seen:
            problems.append(("groups", f"Group {name!r} appears twice: give each group its own name"))
        seen.add(name)
        members = g.get("members") or []
        if not members:
            problems.append(
                ("groups", f"Group {name!r} covers none of the trial's groups: name at least one")
            )
        for m in members:
            if m not in names.groups:
                problems.append(
                    ("groups", f"Group {name!r} names {m!r}, which is not one of this trial's groups: use "
                               f"{_listed(names.groups)}")
                )  # fmt: skip
    outcomes = content.get("outcomes") or []
    if not outcomes:
        problems.append(("outcomes", "Give at least one outcome, such as employed_13wk"))
    outcome_columns = []
    for o in outcomes:
        name = str(o.get("column", ""))
        outcome_columns.append(name)
        column("outcomes", "Outcome", name, numeric=True)
        if o.get("report") not in ("natural", "sd"):
            problems.append(("outcomes", f"Outcome {name!r}: report it as natural or sd"))
        if o.get("role", "") not in ROLES:
            problems.append(
                ("outcomes", f"Outcome {name!r}: the economic role must be one of {', '.join(r for r in ROLES if r)} "
                             "or none")
            )  # fmt: skip
    if len(set(outcome_columns)) != len(outcome_columns):
        problems.append(("outcomes", "An outcome appears twice: list each column once"))
    for name in _list(content, "covariates"):
        column("covariates", "Covariate", name)
        if name in outcome_columns or name in ("treatment", "arm"):
            problems.append(("covariates", f"Covariate {name!r} is an outcome or the allocation: remove it"))
    for name in _list(content, "strata"):
        column("strata", "Stratum column", name)
    se = content.get("se", "HC2")
    if se not in SE_CHOICES:
        problems.append(("se", f"Standard errors must be one of {', '.join(SE_CHOICES)}"))
    cluster = content.get("cluster")
    if se == "cluster" and not cluster:
        problems.append(("cluster", "Cluster-robust standard errors need a cluster column"))
    if cluster:
        column("cluster", "Cluster column", str(cluster))
    nonresponse = content.get("nonresponse") or {}
    if nonresponse.get("response"):
        column("response", "Response column", str(nonresponse["response"]), numeric=True)
    for name in _list(content, "nonresponse", "covariates"):
        column("response_covariates", "Non-response covariate", name)
    trim = nonresponse.get("trim_ratio", 5.0)
    if not isinstance(trim, int | float) or not trim > 1:
        problems.append(("trim_ratio", "Trim weights at a ratio above 1, such as 5"))
    for name in _list(content, "subgroups", "variables"):
        column("subgroup_variables", "Subgroup variable", name)
    for name in _list(content, "subgroups", "outcomes"):
        if name not in outcome_columns:
            problems.append(
                ("subgroup_outcomes", f"Subgroup outcome {name!r} is not one of the plan's outcomes: use "
                                      f"{_listed(outcome_columns)}")
            )  # fmt: skip
    receipt = (content.get("cace") or {}).get("receipt")
    if receipt:
        column("receipt", "Receipt (complier) column", str(receipt), numeric=True)
    economics = content.get("economics") or {}
    draws = economics.get("draws", 10_000)
    if not isinstance(draws, int) or not 100 <= draws <= 100_000:
        problems.append(("draws", "Monte Carlo draws must be a whole number from 100 to 100,000"))
    rate = economics.get("cost_per_staff_hour")
    if rate is not None and (not isinstance(rate, int | float) or not math.isfinite(rate) or rate <= 0):
        problems.append(("cost_per_staff_hour", "The cost per staff hour must be an amount above £0"))
    try:
        parse_parameters(economics.get("parameters") or {})
    except ConfigError as exc:
        problems.append(("parameters", f"Economic parameters: {exc}"))
    if not problems:
        try:
            parse_config(engine_document(content))
        except ConfigError as exc:
            problems.append(("groups", f"The plan cannot be read: {exc}"))
    return problems


def check(content: Mapping[str, Any], trial: Trial) -> None:
    problems = validate(content, names_for(trial))
    if problems:
        raise PlanError(problems)


def engine_document(content: Mapping[str, Any]) -> dict[str, Any]:
    """The plan as the engine's parsed TOML document (economic parameters passed separately as a file)."""
    doc = copy.deepcopy(dict(content))
    economics = dict(doc.get("economics") or {})
    economics.pop("parameters", None)
    economics.pop("cost_per_staff_hour", None)
    doc["economics"] = economics
    if not doc.get("cluster"):
        doc.pop("cluster", None)
    if not (doc.get("cace") or {}).get("receipt"):
        doc.pop("cace", None)
    if not (doc.get("nonresponse") or {}).get("response"):
        doc.pop("nonresponse", None)
    return doc


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def to_toml(parameters: Mapping[str, Any], prefix: str = "") -> str:
    """Parameters in the shape of ``parameters.toml`` (nested tables give dotted names)."""
    lines: list[str] = []
    for name, entry in parameters.items():
        dotted = f"{prefix}.{name}" if prefix else name
        if "value" in entry:
            lines.append(f"[{dotted}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in entry.items() if v is not None]
            lines.append("")
        else:
            lines.append(to_toml(entry, dotted))
    return "\n".join(lines)


@contextmanager
def engine_config(
    content: Mapping[str, Any], extra: Mapping[str, Any] | None = None
) -> Iterator[EvaluationConfig]:
    """The engine's configuration, with the plan's (and ``extra``) economic parameters in a temporary file."""
    config = parse_config(engine_document(content))
    parameters = {**((content.get("economics") or {}).get("parameters") or {})}
    for name, entry in (extra or {}).items():
        head, _, tail = name.partition(".")
        if tail:
            parameters.setdefault(head, {})
            parameters[head] = {**parameters[head], tail: entry}
        else:
            parameters[name] = entry
    with tempfile.TemporaryDirectory(prefix="placewell-plan-") as folder:
        path = Path(folder) / "parameters.toml"
        text = to_toml(parameters)
        tomllib.loads(text)  # fail here, clearly, if the file would not read back
        path.write_text(text, encoding="utf-8")
        yield replace(config, parameters=str(path))


def outcome_definitions(content: Mapping[str, Any], names: Names) -> dict[str, str]:
    """Each outcome's definition: the plan's own, else the data dictionary's derivation."""
    out = {}
    for o in content.get("outcomes") or []:
        column = names.columns.get(o.get("column", ""))
        out[o.get("column", "")] = o.get("definition") or (column.derivation if column else "")
    return out


def is_survey_column(column: Column | None) -> bool:
    """Outcomes from the surveys need non-response weights (``survey = true`` in the engine's plan)."""
    return column is not None and column.source.startswith("surveys")


def primary_columns(content: Mapping[str, Any]) -> list[str]:
    return [o["column"] for o in content.get("outcomes") or [] if o.get("primary", True)]
