"""The analysis dataset as files: CSV, Parquet, the data dictionary and a read-me, zipped for download."""

from __future__ import annotations

from typing import TYPE_CHECKING

from placewell.analysis import access
from placewell.analysis.dataset import AnalysisDataset, build_dataset, read_parquet
from placewell.analysis.models import AnalysisPlan, AnalysisRun
from placewell.governance.dictionary import Column, dictionary_csv
from placewell.governance.extract import to_csv
from placewell.trials.models import Trial

if TYPE_CHECKING:
    from placewell.accounts.models import User

STEM = "analysis_dataset"


def readme(title: str, rows: int, columns: int, sha256: str, fingerprint: str, extra: list[str]) -> bytes:
    lines = [
        title,
        "",
        f"{rows} rows (one per randomised participant whose record was not erased), {columns} columns.",
        f"SHA-256 of {STEM}.csv: {sha256}",
        f"Pseudonym key fingerprint: {fingerprint} (files with the same fingerprint link).",
        "Every column is described in data_dictionary.csv. Withdrawn people are included and flagged.",
        "There are no names, contact details, dates of birth, NHS or National Insurance numbers or free text.",
        *extra,
    ]
    return ("\n".join(lines) + "\n").encode()


def _rate(trial: Trial) -> float | None:
    plan = AnalysisPlan.objects.filter(trial=trial).order_by("-locked_at", "-version").first()
    return (plan.content.get("economics") or {}).get("cost_per_staff_hour") if plan else None


def dataset_zip(trial: Trial, *, by: User | None) -> tuple[dict[str, bytes], AnalysisDataset]:
    """Today's dataset of the trial (costs at the latest plan's cost per staff hour, if it gives one).

    Refused (PermissionDenied) unless ``by`` may analyse the trial; ``None`` is the operator's command line.
    """
    if by is not None:
        access.require_may_analyse(by, trial)
    ds = build_dataset(trial, cost_per_staff_hour=_rate(trial))
    csv_text = ds.csv()
    named = {
        f"{STEM}.csv": csv_text.encode(),
        f"{STEM}.parquet": ds.parquet(),
        "data_dictionary.csv": dictionary_csv(ds.columns).encode(),
        "README.txt": readme(
            f"Placewell analysis dataset: {trial.name} ({trial.registration_number}), data cut {ds.made_on}",
            ds.rows,
            len(ds.columns),
            ds.sha256(),
            ds.key_fingerprint,
            [],
        ),
    }
    return named, ds


def run_files(run: AnalysisRun, *, by: User | None) -> tuple[dict[str, bytes], int]:
    """The exact dataset a run analysed, from the Parquet bytes it stored.

    Refused (PermissionDenied) unless ``by`` may analyse the run's trial; ``None`` is the operator's command line.
    """
    if by is not None:
        access.require_may_analyse(by, run.trial)
    columns = [Column(**c) for c in run.dataset_columns]
    body = bytes(run.dataset_parquet or b"")
    frame = read_parquet(body).reset_index()[[c.name for c in columns]]
    named = {
        f"{STEM}.csv": to_csv(frame, columns).encode(),
        f"{STEM}.parquet": body,
        "data_dictionary.csv": dictionary_csv(columns).encode(),
        "README.txt": readme(
            f"Placewell analysis dataset of run {run.pk}: {run.trial.name} ({run.trial.registration_number}), "
            f"data cut {run.data_cut}",
            len(frame),
            len(columns),
            run.dataset_sha256,
            run.key_fingerprint,
            [f"Analysed with plan version {run.plan_version} (SHA-256 {run.plan_sha256})."],
        ),
    }
    return named, len(frame)
