"""Readers for the real datasets in ../shared/data (see its SOURCES.md), for tests that compare
traincore with scikit-learn on real data. Each returns standardised float64 features."""
from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def require_shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"shared dataset {name} not found at {path}")
    return path


def read_svmlight(path: Path, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    opener = bz2.open if path.suffix == ".bz2" else open
    rows, labels = [], []
    with opener(path, "rt") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            labels.append(float(parts[0]))
            row = np.zeros(n_features)
            for item in parts[1:]:
                index, value = item.split(":")
                row[int(index) - 1] = float(value)
            rows.append(row)
    return np.array(rows), np.array(labels)


def standardise(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, std = train.mean(axis=0), train.std(axis=0)
    std[std == 0] = 1.0
    return (train - mean) / std, (test - mean) / std


def split(X: np.ndarray, y: np.ndarray, seed: int = 0, test_fraction: float = 0.2):
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = int(len(y) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    X_train, X_test = standardise(X[train], X[test])
    return X_train, y[train], X_test, y[test]


def a9a():
    folder = require_shared("a9a")
    X, y = read_svmlight(folder / "a9a", 123)
    X_test, y_test = read_svmlight(folder / "a9a.t", 123)
    return X, (y > 0).astype(int), X_test, (y_test > 0).astype(int)


def higgs_7k():
    folder = require_shared("higgs_7k")
    train = np.loadtxt(folder / "binary.train")
    test = np.loadtxt(folder / "binary.test")
    X_train, X_test = standardise(train[:, 1:], test[:, 1:])
    return X_train, train[:, 0].astype(int), X_test, test[:, 0].astype(int)


def california_housing():
    folder = require_shared("california_housing")
    with gzip.open(folder / "537_houses.tsv.gz", "rt") as f:
        table = np.loadtxt(f, delimiter="\t", skiprows=1)
    return split(table[:, :-1], table[:, -1] / 1e5)


def bike_sharing_hour():
    folder = require_shared("bike_sharing_hour")
    table = np.genfromtxt(folder / "hour.csv", delimiter=",", skip_header=1, usecols=range(2, 17))
    # columns season..windspeed (12 predictors), then casual, registered (leak the target), cnt
    return split(table[:, :12], table[:, 14])


def breast_cancer():
    from traincore.datasets import load_breast_cancer
    data = load_breast_cancer()
    return split(data.X, data.y.astype(int))
