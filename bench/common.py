"""Shared helpers for the benchmarks: timing (median over repeats), machine description and
result files. Run benchmarks from the repository root: ``python bench/<name>.py``."""
from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

import traincore
from traincore import _core

RESULTS = Path(__file__).resolve().parent / "results"


def median_seconds(fn: Callable[[], Any], repeats: int, warmup: int = 2) -> float:
    """Median wall time of fn() over `repeats` calls, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info: dict[str, Any] = {
        "cpu": cpu, "cores": os.cpu_count(), "traincore": traincore.__version__,
        "isa": _core.isa(), "numpy": np.__version__, "python": platform.python_version(),
    }
    try:
        import torch
        info["torch"] = torch.__version__
    except ImportError:
        info["torch"] = None
    return info


def write_results(name: str, title: str, command: str, header: list[str], rows: list[list[Any]],
                  notes: list[str], raw: dict[str, Any]) -> Path:
    """Writes bench/results/<name>.md (a table) and <name>.json (every figure)."""
    RESULTS.mkdir(exist_ok=True)
    m = machine()
    lines = [f"# {title}", "", f"Command: `{command}`", "",
             "Machine: " + ", ".join(f"{k} {v}" for k, v in m.items()), "",
             "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    lines += [""] + [f"- {note}" for note in notes] + [""]
    path = RESULTS / f"{name}.md"
    path.write_text("\n".join(lines))
    (RESULTS / f"{name}.json").write_text(json.dumps({"machine": m, "command": command, **raw}, indent=2))
    print("\n".join(lines))
    return path
