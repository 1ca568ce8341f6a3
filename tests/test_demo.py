"""The README's demo and the command line."""
from __future__ import annotations

import subprocess
import sys

import numpy as np

from traincore.datasets import load_breast_cancer
from traincore.demo import OPTIMIZER_SETTINGS, run_demo


def test_bundled_dataset_is_the_real_one():
    data = load_breast_cancer()
    assert data.X.shape == (569, 30) and data.y.shape == (569,)
    assert int(data.y.sum()) == 357 and data.target_names == ("malignant", "benign")
    assert load_breast_cancer(np.float32).X.dtype == np.float32


def test_demo_trains_with_every_optimizer():
    lines: list[str] = []
    rows = run_demo(epochs=12, print_fn=lines.append)
    assert [r["optimizer"] for r in rows] == [name for name, _, _ in OPTIMIZER_SETTINGS]
    for row in rows:
        assert row["curve"][-1] < 0.6 * row["curve"][0] or row["curve"][-1] < 0.12, row
        assert row["test_accuracy"] > 0.93, row
    assert len(lines) == 3 + len(rows)
    again = run_demo(epochs=12, print_fn=lambda line: None)
    assert [r["curve"] for r in again] == [r["curve"] for r in rows]


def test_command_line_demo_and_config():
    demo = subprocess.run([sys.executable, "-m", "traincore", "demo", "--epochs", "3"],
                          capture_output=True, text=True, timeout=120)
    assert demo.returncode == 0, demo.stderr
    assert "Adagrad" in demo.stdout and "test acc" in demo.stdout
    config = subprocess.run([sys.executable, "-m", "traincore", "config"], capture_output=True,
                            text=True, timeout=60)
    assert config.returncode == 0 and "kernels (ISA in use)" in config.stdout
    bad = subprocess.run([sys.executable, "-m", "traincore", "demo", "--epochs", "0"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--epochs" in bad.stderr
