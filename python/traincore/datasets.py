"""Dataset readers: IDX files (LeCun's MNIST format, plain or gzip-compressed), MNIST as a
``Dataset``, and the small real dataset bundled with traincore (for the demo and examples).

    from traincore.datasets import load_idx, load_mnist
    images = load_idx("t10k-images-idx3-ubyte.gz")     # uint8, shape (10000, 28, 28)
    X, y, _, _ = load_mnist("mnist_folder", kind="t10k")  # X float32 (10000, 784) in [0, 1], y int64
"""
from __future__ import annotations

import gzip
import os
import zlib
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple, Union

import numpy as np

__all__ = ["Dataset", "load_breast_cancer", "load_idx", "load_mnist"]

_PathLike = Union[str, "os.PathLike[str]"]

# IDX type byte -> big-endian dtype of the stored values
_IDX_DTYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}
# More dimensions than numpy 1.x can hold means a corrupt header, not real data.
_IDX_MAX_DIMS = 32


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


def load_idx(path: _PathLike) -> np.ndarray:
    """Read an IDX file (the MNIST format), plain or gzip-compressed.

    The header is two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
    0x0D float32, 0x0E float64), the number of dimensions, then one big-endian uint32 size per
    dimension; the values follow, big-endian, in C order. Gzip is recognised by its magic bytes
    (1f 8b), whatever the file is called.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.

    Returns
    -------
    numpy.ndarray
        A new array of the stored dtype, in native byte order, with the stored shape.

    Raises
    ------
    ValueError
        Naming the file and the problem: a bad gzip stream, a wrong magic number, an unknown type
        byte, a dimension count of 0 or above 32, a truncated header or data, or bytes left over
        after the data.
    """
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{path}: corrupt gzip stream ({exc})") from exc
    if len(raw) < 4:
        raise ValueError(f"{path}: truncated IDX header: {len(raw)} bytes, a header needs at least 4")
    if raw[:2] != b"\x00\x00":
        raise ValueError(f"{path}: not an IDX file: magic number starts with bytes {raw[:2].hex(' ')}, expected 00 00")
    type_byte, n_dims = raw[2], raw[3]
    if type_byte not in _IDX_DTYPES:
        known = ", ".join(f"0x{code:02X}" for code in _IDX_DTYPES)
        raise ValueError(f"{path}: unknown IDX type byte 0x{type_byte:02X} (known: {known})")
    if not 1 <= n_dims <= _IDX_MAX_DIMS:
        raise ValueError(f"{path}: IDX dimension count {n_dims} is outside 1..{_IDX_MAX_DIMS}")
    offset = 4 + 4 * n_dims
    if len(raw) < offset:
        raise ValueError(f"{path}: truncated IDX header: {n_dims} dimensions need {offset} bytes, the file has {len(raw)}")
    shape = tuple(int(size) for size in np.frombuffer(raw, dtype=">u4", count=n_dims, offset=4))
    stored = _IDX_DTYPES[type_byte]
    native = stored.newbyteorder("=")
    count = int(np.prod(shape, dtype=object))
    expected, found = count * stored.itemsize, len(raw) - offset
    if found < expected:
        raise ValueError(f"{path}: truncated IDX data: shape {shape} of {native.name} needs "
                         f"{expected} bytes, the file has {found}")
    if found > expected:
        raise ValueError(f"{path}: {found - expected} trailing bytes after the IDX data of shape {shape} "
                         f"({native.name}, {expected} bytes)")
    return np.frombuffer(raw, dtype=stored, count=count, offset=offset).astype(native).reshape(shape)


def _idx_file(folder: Path, name: str) -> Path:
    for candidate in (folder / name, folder / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{folder}: neither {name} nor {name}.gz exists")


def load_mnist(folder: _PathLike, kind: str = "t10k", dtype: type = np.float32) -> Dataset:
    """MNIST images and labels from ``<kind>-images-idx3-ubyte`` and ``<kind>-labels-idx1-ubyte``
    (each plain or with ``.gz``) in ``folder``; ``kind`` is ``"train"`` or ``"t10k"`` for the
    files as distributed.

    Parameters
    ----------
    folder : str or os.PathLike
        The folder holding the two files.
    kind : str
        The file name prefix.
    dtype : type
        The floating dtype of X.

    Returns
    -------
    Dataset
        X of shape (n, rows * cols) (n, 784 for MNIST) scaled from 0..255 to [0, 1]; y int64
        digits 0..9.

    Raises
    ------
    ValueError
        If a file is not valid IDX (see ``load_idx``), the images are not 3-D uint8, the labels
        not 1-D uint8 digits 0..9, or the counts of images and labels differ.
    """
    folder = Path(folder)
    images_path = _idx_file(folder, f"{kind}-images-idx3-ubyte")
    labels_path = _idx_file(folder, f"{kind}-labels-idx1-ubyte")
    images, labels = load_idx(images_path), load_idx(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"{images_path}: expected 3-D uint8 images, got shape {images.shape} of {images.dtype}")
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise ValueError(f"{labels_path}: expected 1-D uint8 labels, got shape {labels.shape} of {labels.dtype}")
    if len(images) != len(labels):
        raise ValueError(f"{folder}: {len(images)} images in {images_path.name} but {len(labels)} labels "
                         f"in {labels_path.name}")
    if labels.size and labels.max() > 9:
        raise ValueError(f"{labels_path}: labels must be digits 0..9, found {int(labels.max())}")
    n, rows, cols = images.shape
    X: np.ndarray = images.reshape(n, rows * cols).astype(dtype)
    X /= 255
    return Dataset(X, labels.astype(np.int64), tuple(str(digit) for digit in range(10)),
                   f"MNIST {kind}: {n} images of {rows} x {cols} pixels scaled to [0, 1], digits 0..9")
