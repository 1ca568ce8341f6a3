"""IDX reader (``load_idx``) and MNIST loader (``load_mnist``): the real MNIST t10k files of
../shared/data (skipped where absent), round trips of every IDX type plain and gzip-compressed,
and every malformed-input error with its message.

    python -m pytest -q tests/test_datasets_idx.py
"""
from __future__ import annotations

import gzip
import re
import struct
from pathlib import Path

import numpy as np
import pytest

from real_data import require_shared
from traincore.datasets import load_idx, load_mnist

# type byte -> dtype, written independently of the reader's table
TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.int16, 0x0C: np.int32, 0x0D: np.float32, 0x0E: np.float64}


def idx_bytes(array: np.ndarray, type_byte: int) -> bytes:
    header = struct.pack(">BBBB", 0, 0, type_byte, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.dtype(TYPES[type_byte]).newbyteorder(">")).tobytes()


def write(path: Path, content: bytes, compress: bool = False) -> Path:
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


def sample(type_byte: int, shape: tuple[int, ...]) -> np.ndarray:
    dtype = np.dtype(TYPES[type_byte])
    n = int(np.prod(shape))
    if dtype.kind == "f":
        values = np.linspace(-3.5, 1e3, n).astype(dtype)
        if n >= 3:
            values[:3] = [np.finfo(dtype).max, -np.inf, np.nan]
    else:
        info = np.iinfo(dtype)
        values = np.linspace(info.min, info.max, n).astype(dtype)
    return values.reshape(shape)


def test_real_mnist_t10k():
    folder = require_shared("mnist_t10k")
    images = load_idx(folder / "t10k-images-idx3-ubyte.gz")
    labels = load_idx(folder / "t10k-labels-idx1-ubyte.gz")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and labels.dtype == np.uint8
    data = load_mnist(folder)
    assert data.X.shape == (10000, 784) and data.X.dtype == np.float32 and data.X.flags.c_contiguous
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    np.testing.assert_array_equal(data.X, images.reshape(10000, 784) / np.float32(255))
    assert data.y.dtype == np.int64
    counts = {0: 980, 1: 1135, 2: 1032, 3: 1010, 4: 982, 5: 892, 6: 958, 7: 1028, 8: 974, 9: 1009}
    assert dict(enumerate(np.bincount(data.y).tolist())) == counts
    assert data.target_names == tuple("0123456789")


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("type_byte", sorted(TYPES), ids=[f"0x{t:02X}" for t in sorted(TYPES)])
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 5), (2, 0, 3), (1, 2, 1, 2, 3)])
def test_round_trip(tmp_path, type_byte, compress, shape):
    array = sample(type_byte, shape)
    result = load_idx(write(tmp_path / "a.idx", idx_bytes(array, type_byte), compress))
    assert result.dtype == np.dtype(TYPES[type_byte]) and result.dtype.isnative
    assert result.shape == shape and result.flags.c_contiguous and result.flags.writeable
    np.testing.assert_array_equal(result, array)


def test_gzip_detected_by_content_not_name(tmp_path):
    array = np.arange(12, dtype=np.int32).reshape(3, 4)
    content = idx_bytes(array, 0x0C)
    np.testing.assert_array_equal(load_idx(write(tmp_path / "compressed.idx", content, compress=True)), array)
    np.testing.assert_array_equal(load_idx(write(tmp_path / "plain.gz", content)), array)
    np.testing.assert_array_equal(load_idx(str(tmp_path / "plain.gz")), array)


GOOD = idx_bytes(np.arange(6, dtype=np.int16).reshape(2, 3), 0x0B)  # 4 + 8 header bytes, 12 data bytes


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("content, message", [
    (b"", "truncated IDX header: 0 bytes, a header needs at least 4"),
    (b"\x00\x00\x08", "truncated IDX header: 3 bytes, a header needs at least 4"),
    (b"\x01\x00" + GOOD[2:], "not an IDX file: magic number starts with bytes 01 00, expected 00 00"),
    (b"PK\x03\x04" + GOOD[4:], "not an IDX file: magic number starts with bytes 50 4b, expected 00 00"),
    (b"\x00\x00\x0a" + GOOD[3:], "unknown IDX type byte 0x0A (known: 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E)"),
    (b"\x00\x00\x0b\x00", "IDX dimension count 0 is outside 1..32"),
    (b"\x00\x00\x0b\x21" + b"\x00" * 4 * 33, "IDX dimension count 33 is outside 1..32"),
    (b"\x00\x00\x0b\xff", "IDX dimension count 255 is outside 1..32"),
    (GOOD[:10], "truncated IDX header: 2 dimensions need 12 bytes, the file has 10"),
    (GOOD[:-1], "truncated IDX data: shape (2, 3) of int16 needs 12 bytes, the file has 11"),
    (GOOD[:12], "truncated IDX data: shape (2, 3) of int16 needs 12 bytes, the file has 0"),
    (b"\x00\x00\x08\x03" + struct.pack(">3I", 2**32 - 1, 2**32 - 1, 2**32 - 1),
     f"truncated IDX data: shape {(2**32 - 1,) * 3} of uint8 needs {(2**32 - 1) ** 3} bytes, the file has 0"),
    (GOOD + b"\x00", "1 trailing bytes after the IDX data of shape (2, 3) (int16, 12 bytes)"),
    (GOOD + GOOD, "24 trailing bytes after the IDX data of shape (2, 3) (int16, 12 bytes)"),
])
def test_malformed_input_raises_value_error(tmp_path, content, message, compress):
    path = write(tmp_path / "bad.idx", content, compress)
    with pytest.raises(ValueError, match=re.escape(f"{path}: {message}")):
        load_idx(path)


@pytest.mark.parametrize("mangle, problem", [
    (lambda blob: blob[:-6], "Compressed file ended before the end-of-stream marker was reached"),
    (lambda blob: blob[:-8] + b"\x00\x00\x00\x00" + blob[-4:], "CRC check failed"),
    (lambda blob: blob[:3] + b"\x00" + blob[4:10] + b"\xff" * 8 + blob[18:], "while decompressing data"),
    (lambda blob: blob + b"junk", "Not a gzipped file"),
])
def test_corrupt_gzip_raises_value_error(tmp_path, mangle, problem):
    path = write(tmp_path / "bad.idx.gz", mangle(gzip.compress(GOOD)))
    with pytest.raises(ValueError, match=re.escape(f"{path}: corrupt gzip stream (") + f".*{problem}"):
        load_idx(path)


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_idx(tmp_path / "absent.idx")


def write_mnist(folder: Path, images: np.ndarray, labels: np.ndarray, compress: bool, kind: str = "t10k") -> None:
    suffix = ".gz" if compress else ""
    write(folder / f"{kind}-images-idx3-ubyte{suffix}", idx_bytes(images, 0x08), compress)
    write(folder / f"{kind}-labels-idx1-ubyte{suffix}", idx_bytes(labels, 0x08), compress)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_load_mnist_small(tmp_path, compress):
    images = np.arange(5 * 4 * 3, dtype=np.uint8).reshape(5, 4, 3) * 4
    images[0, 0, 0] = 255
    labels = np.array([3, 0, 9, 9, 1], dtype=np.uint8)
    write_mnist(tmp_path, images, labels, compress, kind="train")
    data = load_mnist(tmp_path, kind="train")
    assert data.X.shape == (5, 12) and data.X.dtype == np.float32
    np.testing.assert_array_equal(data.X, images.reshape(5, 12).astype(np.float32) / np.float32(255))
    assert data.X[0, 0] == 1.0
    assert data.y.dtype == np.int64 and data.y.tolist() == [3, 0, 9, 9, 1]
    wide = load_mnist(str(tmp_path), kind="train", dtype=np.float64)
    assert wide.X.dtype == np.float64
    np.testing.assert_allclose(wide.X, images.reshape(5, 12) / 255.0, rtol=0, atol=0)


def test_load_mnist_errors(tmp_path):
    images = np.zeros((4, 2, 2), dtype=np.uint8)
    with pytest.raises(FileNotFoundError, match=re.escape(
            f"{tmp_path}: neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz exists")):
        load_mnist(tmp_path)
    write_mnist(tmp_path, images, np.zeros(3, dtype=np.uint8), compress=True)
    with pytest.raises(ValueError, match=re.escape(
            f"{tmp_path}: 4 images in t10k-images-idx3-ubyte.gz but 3 labels in t10k-labels-idx1-ubyte.gz")):
        load_mnist(tmp_path)
    write_mnist(tmp_path, images, np.array([0, 1, 10, 2], dtype=np.uint8), compress=True)
    with pytest.raises(ValueError, match=re.escape(
            f"{tmp_path / 't10k-labels-idx1-ubyte.gz'}: labels must be digits 0..9, found 10")):
        load_mnist(tmp_path)
    labels = tmp_path / "t10k-labels-idx1-ubyte.gz"
    write(labels, idx_bytes(np.zeros((4, 1), dtype=np.uint8), 0x08), compress=True)
    with pytest.raises(ValueError, match=re.escape(f"{labels}: expected 1-D uint8 labels, got shape (4, 1) of uint8")):
        load_mnist(tmp_path)
    write(labels, idx_bytes(np.zeros(4, dtype=np.int32), 0x0C), compress=True)
    with pytest.raises(ValueError, match=re.escape(f"{labels}: expected 1-D uint8 labels, got shape (4,) of int32")):
        load_mnist(tmp_path)
    image_file = tmp_path / "t10k-images-idx3-ubyte.gz"
    write(image_file, idx_bytes(np.zeros((4, 4), dtype=np.uint8), 0x08), compress=True)
    with pytest.raises(ValueError, match=re.escape(
            f"{image_file}: expected 3-D uint8 images, got shape (4, 4) of uint8")):
        load_mnist(tmp_path)
    write(image_file, idx_bytes(np.zeros((4, 2, 2), dtype=np.float32), 0x0D), compress=True)
    with pytest.raises(ValueError, match=re.escape(
            f"{image_file}: expected 3-D uint8 images, got shape (4, 2, 2) of float32")):
        load_mnist(tmp_path)
    write(image_file, b"\x00\x00\x08\x03", compress=True)
    with pytest.raises(ValueError, match=re.escape(f"{image_file}: truncated IDX header")):
        load_mnist(tmp_path)
