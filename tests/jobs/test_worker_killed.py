"""A real worker (``manage.py qcluster`` on the database broker) killed mid-job: the job is taken up by
another worker once its lease has run out and finishes; it is never left "running". Run in a scratch SQLite
database in a temporary folder, with a 10-second task timeout and a 2-second grace so the lease is short;
every process the test starts is stopped (its whole process group) at the end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DRIVER = """
import json, os, signal, subprocess, sys, time
import django
django.setup()
from django.core.management import call_command
from placewell.jobs import queue
from placewell.jobs.models import Job

call_command("migrate", verbosity=0)

def worker():
    return subprocess.Popen([sys.executable, "-m", "django", "qcluster"], env=os.environ.copy(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

def wait(predicate, limit):
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True

first = worker()
started = []
try:
    job = queue.enqueue("test.sleepy", "tests.jobs.work.sleepy_first_time", [8], label="sleepy")
    running = wait(lambda: Job.objects.filter(pk=job.pk, state="running").exists(), 60)
    os.killpg(first.pid, signal.SIGKILL)  # the worker and every process of its cluster, mid-job
    first.wait()
    killed_state = Job.objects.get(pk=job.pk).state
    second = worker()
    started.append(second)
    finished = wait(lambda: Job.objects.filter(pk=job.pk, state__in=["succeeded", "failed"]).exists(), 90)
    job.refresh_from_db()
    print("RESULT " + json.dumps({"running": running, "killed_state": killed_state, "finished": finished,
                                  "state": job.state, "attempts": job.attempts, "message": job.message}))
finally:
    for p in [first, *started]:
        try:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
"""


def test_a_job_whose_worker_was_killed_is_finished_by_another_worker(tmp_path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PLACEWELL_TASKS_SYNC"}},
        "PLACEWELL_VAR_DIR": str(tmp_path),
        "PLACEWELL_TASK_BROKER": "database",
        "PLACEWELL_TASK_QUEUE": f"killed-{os.getpid()}",
        "PLACEWELL_TASK_TIMEOUT": "10",
        "PLACEWELL_TASK_GRACE_SECONDS": "2",
        "PLACEWELL_TASK_WORKERS": "1",
        "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", DRIVER],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line is not None, done.stdout + done.stderr
    result = json.loads(line.removeprefix("RESULT "))
    assert result["running"], "the first worker never started the job"
    assert result["killed_state"] == "running"  # what the killed worker left behind
    assert result["finished"], f"the job was left {result['state']}"
    assert (result["state"], result["attempts"], result["message"]) == (
        "succeeded",
        2,
        "Finished on attempt 2",
    )
