"""Background work goes through the task queue (placewell.jobs on django-q2), never through a thread or a
process the code starts itself: a thread dies with a web process and another server cannot see it, which is
what left imports and analysis runs stuck "running" before the queue. This test reads every module under
src/ (its syntax tree, so comments and strings do not count) and fails on any way of starting one."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "placewell"

# Dotted names that start a thread or a process that outlives the call (or runs beside it).
FORBIDDEN = {
    "threading.Thread",
    "threading.Timer",
    "_thread.start_new_thread",
    "multiprocessing.Process",
    "multiprocessing.Pool",
    "multiprocessing.pool.Pool",
    "multiprocessing.pool.ThreadPool",
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.ProcessPoolExecutor",
    "subprocess.Popen",
    "os.fork",
    "os.spawnl",
    "os.spawnv",
    "os.posix_spawn",
    "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell",
}
# Modules whose import alone is refused. ``threading`` itself may be imported for its locks and thread-local
# state (one per-request store, one per-process cache guard); starting a thread with it is still caught above.
FORBIDDEN_MODULES = {"_thread", "multiprocessing", "concurrent.futures"}

# What may, and why. Each entry: (module path under src/placewell, dotted name) -> reason.
ALLOWED: dict[tuple[str, str], str] = {
    # pg_dump / pg_restore for ./run backup and restore: run in the foreground, the caller waits for it to
    # finish (subprocess.run), not background work. subprocess.run is not in FORBIDDEN; listed for the record.
}


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(aliases.get(node.id, node.id))
        return ".".join(reversed(parts))
    return ""


def offences(source: str) -> list[str]:
    """Every forbidden call or import in ``source``, as 'line N: name'."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[(a.asname or a.name).split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
                if a.name in FORBIDDEN_MODULES:
                    found.append(f"line {node.lineno}: import {a.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                aliases[a.asname or a.name] = full
                if node.module in FORBIDDEN_MODULES or full in FORBIDDEN:
                    found.append(f"line {node.lineno}: from {node.module} import {a.name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func, aliases)
            if name in FORBIDDEN:
                found.append(f"line {node.lineno}: {name}(...)")
    return found


def test_the_scanner_finds_each_way_of_starting_background_work() -> None:
    samples = [
        "import threading\nthreading.Thread(target=f).start()",
        "from threading import Thread as T\nT(target=f).start()",
        "import subprocess\nsubprocess.Popen(['x'])",
        "import subprocess as sp\nsp.Popen(['x'])",
        "from concurrent.futures import ThreadPoolExecutor\nThreadPoolExecutor().submit(f)",
        "import multiprocessing\nmultiprocessing.Process(target=f).start()",
        "import os\nos.fork()",
    ]
    for sample in samples:
        assert offences(sample), sample
    assert offences("import subprocess\nsubprocess.run(['pg_dump'], check=True)") == []


def test_no_module_under_src_starts_a_thread_or_process_for_background_work() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        module = str(path.relative_to(SRC))
        for offence in offences(path.read_text(encoding="utf-8")):
            name = offence.split(": ", 1)[1]
            if not any(m == module and n in name for (m, n) in ALLOWED):
                found.append(f"{module} {offence}")
    assert found == [], (
        "Start background work as a job (placewell.jobs.queue.enqueue), not a thread or process:\n"
        + "\n".join(found)
    )
