"""Matrix multiply throughput: traincore's GEMM against numpy's matmul (OpenBLAS), in one run.

    python bench/gemm.py [--repeats R]

Shapes: the MLP's (784-256-128 layers at batch 128 and 32: the forward products, and the
backward ones dW = X^T G and dX = G W^T) and 2048^3; float32 and float64; 1 and 2 threads (numpy limited
with threadpoolctl). Reports GFLOP/s (2 M N K flops per product, median of repeats) and the
ratio traincore / numpy.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_results  # noqa: E402

from traincore import _core  # noqa: E402

# (label, M, N, K, trans_a, trans_b): C (M x N) = op(A) (M x K) op(B) (K x N)
SHAPES = [
    ("forward 128x784 . 784x256", 128, 256, 784, False, False),
    ("forward 128x256 . 256x128", 128, 128, 256, False, False),
    ("dW 784x128 . 128x256 (A^T)", 784, 256, 128, True, False),
    ("dX 128x256 . 256x784 (B^T)", 128, 784, 256, False, True),
    ("forward 32x784 . 784x256", 32, 256, 784, False, False),
    ("forward 32x256 . 256x128", 32, 128, 256, False, False),
    ("dW 784x32 . 32x256 (A^T)", 784, 256, 32, True, False),
    ("dX 32x256 . 256x784 (B^T)", 32, 784, 256, False, True),
    ("square 2048^3", 2048, 2048, 2048, False, False),
]


def block_medians(ours: Callable[[], Any], theirs: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Median wall times of the two calls, each timed in blocks of its own (three alternating
    blocks per library, so drift in the machine's load hits both alike). Not call by call: the
    worker threads of one library keep spinning for a while after each call and would take the
    cores from the other's."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(3):
        for fn, out in ((ours, times[0]), (theirs, times[1])):
            time.sleep(0.5)  # the other library's worker threads stop spinning (OpenBLAS: about 0.1 s)
            fn()
            fn()
            for _ in range(max(1, repeats // 3)):
                start = time.perf_counter()
                fn()
                out.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits
    rng = np.random.default_rng(0)
    rows: list[list[Any]] = []
    raw: dict[str, Any] = {}
    for dtype in (np.float32, np.float64):
        for label, M, N, K, ta, tb in SHAPES:
            A = rng.random((K, M) if ta else (M, K)).astype(dtype)
            B = rng.random((N, K) if tb else (K, N)).astype(dtype)
            repeats = max(3, args.repeats // 10) if M * N * K > 1e9 else args.repeats
            op_a, op_b = (A.T if ta else A), (B.T if tb else B)
            for threads in (1, 2):
                with threadpool_limits(threads):
                    ours, theirs = block_medians(
                        lambda: _core.gemm(A, B, ta, tb, n_threads=threads), lambda: op_a @ op_b, repeats)
                flops = 2.0 * M * N * K
                name = f"{np.dtype(dtype).name} {label} {threads}t"
                raw[name] = {"traincore_s": ours, "numpy_s": theirs}
                rows.append([np.dtype(dtype).name, label, threads, f"{flops / ours / 1e9:.1f}",
                             f"{flops / theirs / 1e9:.1f}", f"{theirs / ours:.2f}"])
                print(rows[-1], flush=True)
    write_results("gemm", "GEMM throughput", f"python bench/gemm.py --repeats {args.repeats}",
                  ["dtype", "shape", "threads", "traincore GFLOP/s", "numpy GFLOP/s", "traincore / numpy speed"],
                  rows, ["median of repeats, each library timed in three alternating blocks (2 warm-up calls "
                         "each); numpy's OpenBLAS limited to the same thread count"],
                  raw)


if __name__ == "__main__":
    main()
