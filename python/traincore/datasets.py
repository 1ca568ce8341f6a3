"""Readers for the small real dataset bundled with traincore (for the demo and examples)."""
from __future__ import annotations

from importlib import resources
from typing import NamedTuple

import numpy as np

__all__ = ["Dataset", "load_breast_cancer"]


class Dataset(NamedTuple):
    X: np.ndarray
    y: np.ndarray
    target_names: tuple[str, ...]
    description: str


def load_breast_cancer(dtype: type = np.float64) -> Dataset:
    """UCI Breast Cancer Wisconsin (Diagnostic): 569 samples, 30 features, binary target
    (0 = malignant, 1 = benign). CC BY 4.0; see ``traincore/data/README.md``."""
    text = resources.files("traincore").joinpath("data/breast_cancer.csv").read_text()
    header, *rows = text.splitlines()
    n_samples, n_features, *target_names = header.split(",")
    table = np.array([row.split(",") for row in rows], dtype=np.float64)
    if table.shape != (int(n_samples), int(n_features) + 1):
        raise ValueError(f"breast_cancer.csv: expected {n_samples} x {int(n_features) + 1} values, got {table.shape}")
    return Dataset(np.ascontiguousarray(table[:, :-1], dtype=dtype), table[:, -1].astype(dtype),
                   tuple(target_names), "UCI Breast Cancer Wisconsin (Diagnostic), 569 x 30, binary")
