"""Linear models side by side with scikit-learn, numpy and PyTorch (CPU), in one run.

    python bench/linear.py [--scale S] [--repeats R] [--threads T]

Workloads (sizes multiplied by --scale):
  sgd_logistic       SGD logistic regression, 1,000,000 x 100 float32, 5 epochs, batch 256:
                     traincore SGDClassifier vs scikit-learn SGDClassifier(loss="log_loss",
                     max_iter=5, tol=None) and torch nn.Linear + BCEWithLogitsLoss + SGD;
                     quality: held-out accuracy on 100,000 more rows.
  logistic_lbfgs     LogisticRegression(C=1) on 200,000 x 100 float64 at default tol:
                     traincore vs scikit-learn lbfgs; quality: the training objective reached.
  linear_regression  LinearRegression on 1,000,000 x 100 float64: traincore vs numpy's normal
                     equations (X.T @ X, X.T @ y, solve) vs scikit-learn; quality: training R^2.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median_seconds, write_results  # noqa: E402

from traincore.linear_model import LinearRegression, LogisticRegression, SGDClassifier  # noqa: E402


def timed(fit: Callable[[], Any], repeats: int, warmup: int = 1) -> tuple[float, Any]:
    """Median seconds of fit() over repeats after `warmup` untimed fits (thread pools and page
    faults settle), and the last result."""
    holder: dict[str, Any] = {}

    def run() -> None:
        holder["model"] = fit()

    return median_seconds(run, repeats, warmup=warmup), holder["model"]


def logistic_data(n: int, d: int, dtype: type, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d), dtype=np.float64).astype(dtype)
    w = np.random.default_rng(1).normal(size=d) / np.sqrt(d) * 3
    p = 1 / (1 + np.exp(-(X.astype(np.float64) @ w)))
    return X, (rng.random(n) < p).astype(np.int64)


def sgd_logistic(scale: float, repeats: int, threads: int) -> list[list[Any]]:
    n, d = int(1_000_000 * scale), 100
    X, y = logistic_data(n, d, np.float32, 0)
    X_test, y_test = logistic_data(n // 10, d, np.float32, 2)
    results = {}
    seconds, model = timed(lambda: SGDClassifier(loss="log_loss", optimizer="sgd", learning_rate=0.05,
                                                 batch_size=256, max_epochs=5, tol=None, alpha=1e-4,
                                                 random_state=0, n_threads=threads).fit(X, y), repeats, 0)
    results["traincore SGDClassifier"] = (seconds, model.score(X_test, y_test))
    try:
        from sklearn.linear_model import SGDClassifier as SkSGD
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            seconds, model = timed(lambda: SkSGD(loss="log_loss", max_iter=5, tol=None, random_state=0).fit(X, y),
                                   repeats, 0)
        results["scikit-learn SGDClassifier"] = (seconds, model.score(X_test, y_test))
    except ImportError:
        pass
    try:
        import torch
        torch.set_num_threads(threads)
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.float32))

        def torch_fit() -> Any:
            torch.manual_seed(0)
            layer = torch.nn.Linear(d, 1)
            opt = torch.optim.SGD(layer.parameters(), lr=0.05, weight_decay=1e-4)
            loss_fn = torch.nn.BCEWithLogitsLoss()
            for _ in range(5):
                order = torch.randperm(n)
                for start in range(0, n, 256):
                    rows = order[start:start + 256]
                    opt.zero_grad()
                    loss_fn(layer(Xt[rows]).squeeze(1), yt[rows]).backward()
                    opt.step()
            return layer

        seconds, layer = timed(torch_fit, repeats, 0)
        with torch.no_grad():
            accuracy = float(((layer(torch.from_numpy(X_test)).squeeze(1) > 0).numpy() == y_test).mean())
        results["PyTorch nn.Linear, batch 256"] = (seconds, accuracy)
    except ImportError:
        pass
    ours = results["traincore SGDClassifier"][0]
    return [["sgd_logistic", name, f"{s:.3f}", f"accuracy {q:.4f}", f"{s / ours:.2f}"] for name, (s, q) in results.items()]


def logistic_objective(model: Any, X: np.ndarray, y: np.ndarray, C: float) -> float:
    raw = X @ model.coef_.ravel() + model.intercept_[0]
    loss = np.logaddexp(0, raw) - y * raw
    return float(loss.mean() + 0.5 / (C * len(y)) * np.sum(model.coef_ ** 2))


def logistic_lbfgs(scale: float, repeats: int, threads: int) -> list[list[Any]]:
    n, d = int(200_000 * scale), 100
    X, y = logistic_data(n, d, np.float64, 3)
    results = {}
    seconds, model = timed(lambda: LogisticRegression(C=1.0, n_threads=threads).fit(X, y), repeats)
    results["traincore LogisticRegression"] = (seconds, logistic_objective(model, X, y, 1.0))
    try:
        from sklearn.linear_model import LogisticRegression as SkLR
        seconds, model = timed(lambda: SkLR(C=1.0).fit(X, y), repeats)
        results["scikit-learn LogisticRegression(lbfgs)"] = (seconds, logistic_objective(model, X, y, 1.0))
    except ImportError:
        pass
    ours = results["traincore LogisticRegression"][0]
    return [["logistic_lbfgs", name, f"{s:.3f}", f"objective {q:.7f}", f"{s / ours:.2f}"] for name, (s, q) in results.items()]


def r2(prediction: np.ndarray, y: np.ndarray) -> float:
    return float(1 - np.sum((y - prediction) ** 2) / np.sum((y - y.mean()) ** 2))


def linear_regression(scale: float, repeats: int, threads: int) -> list[list[Any]]:
    n, d = int(1_000_000 * scale), 100
    rng = np.random.default_rng(4)
    X = rng.standard_normal((n, d))
    y = X @ rng.normal(size=d) + 1.0 + rng.normal(size=n)
    results = {}
    seconds, model = timed(lambda: LinearRegression(n_threads=threads).fit(X, y), repeats)
    results["traincore LinearRegression"] = (seconds, r2(model.predict(X), y))

    def normal_equations() -> np.ndarray:
        A = np.column_stack([X, np.ones(n)])
        return np.linalg.solve(A.T @ A, A.T @ y)

    seconds, coef = timed(normal_equations, repeats)
    results["numpy normal equations (A.T @ A, solve)"] = (seconds, r2(X @ coef[:-1] + coef[-1], y))
    try:
        from sklearn.linear_model import LinearRegression as SkLinear
        seconds, model = timed(lambda: SkLinear().fit(X, y), repeats)
        results["scikit-learn LinearRegression"] = (seconds, r2(model.predict(X), y))
    except ImportError:
        pass
    ours = results["traincore LinearRegression"][0]
    return [["linear_regression", name, f"{s:.3f}", f"R2 {q:.6f}", f"{s / ours:.2f}"] for name, (s, q) in results.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rows = []
    for workload in (sgd_logistic, logistic_lbfgs, linear_regression):
        rows += workload(args.scale, args.repeats, args.threads)
        print(rows[-1], flush=True)
    write_results(
        "linear", "Linear models", f"python bench/linear.py --scale {args.scale} --repeats {args.repeats} --threads {args.threads}",
        ["workload", "implementation", "seconds (median)", "quality", "time / traincore's"], rows,
        [f"median of {args.repeats} fits; traincore and torch with {args.threads} threads; scikit-learn's SGD and lbfgs "
         "are single-threaded, numpy's BLAS uses every core",
         "sgd_logistic: held-out accuracy; logistic_lbfgs: the training objective (mean log loss + L2 term); "
         "linear_regression: training R^2"],
        {"scale": args.scale, "threads": args.threads, "rows": rows})


if __name__ == "__main__":
    main()
