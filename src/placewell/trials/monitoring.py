"""Recruitment and balance figures for a trial, and the statistician's exports.

Balance is judged by standardised mean differences, not significance tests: with randomisation any
baseline difference is chance by construction, and what matters is its size (CONSORT 2010, item 15;
Altman, The Statistician 1985;34:125-136). The engine computes them (``engine.evaluation.balance``, Austin,
Statistics in Medicine 2009;28:3083-3107): for a mean the difference is divided by the pooled standard
deviation sqrt((s1^2 + s0^2) / 2), for a proportion by sqrt((p1(1 - p1) + p0(1 - p0)) / 2), and differences
over 0.1 are flagged.

Recruiting staff never get these pages: arm counts by stratum, with the arms of people they randomised,
narrow down what the rest of a block holds. Participants appear under a pseudonym, never by name.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast

from placewell.engine.evaluation.balance import SMD_FLAG as SMD_FLAG  # the pages state the threshold
from placewell.engine.evaluation.balance import Kind, is_flagged, smd_of_moments
from placewell.engine.evaluation.balance import moments as _summary
from placewell.engine.evaluation.balance import smd as smd  # kept for callers of the trials app's name
from placewell.governance.pseudonyms import keyed_digest
from placewell.participants.models import Participant, Status
from placewell.trials.models import Allocation, Trial
from placewell.ui import exports


def pseudonym(trial_id: int, participant_id: int) -> str:
    """A stable code per trial and person that does not reveal who they are: the project's one keyed HMAC
    (``governance.pseudonyms.keyed_digest``), keyed with SECRET_KEY."""
    digest = keyed_digest(settings.SECRET_KEY, f"trial:{trial_id}:participant:{participant_id}")
    return f"T{trial_id}-{digest[:10].upper()}"


def _allocations(trial: Trial) -> Any:
    """A trial's allocations of people not erased, unordered: the model's default order (by trial first)
    would join the trial table into every aggregate; whoever needs an order asks for it."""
    return Allocation.objects.filter(trial=trial).exclude(participant__status=Status.ERASED).order_by()


def _monthly(trial: Trial, *fields: str) -> dict[tuple[Any, ...], int]:
    """Allocations counted by calendar month (its first day) and ``fields``: grouped by day in SQL and by
    month here. Django's TruncMonth calls Python for every row on SQLite, while grouping by the date column is
    native on both engines and a trial spans at most a few hundred days, so this stays one cheap query."""
    counts: dict[tuple[Any, ...], int] = defaultdict(int)
    for day, *keys, n in (
        _allocations(trial)
        .values_list("allocated_on", *fields)
        .annotate(n=Count("id"))
        .values_list("allocated_on", *fields, "n")
    ):
        counts[(day.replace(day=1), *keys)] += n
    return counts


def recruitment(trial: Trial) -> dict[str, Any]:
    """Randomised so far, by stratum and by month, against targets; no arms."""
    by_stratum = dict(
        _allocations(trial).values_list("stratum_id").annotate(n=Count("id")).values_list("stratum_id", "n")
    )
    strata = [
        {"label": s.label, "n": by_stratum.get(s.pk, 0), "target": s.target} for s in trial.strata.all()
    ]
    months = sorted((month, n) for (month,), n in _monthly(trial).items())
    cumulative, rows = 0, []
    for month, n in months:
        cumulative += n
        share = round(100 * cumulative / trial.recruitment_target) if trial.recruitment_target else None
        rows.append({"month": month, "n": n, "cumulative": cumulative, "share": share})
    total = sum(by_stratum.values())
    return {
        "strata": strata,
        "months": rows,
        "total": total,
        "target": trial.recruitment_target,
        "share": round(100 * total / trial.recruitment_target) if trial.recruitment_target else None,
        "peak": max((r["n"] for r in rows), default=0),
    }


def arm_counts(trial: Trial) -> dict[str, Any]:
    """Allocations by stratum and arm, and by month and arm."""
    arms = list(trial.arms.all())
    cells: dict[tuple[int, int], int] = defaultdict(int)
    for stratum_id, arm_id, n in (
        _allocations(trial)
        .values_list("stratum_id", "arm_id")
        .annotate(n=Count("id"))
        .values_list("stratum_id", "arm_id", "n")
    ):
        cells[(stratum_id, arm_id)] = n
    strata = [
        {
            "label": s.label,
            "target": s.target,
            "counts": [cells[(s.pk, a.pk)] for a in arms],
            "total": sum(cells[(s.pk, a.pk)] for a in arms),
        }
        for s in trial.strata.all()
    ]
    month_cells: dict[Any, dict[int, int]] = defaultdict(dict)
    for (month, arm_id), n in _monthly(trial, "arm_id").items():
        month_cells[month][arm_id] = n
    months = [
        {"month": m, "counts": [month_cells[m].get(a.pk, 0) for a in arms]} for m in sorted(month_cells)
    ]
    totals = [sum(s["counts"][i] for s in strata) for i in range(len(arms))]
    return {"arms": arms, "strata": strata, "months": months, "totals": totals, "total": sum(totals)}


@dataclass(frozen=True)
class Covariate:
    label: str
    kind: Kind  # "mean" or "proportion"
    value: Any  # _BaselineRow -> float | None


class _BaselineRow(NamedTuple):
    """One randomised person's arm, allocation date and baseline answers: the columns balance reads, fetched
    as plain tuples in one query rather than as model instances (building 9,785 Participant objects was most
    of the balance page's time for the full-size demo trial)."""

    arm_id: int
    allocated_on: date
    date_of_birth: date | None
    gender: str
    ethnic_group: str
    employment_status: str
    work_history: str
    activity_limitation: str

    health_conditions: str | None  # the list as JSON text: see _has


_BASELINE_COLUMNS = (
    "arm_id",
    "allocated_on",
    *(f"participant__{f}" for f in _BaselineRow._fields[2:-1]),
    Cast("participant__health_conditions", TextField()),
)


def _age(r: _BaselineRow) -> float | None:
    born = r.date_of_birth
    if born is None:
        return None
    on = r.allocated_on
    return float(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def _flag(field: str, wanted: set[str]) -> Any:
    def value(r: _BaselineRow) -> float | None:
        v = getattr(r, field)
        return None if not v else float(v in wanted)

    return value


def _has(condition: str) -> Any:
    """Whether the person's list of health conditions holds ``condition``, read from the list's JSON text:
    a code (letters and underscores) is in a list of strings exactly when its quoted form is in the text, and
    decoding the JSON of every randomised person was a quarter of the interim page's time."""
    quoted = f'"{condition}"'

    def value(r: _BaselineRow) -> float | None:
        conditions = r.health_conditions
        return None if conditions is None or conditions == "null" else float(quoted in conditions)

    return value


# Baseline characteristics reported in the Health-led Trials' baseline profile (DWP research report 1025, Tables 1.2-1.10).
COVARIATES = (
    Covariate("Age (years)", "mean", _age),
    Covariate("Female", "proportion", _flag("gender", {"female"})),
    Covariate(
        "White ethnic group",
        "proportion",
        _flag("ethnic_group", {"white_british", "white_irish", "white_gypsy", "white_roma", "white_other"}),
    ),
    Covariate("Out of work", "proportion", _flag("employment_status", {"out_of_work"})),
    Covariate("No paid work in the last 2 years", "proportion", _flag("work_history", {"none"})),
    Covariate(
        "Health limits activities a great deal", "proportion", _flag("activity_limitation", {"great_deal"})
    ),
    Covariate("Stress or anxiety", "proportion", _has("stress_anxiety")),
    Covariate("Depression", "proportion", _has("depression")),
)


def baseline_balance(trial: Trial) -> dict[str, Any]:
    """Means or proportions by arm, and each other arm's SMD against the treatment arm. Two queries
    (the arms, then one of tuples for every randomised person), whatever the trial's size; the sums run in the
    allocations' own order, so every figure is the same float as when each person was a model instance."""
    arms = list(trial.arms.all())
    treatment = next((a for a in arms if a.is_treatment), arms[0] if arms else None)
    rows_in = [
        _BaselineRow(*r)
        for r in _allocations(trial).order_by("randomised_at", "id").values_list(*_BASELINE_COLUMNS)
    ]
    by_arm: dict[int, list[_BaselineRow]] = defaultdict(list)
    for r in rows_in:
        by_arm[r.arm_id].append(r)
    rows = []
    for cov in COVARIATES:
        cells, stats = [], {}
        for arm in arms:
            values = [v for v in (cov.value(a) for a in by_arm[arm.pk]) if v is not None]
            stats[arm.pk] = summary = _summary(values, cov.kind)
            n, mean = summary.n, summary.mean
            shown = "" if mean is None else (f"{mean:.1f}" if cov.kind == "mean" else f"{100 * mean:.0f}%")
            cells.append({"value": shown, "n": n})
        diffs = []
        for arm in arms:
            if treatment is None or arm.pk == treatment.pk:
                continue
            d = smd_of_moments(stats[treatment.pk], stats[arm.pk])
            diffs.append({"arm": arm, "smd": d, "flag": is_flagged(d)})
        rows.append({"label": cov.label, "kind": cov.kind, "cells": cells, "smds": diffs})
    return {"arms": arms, "treatment": treatment, "rows": rows, "n": len(rows_in)}


def _csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    exports.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def balance_csv(trial: Trial) -> str:
    counts = arm_counts(trial)
    balance = baseline_balance(trial)
    arms = [a.code for a in counts["arms"]]
    out: list[list[Any]] = [["section", "group", *arms, "total", "target"]]
    for s in counts["strata"]:
        out.append(["stratum", s["label"], *s["counts"], s["total"], s["target"] or ""])
    for m in counts["months"]:
        out.append(["month", m["month"].strftime("%Y-%m"), *m["counts"], sum(m["counts"]), ""])
    out.append([])
    smd_heads = [f"smd_{d['arm'].code}" for d in balance["rows"][0]["smds"]] if balance["rows"] else []
    out.append(["baseline", "characteristic", *arms, *smd_heads, "flag_over_0.1"])
    for r in balance["rows"]:
        smds = ["" if d["smd"] is None else f"{d['smd']:.4f}" for d in r["smds"]]
        flag = "yes" if any(d["flag"] for d in r["smds"]) else "no"
        out.append(["baseline", r["label"], *[c["value"] for c in r["cells"]], *smds, flag])
    return _csv(out)


ALLOCATION_COLUMNS = [
    "pseudonym",
    "stratum",
    "sequence_slot",
    "arm",
    "is_treatment",
    "method",
    "ratio",
    "probability_of_treatment",
    "ratio_effective_from",
    "allocated_on",
    "randomised_at",
    "randomised_by",
    "block",
    "block_size",
    "block_position",
]


def allocation_csv(trial: Trial) -> str:
    """The allocation list for the trial statistician, with the sealed mechanism columns."""
    out: list[list[Any]] = [ALLOCATION_COLUMNS]
    for a in (
        _allocations(trial).select_related("stratum", "arm", "randomised_by").order_by("randomised_at", "id")
    ):
        sealed = a.sealed or {}
        out.append(
            [
                pseudonym(trial.pk, a.participant_id),
                a.stratum.label,
                a.slot,
                a.arm.code,
                "yes" if a.arm.is_treatment else "no",
                a.method,
                a.ratio_text,
                f"{a.probability_of_treatment:.6f}",
                a.ratio_effective_from.isoformat() if a.ratio_effective_from else "",
                a.allocated_on.isoformat(),
                a.randomised_at.isoformat(timespec="seconds"),
                a.randomised_by.username,
                sealed.get("block") or "",
                sealed.get("block_size") or "",
                sealed.get("block_position") or "",
            ]
        )
    return _csv(out)


# ---- Interim monitoring for the trial team (docs/how-to/run-a-trial.md, "Interim monitoring") -------------
#
# What the trial team may see while the trial runs, without unblinding outcome comparisons (CONSORT 2010,
# items 11 and 16; ICH E9 section 4.5): recruitment by month and site against target, survey response by wave
# and data completeness, all pooled over arms. Response by arm and baseline balance are for those who may see
# allocations in aggregate and are not listed as blind in the trial; no outcome (employment, earnings, scores)
# is compared between arms on any monitoring page.

BASELINE_FIELDS: tuple[tuple[str, str, Any], ...] = (
    ("Date of birth", "date_of_birth", None),
    ("Gender", "gender", ""),
    ("Ethnic group", "ethnic_group", ""),
    ("Employment status", "employment_status", ""),
    ("Paid work in the last 2 years", "work_history", ""),
    ("Health limits everyday activities", "activity_limitation", ""),
    ("Health conditions", "health_conditions", []),
    ("NHS number", "nhs_number", ""),
)
"""Baseline characteristics the Health-led Trials collected at the first meeting (DWP research report 1025, Tables 1.2-1.10),
with the stored value that means "not recorded"."""


def may_see_arm_figures(user: Any, trial: Trial) -> bool:
    """Figures split by arm: only for those who may see allocations in aggregate and are not blind here."""
    from placewell.accounts.policy import Perm, has_perm
    from placewell.trials.checks import is_blinded

    return has_perm(user, Perm.VIEW_ALLOCATIONS) and not is_blinded(user, trial)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def recruitment_by_site(trial: Trial) -> dict[str, Any]:
    """Randomised by month and site, each site's running total against its target (the sum of its groups')."""
    sites = list(trial.sites.all())
    targets: dict[str, int | None] = {}
    for s in trial.strata.all():  # a site's target is known only when each of its groups has one
        code = (s.values or {}).get("site")
        known = code not in targets or targets[code] is not None
        targets[code] = (targets.get(code) or 0) + s.target if known and s.target is not None else None
    cells: dict[Any, dict[str, int]] = defaultdict(dict)
    for (month, code), n in _monthly(trial, "stratum__values__site").items():
        cells[month][code] = cells[month].get(code, 0) + n
    running = dict.fromkeys((s.code for s in sites), 0)
    rows = []
    for month in sorted(cells):
        counts = []
        for s in sites:
            n = cells[month].get(s.code, 0)
            running[s.code] += n
            target = targets.get(s.code)
            counts.append(
                {"n": n, "cumulative": running[s.code], "share": _share(running[s.code], target or 0)}
            )
        rows.append({"month": month, "counts": counts})
    return {
        "sites": [{"name": s.name, "target": targets.get(s.code), "total": running[s.code]} for s in sites],
        "rows": rows,
        "columns": 1 + 2 * len(sites),
    }


def survey_response(trial: Trial, by_arm: bool) -> dict[str, Any]:
    """Invited and responded for each of the trial's survey waves: pooled, or by arm when ``by_arm``.

    Responded: the invitation is marked responded (at least one questionnaire sent); invited: every
    invitation of a randomised, non-erased person. The caller decides ``by_arm`` with
    :func:`may_see_arm_figures`. One aggregate query grouped by wave (and arm), whatever the trial's size."""
    from django.apps import apps

    arms = list(trial.arms.all()) if by_arm else []
    if not apps.is_installed("placewell.surveys"):
        return {"arms": arms, "waves": []}
    from placewell.surveys.models import Invitation

    group = (
        "wave_id",
        "wave__order",
        "wave__name",
        *(("participant__allocations__arm_id",) if by_arm else ()),
    )
    rows = (
        Invitation.objects.filter(
            wave__service_id=trial.service_id,
            wave__trial_reference=trial.registration_number,
            participant__allocations__trial=trial,
        )
        .exclude(participant__status=Status.ERASED)
        .order_by()
        .values_list(*group)
        .annotate(invited=Count("id"), responded=Count("id", filter=Q(status="responded")))
    )
    cells: dict[tuple[int, int | None], list[int]] = defaultdict(lambda: [0, 0])
    waves: dict[int, tuple[int, str]] = {}
    for wave_id, order, name, *arm, invited, responded in rows:
        waves[wave_id] = (order, name)
        for key in ((wave_id, None), *(((wave_id, arm[0]),) if by_arm else ())):
            cells[key][0] += invited
            cells[key][1] += responded
    out = []
    for wave_id, (_, name) in sorted(waves.items(), key=lambda item: item[1]):
        invited, responded = cells[(wave_id, None)]
        split = [
            {"invited": cells[(wave_id, a.pk)][0], "responded": cells[(wave_id, a.pk)][1],
             "rate": _share(cells[(wave_id, a.pk)][1], cells[(wave_id, a.pk)][0])}
            for a in arms
        ]  # fmt: skip
        out.append(
            {
                "name": name,
                "invited": invited,
                "responded": responded,
                "rate": _share(responded, invited),
                "arms": split,
            }
        )
    return {"arms": arms, "waves": out}


def completeness(trial: Trial) -> dict[str, Any]:
    """Share of randomised people with each baseline characteristic not recorded, and with each baseline
    questionnaire not answered (or answered in part), pooled over arms. Three queries (the baseline wave,
    then one aggregate each for the answers and the questionnaires), whatever the trial's size."""
    people = Participant.objects.filter(allocations__trial=trial).exclude(status=Status.ERASED)
    aggregates = {
        f"missing_{field}": Count(
            "pk", filter=Q(**{f"{field}__isnull": True}) if empty is None else Q(**{field: empty})
        )
        for _, field, empty in BASELINE_FIELDS
    }
    counts = people.aggregate(total=Count("pk"), **aggregates)
    total = counts["total"]
    fields = [
        {
            "label": label,
            "missing": counts[f"missing_{field}"],
            "share": _share(counts[f"missing_{field}"], total),
        }
        for label, field, _ in BASELINE_FIELDS
    ]
    return {
        "total": total,
        "fields": fields,
        "questionnaires": _baseline_questionnaires(trial, people, total),
    }


def _baseline_questionnaires(trial: Trial, people: Any, total: int) -> list[dict[str, Any]]:
    from django.apps import apps

    if not apps.is_installed("placewell.surveys"):
        return []
    from placewell.engine.measures import INSTRUMENTS
    from placewell.surveys.models import Response, SurveyWave

    wave = SurveyWave.objects.filter(
        service_id=trial.service_id, trial_reference=trial.registration_number, is_baseline=True
    ).first()
    if wave is None:
        return []
    answered: dict[str, int] = defaultdict(int)  # people with a submitted questionnaire, by instrument
    partial: dict[str, int] = defaultdict(int)  # of them, people with one answered in part
    for instrument, n_answered, n_partial in (
        Response.objects.filter(invitation__wave=wave, state=Response.State.SUBMITTED, participant__in=people)
        .order_by()
        .values_list("instrument_id")
        .annotate(
            answered=Count("participant_id", distinct=True),
            partial=Count("participant_id", distinct=True, filter=Q(complete=False)),
        )
        .values_list("instrument_id", "answered", "partial")
    ):
        answered[instrument], partial[instrument] = n_answered, n_partial
    out = []
    for instrument in wave.instruments:
        missing = total - answered[instrument]
        title = INSTRUMENTS[instrument].title if instrument in INSTRUMENTS else instrument
        out.append(
            {"label": title, "missing": missing, "share": _share(missing, total),
             "partial": partial[instrument], "partial_share": _share(partial[instrument], total)}
        )  # fmt: skip
    return out
