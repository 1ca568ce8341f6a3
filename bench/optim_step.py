"""One optimiser step over a 10,000,000-element float32 buffer: traincore against torch.optim
(default, foreach and fused implementations) and an in-place numpy implementation, in one run.

    python bench/optim_step.py [--size N] [--repeats R] [--threads T]

Reports nanoseconds per element, the memory traffic in GB/s (bytes read + written by the
update), and each peer's time divided by traincore's. An optimiser step is memory-bound, so the
machine's bandwidth is the ceiling.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median_seconds, write_results  # noqa: E402

from traincore import optim  # noqa: E402

# Bytes moved per float32 element: arrays read + arrays written.
TRAFFIC = {"sgd_momentum": (3 + 2) * 4, "adam": (4 + 3) * 4, "rmsprop": (3 + 2) * 4}
HYPER = {"sgd_momentum": dict(lr=1e-3, momentum=0.9), "adam": dict(lr=1e-3),
         "rmsprop": dict(lr=1e-3)}
TRAINCORE = {"sgd_momentum": optim.SGD, "adam": optim.Adam, "rmsprop": optim.RMSprop}
TORCH = {"sgd_momentum": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}


def numpy_step(rule: str, p: np.ndarray, g: np.ndarray) -> Callable[[], None]:
    """The update written with in-place float32 ufuncs (the fastest plain-numpy form)."""
    s1, s2, tmp = np.zeros_like(p), np.zeros_like(p), np.empty_like(p)
    lr = np.float32(1e-3)
    t = [0]

    def sgd_momentum() -> None:
        np.multiply(s1, np.float32(0.9), out=s1)
        np.add(s1, g, out=s1)
        np.multiply(s1, lr, out=tmp)
        np.subtract(p, tmp, out=p)

    def adam() -> None:
        t[0] += 1
        b1, b2 = 0.9, 0.999
        np.subtract(g, s1, out=tmp); np.multiply(tmp, np.float32(1 - b1), out=tmp); np.add(s1, tmp, out=s1)
        np.multiply(s2, np.float32(b2), out=s2); np.multiply(g, g, out=tmp)
        np.multiply(tmp, np.float32(1 - b2), out=tmp); np.add(s2, tmp, out=s2)
        np.sqrt(s2, out=tmp); np.multiply(tmp, np.float32(1 / np.sqrt(1 - b2 ** t[0])), out=tmp)
        np.add(tmp, np.float32(1e-8), out=tmp); np.divide(s1, tmp, out=tmp)
        np.multiply(tmp, np.float32(1e-3 / (1 - b1 ** t[0])), out=tmp); np.subtract(p, tmp, out=p)

    def rmsprop() -> None:
        np.multiply(s1, np.float32(0.99), out=s1); np.multiply(g, g, out=tmp)
        np.multiply(tmp, np.float32(0.01), out=tmp); np.add(s1, tmp, out=s1)
        np.sqrt(s1, out=tmp); np.add(tmp, np.float32(1e-8), out=tmp)
        np.divide(g, tmp, out=tmp); np.multiply(tmp, lr, out=tmp); np.subtract(p, tmp, out=p)

    return {"sgd_momentum": sgd_momentum, "adam": adam, "rmsprop": rmsprop}[rule]


def torch_steps(rule: str, size: int, threads: int) -> dict[str, Callable[[], None]]:
    try:
        import torch
    except ImportError:
        return {}
    torch.set_num_threads(threads)
    variants: dict[str, Callable[[], None]] = {}
    for label, options in (("torch default", {}), ("torch foreach", {"foreach": True}),
                           ("torch fused", {"fused": True})):
        p = torch.zeros(size, dtype=torch.float32, requires_grad=True)
        p.grad = torch.randn(size, dtype=torch.float32)
        try:
            opt = getattr(torch.optim, TORCH[rule])([p], **HYPER[rule], **options)
            opt.step()
        except (RuntimeError, TypeError, ValueError) as error:  # fused not implemented for this rule
            print(f"# {label} {rule}: unavailable ({str(error).splitlines()[0]})")
            continue
        variants[label] = opt.step
    return variants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=25)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows: list[list[Any]] = []
    raw: dict[str, Any] = {"size": args.size, "threads": args.threads, "results": {}}
    for rule in TRAFFIC:
        p = np.zeros(args.size, np.float32)
        g = rng.standard_normal(args.size, dtype=np.float32)
        opt = TRAINCORE[rule]({"p": p}, **HYPER[rule], n_threads=args.threads)
        timings = {"traincore": median_seconds(lambda: opt.step({"p": g}), args.repeats)}
        for label, step in torch_steps(rule, args.size, args.threads).items():
            timings[label] = median_seconds(step, args.repeats)
        p_np = np.zeros(args.size, np.float32)
        timings["numpy (in-place ufuncs, 1 thread)"] = median_seconds(numpy_step(rule, p_np, g), max(5, args.repeats // 5))
        raw["results"][rule] = timings
        ours = timings["traincore"]
        for label, seconds in timings.items():
            ns = seconds / args.size * 1e9
            gbs = TRAFFIC[rule] * args.size / seconds / 1e9
            ratio = "1.00" if label == "traincore" else f"{seconds / ours:.2f}"
            rows.append([rule, label, f"{ns:.3f}", f"{gbs:.1f}", ratio])
    write_results(
        "optim_step", f"Optimiser step over {args.size:,} float32 parameters",
        f"python bench/optim_step.py --size {args.size} --repeats {args.repeats} --threads {args.threads}",
        ["rule", "implementation", "ns / element", "GB/s (read + written)", "time / traincore's"], rows,
        [f"median of {args.repeats} steps after 2 warm-up steps; {args.threads} threads for traincore and torch",
         "bytes per element: SGD-momentum 20 (p, g, buffer read; p, buffer written), Adam 28, RMSprop 20",
         "a ratio above 1 means the peer is slower than traincore"],
        raw)


if __name__ == "__main__":
    main()
