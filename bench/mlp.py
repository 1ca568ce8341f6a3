"""Multi-layer perceptrons side by side with PyTorch (eager, CPU) and scikit-learn, in one run.

    python bench/mlp.py [--repeats R] [--quick] [--workloads NAME [NAME ...]]

Data: MNIST t10k (../shared/data/mnist_t10k, read with traincore.datasets.load_mnist: float32
pixels in [0, 1]), split with a fixed seed into 8,000 training and 2,000 held-out images. The full
MNIST training set is not available here (../shared/data/SOURCES.md, note 4), so the 8,000 training
images are expanded to 60,000 x 784 with 52,000 copies shifted by -2..2 pixels in x and y (np.roll
on the 28 x 28 image; fixed seed).

Workloads (every library: 3 epochs, Adam with lr 1e-3, no L2, ReLU, softmax cross-entropy,
shuffled every epoch, float32, 2 threads):
  mlp_256_128_b128   784-256-128-10 at batch 128 (the main workload)
  mlp_256_128_b32    784-256-128-10 at batch 32
  mlp_64_64_b128     784-64-64-10 at batch 128
Libraries: traincore MLPClassifier; PyTorch nn.Sequential of Linear/ReLU with CrossEntropyLoss and
torch.optim.Adam in a plain loop over index slices of a shuffled permutation (no DataLoader);
scikit-learn MLPClassifier(solver="adam"). Reports the median fit time over --repeats (default 3,
after 1 untimed warm-up fit), the held-out accuracy, and each library's time / traincore's time.
--quick is a smoke test: 2,000 training rows, 1 epoch, 1 repeat, written to results/mlp_quick.*
(never over the real results). A library that is not installed
is skipped with a message; the others still run.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, NamedTuple, Optional

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import median_seconds, write_results  # noqa: E402

from traincore.datasets import load_mnist  # noqa: E402

MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist_t10k"
THREADS = 2
N_HELD_OUT = 2_000
N_TRAIN_SPLIT = 10_000 - N_HELD_OUT
N_TRAIN, EPOCHS, REPEATS = 60_000, 3, 3
QUICK_N_TRAIN, QUICK_EPOCHS, QUICK_REPEATS = 2_000, 1, 1
MAX_SHIFT = 2
LEARNING_RATE = 1e-3
SEED = 0


class Workload(NamedTuple):
    hidden: tuple[int, ...]
    batch_size: int


WORKLOADS = {
    "mlp_256_128_b128": Workload((256, 128), 128),
    "mlp_256_128_b32": Workload((256, 128), 32),
    "mlp_64_64_b128": Workload((64, 64), 128),
}


class Data(NamedTuple):
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_shifted: int  # trailing training rows that are shifted copies


class Library(NamedTuple):
    name: str
    fit: Callable[[np.ndarray, np.ndarray], Any]
    predict: Callable[[Any, np.ndarray], np.ndarray]


def shifted_copies(images: np.ndarray, n_copies: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n_copies images drawn from `images` (n x side^2), each rolled by -MAX_SHIFT..MAX_SHIFT
    pixels along x and y; returns them and the row of `images` each came from."""
    side = int(round(np.sqrt(images.shape[1])))
    square = images.reshape(-1, side, side)
    source = rng.integers(0, len(images), n_copies)
    dx, dy = rng.integers(-MAX_SHIFT, MAX_SHIFT + 1, (2, n_copies))
    copies = np.empty((n_copies, side, side), dtype=images.dtype)
    for shift_x in range(-MAX_SHIFT, MAX_SHIFT + 1):
        for shift_y in range(-MAX_SHIFT, MAX_SHIFT + 1):
            rows = np.flatnonzero((dx == shift_x) & (dy == shift_y))
            copies[rows] = np.roll(square[source[rows]], (shift_y, shift_x), axis=(1, 2))
    return copies.reshape(n_copies, -1), source


def load_data(n_train: int) -> Data:
    """The fixed split of MNIST t10k; the training part cut to its first n_train rows, or expanded
    to n_train rows with shifted copies."""
    X, y, _, _ = load_mnist(MNIST, kind="t10k", dtype=np.float32)
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(y))
    test, train = order[:N_HELD_OUT], order[N_HELD_OUT:]
    X_train, y_train = X[train[:n_train]], y[train[:n_train]]
    n_shifted = max(0, n_train - len(train))
    if n_shifted:
        copies, source = shifted_copies(X_train, n_shifted, rng)
        X_train, y_train = np.concatenate([X_train, copies]), np.concatenate([y_train, y_train[source]])
    return Data(X_train, y_train, X[test], y[test], n_shifted)


def data_note(data: Data) -> str:
    n_train, n_features = data.X_train.shape
    n_original = n_train - data.n_shifted
    note = (f"data: MNIST t10k ({MNIST}, SOURCES.md), split with seed {SEED} into {N_TRAIN_SPLIT:,} training and "
            f"{N_HELD_OUT:,} held-out images (accuracy is on the held-out ones); ")
    if not data.n_shifted:
        return note + f"training on the first {n_train:,} training images ({n_features} float32 pixels in [0, 1])"
    return note + (f"the training set is expanded to {n_train:,} x {n_features} float32 with {data.n_shifted:,} "
                   f"copies of the {n_original:,} training images, each shifted by -{MAX_SHIFT}..{MAX_SHIFT} pixels "
                   f"in x and y (np.roll on the 28 x 28 image, seed {SEED}), because the full MNIST training set is "
                   "not available here (SOURCES.md note 4)")


def traincore_library(workload: Workload, epochs: int) -> Optional[Library]:
    try:
        from traincore.neural_network import MLPClassifier
    except ImportError as exc:
        if exc.name != "traincore.neural_network":
            raise
        return None

    def fit(X: np.ndarray, y: np.ndarray) -> Any:
        return MLPClassifier(hidden_layer_sizes=workload.hidden, activation="relu", optimizer="adam",
                             learning_rate=LEARNING_RATE, batch_size=workload.batch_size, max_epochs=epochs,
                             alpha=0.0, tol=None, random_state=SEED, n_threads=THREADS).fit(X, y)

    return Library("traincore MLPClassifier", fit, lambda model, X: model.predict(X))


def torch_library(workload: Workload, epochs: int) -> Optional[Library]:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(THREADS)

    def fit(X: np.ndarray, y: np.ndarray) -> Any:
        torch.manual_seed(SEED)
        layers: list[torch.nn.Module] = []
        width = X.shape[1]
        for units in workload.hidden:
            layers += [torch.nn.Linear(width, units), torch.nn.ReLU()]
            width = units
        model = torch.nn.Sequential(*layers, torch.nn.Linear(width, int(y.max()) + 1))
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, weight_decay=0.0)
        loss_fn = torch.nn.CrossEntropyLoss()
        X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
        generator = torch.Generator().manual_seed(SEED)
        for _ in range(epochs):
            order = torch.randperm(len(y), generator=generator)
            for start in range(0, len(y), workload.batch_size):
                rows = order[start:start + workload.batch_size]
                optimizer.zero_grad()
                loss_fn(model(X_t[rows]), y_t[rows]).backward()
                optimizer.step()
        return model

    def predict(model: Any, X: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model(torch.from_numpy(X)).argmax(dim=1).numpy()

    return Library("PyTorch eager (nn.Sequential + Adam)", fit, predict)


def sklearn_library(workload: Workload, epochs: int) -> Optional[Library]:
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None

    def fit(X: np.ndarray, y: np.ndarray) -> Any:
        model = MLPClassifier(hidden_layer_sizes=workload.hidden, activation="relu", solver="adam",
                              learning_rate_init=LEARNING_RATE, batch_size=workload.batch_size, max_iter=epochs,
                              alpha=0.0, tol=0, n_iter_no_change=10**9, shuffle=True, random_state=SEED)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return model.fit(X, y)

    return Library("scikit-learn MLPClassifier (adam)", fit, lambda model, X: model.predict(X))


LIBRARIES = {"traincore": traincore_library, "torch": torch_library, "scikit-learn": sklearn_library}


def run_workload(name: str, workload: Workload, data: Data, epochs: int, repeats: int) -> dict[str, dict[str, float]]:
    """{library: {"seconds": median fit time, "accuracy": held-out accuracy}} for every library
    that is installed."""
    results = {}
    for make in LIBRARIES.values():
        library = make(workload, epochs)
        if library is None:
            continue
        holder: dict[str, Any] = {}

        def run() -> None:
            holder["model"] = library.fit(data.X_train, data.y_train)

        seconds = median_seconds(run, repeats, warmup=1)
        accuracy = float(np.mean(library.predict(holder["model"], data.X_test) == data.y_test))
        results[library.name] = {"seconds": seconds, "accuracy": accuracy}
        print(f"{name}: {library.name}: {seconds:.3f} s, held-out accuracy {accuracy:.4f}", flush=True)
    return results


def table_rows(name: str, results: dict[str, dict[str, float]]) -> list[list[Any]]:
    ours = results.get("traincore MLPClassifier", {}).get("seconds")
    return [[name, library, f"{r['seconds']:.3f}", f"{r['accuracy']:.4f}",
             f"{r['seconds'] / ours:.2f}" if ours else "n/a (traincore skipped)"] for library, r in results.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=None,
                        help=f"timed fits per library (default {REPEATS}, {QUICK_REPEATS} with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke test: {QUICK_N_TRAIN} training rows, {QUICK_EPOCHS} epoch, {QUICK_REPEATS} repeat")
    parser.add_argument("--workloads", nargs="+", choices=list(WORKLOADS), default=list(WORKLOADS))
    args = parser.parse_args()
    n_train, epochs = (QUICK_N_TRAIN, QUICK_EPOCHS) if args.quick else (N_TRAIN, EPOCHS)
    repeats = args.repeats or (QUICK_REPEATS if args.quick else REPEATS)
    if not MNIST.exists():
        sys.exit(f"MNIST t10k not found at {MNIST} (see ../shared/data/SOURCES.md)")
    skipped = [library for library, make in LIBRARIES.items() if make(WORKLOADS[args.workloads[0]], epochs) is None]
    for library in skipped:
        print(f"{library} skipped: "
              + ("traincore.neural_network.MLPClassifier is not available" if library == "traincore" else "not installed"),
              flush=True)
    data = load_data(n_train)
    rows: list[list[Any]] = []
    raw: dict[str, Any] = {}
    with threadpool_limits(limits=THREADS):
        for name in args.workloads:
            raw[name] = run_workload(name, WORKLOADS[name], data, epochs, repeats)
            rows += table_rows(name, raw[name])
    command = " ".join(["python bench/mlp.py", f"--repeats {repeats}", *(["--quick"] if args.quick else []),
                        *(["--workloads", *args.workloads] if args.workloads != list(WORKLOADS) else [])])
    write_results(
        "mlp_quick" if args.quick else "mlp", "Multi-layer perceptrons on MNIST", command,
        ["workload", "library", "fit seconds (median)", "held-out accuracy", "speed-up of traincore (this time / traincore's)"],
        rows,
        [data_note(data),
         f"every library: {epochs} epoch(s), Adam lr {LEARNING_RATE:g}, no L2, ReLU, softmax cross-entropy, shuffled "
         f"every epoch, float32, {THREADS} threads (traincore n_threads, torch.set_num_threads, threadpoolctl for "
         "numpy and scikit-learn)",
         "PyTorch: eager nn.Sequential with CrossEntropyLoss and torch.optim.Adam, a plain loop over index slices of "
         "torch.randperm (no DataLoader); scikit-learn: MLPClassifier(solver='adam', alpha=0, tol=0, "
         "n_iter_no_change=10**9), ConvergenceWarning silenced",
         f"median of {repeats} fit(s) after 1 warm-up fit; speed-up = this library's fit time / traincore's",
         *[f"skipped: {library}" for library in skipped]],
        {"threads": THREADS, "repeats": repeats, "epochs": epochs, "n_train": len(data.y_train),
         "n_held_out": N_HELD_OUT, "quick": args.quick, "skipped": skipped, "results": raw})


if __name__ == "__main__":
    main()
