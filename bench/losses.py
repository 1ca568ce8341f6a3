"""Loss + gradient over 10,000,000 rows: traincore's fused kernels against the numpy reference
implementations of traincore.testing, in one run.

    python bench/losses.py [--rows N] [--repeats R] [--threads T]

For each loss, traincore computes per-sample losses and gradients in one pass (``loss_gradient``
into preallocated buffers) in float64 and float32; the reference computes the same two arrays
in float64 with numpy. Reports milliseconds, nanoseconds per row and the reference's time
divided by traincore's. The multinomial loss has 4 classes per row.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median_seconds, write_results  # noqa: E402

from traincore.losses import get_loss  # noqa: E402
from traincore.testing import LOSS_NAMES, reference_gradient, reference_loss  # noqa: E402

N_CLASSES = 4


def make_data(name: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if name == "multinomial_log_loss":
        return rng.integers(0, N_CLASSES, n).astype(np.float64), rng.normal(0, 2, (n, N_CLASSES))
    if name in ("binary_log_loss", "hinge", "squared_hinge"):
        return rng.integers(0, 2, n).astype(np.float64), rng.normal(0, 2, n)
    if name == "poisson":
        return rng.poisson(3.0, n).astype(np.float64), rng.normal(0.5, 1, n)
    return rng.normal(0, 2, n), rng.normal(0, 2, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows: list[list[Any]] = []
    raw_results: dict[str, Any] = {}
    for name in LOSS_NAMES:
        y, raw = make_data(name, args.rows, rng)
        loss = get_loss(name)
        timings = {}
        for dtype in (np.float64, np.float32):
            y_t, raw_t = y.astype(dtype), raw.astype(dtype)
            loss_out, grad_out = np.empty(args.rows, dtype), np.empty_like(raw_t)
            timings[f"traincore {np.dtype(dtype).name}"] = median_seconds(
                lambda: loss.loss_gradient(y_t, raw_t, loss_out=loss_out, gradient_out=grad_out,
                                           n_threads=args.threads), args.repeats)
        timings["numpy reference float64"] = median_seconds(
            lambda: (reference_loss(name, y, raw), reference_gradient(name, y, raw)),
            max(3, args.repeats // 2), warmup=1)
        raw_results[name] = timings
        reference = timings["numpy reference float64"]
        for label, seconds in timings.items():
            speedup = "—" if label.startswith("numpy") else f"{reference / seconds:.1f}"
            rows.append([name, label, f"{seconds * 1e3:.1f}", f"{seconds / args.rows * 1e9:.2f}", speedup])
        del y, raw
    write_results(
        "losses", f"Loss + gradient over {args.rows:,} rows",
        f"python bench/losses.py --rows {args.rows} --repeats {args.repeats} --threads {args.threads}",
        ["loss", "implementation", "ms", "ns / row", "reference time / this"], rows,
        [f"median of {args.repeats} calls (reference: fewer) after warm-up; traincore with {args.threads} threads, numpy single-threaded",
         "traincore writes per-sample losses and gradients into preallocated buffers in one pass; "
         "the reference computes them with two numpy functions",
         f"multinomial: {N_CLASSES} classes per row (gradient of shape rows x {N_CLASSES})"],
        {"rows": args.rows, "threads": args.threads, "results": raw_results})


if __name__ == "__main__":
    main()
