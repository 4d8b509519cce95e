"""Erasure reaches the analysis app: a person's linked administrative months go, and so does their row in
the datasets that earlier runs stored.

A run keeps the exact dataset it analysed so that every figure can be traced (``models.AnalysisRun``). When a
participant is erased afterwards, their row is taken out of each stored dataset of their trial and the run
counts it (``rows_erased_since``), so the run's page can say that the stored dataset no longer reproduces the
report exactly and why. The row is found by its pseudonymous key, which needs the research key the run
used; if that key is not available here, the stored dataset is removed altogether rather than kept with the
person in it. The report's aggregate figures stay: they describe no one.
"""

from __future__ import annotations

import hashlib
from typing import Any

from placewell.analysis.models import AnalysisRun, LinkedOutcome
from placewell.governance import pseudonyms
from placewell.governance.dictionary import Column
from placewell.governance.extract import to_csv, to_parquet
from placewell.participants.models import Participant
from placewell.trials.models import Allocation


def _research_key() -> bytes | None:
    try:
        return pseudonyms.load_research_key()
    except pseudonyms.PseudonymKeyError:
        return None


def erase_participant_analysis(participant: Participant, by: Any = None) -> None:
    from placewell.analysis.dataset import read_parquet

    LinkedOutcome.objects.filter(participant=participant).delete()
    trials = Allocation.objects.filter(participant=participant).values("trial_id")
    runs = AnalysisRun.objects.filter(trial_id__in=trials).exclude(dataset_parquet=None)
    key = _research_key()
    for run in runs:
        if key is None or pseudonyms.key_fingerprint(key) != run.key_fingerprint:
            run.dataset_parquet = None
            run.rows_erased_since += 1
            run.save(update_fields=["dataset_parquet", "rows_erased_since"])
            continue
        if run.dataset_parquet is None:  # not reached: the query leaves such runs out
            continue
        row = pseudonyms.record_pseudonym(key, participant.pk)
        frame = read_parquet(bytes(run.dataset_parquet))
        if row not in frame.index:
            continue
        columns = [Column(**c) for c in run.dataset_columns]
        table = frame.drop(index=row).reset_index()[[c.name for c in columns]]
        run.dataset_parquet = to_parquet(table, columns)
        run.dataset_sha256 = hashlib.sha256(to_csv(table, columns).encode()).hexdigest()
        run.dataset_rows = len(table)
        run.rows_erased_since += 1
        run.save(update_fields=["dataset_parquet", "dataset_sha256", "dataset_rows", "rows_erased_since"])
