"""Saving and loading models: one versioned binary format for every estimator (DESIGN contract 10).

A file is::

    magic       8 bytes   b"TRNCORE\\x00"
    header_len  8 bytes   little-endian uint64
    header      JSON (UTF-8): format version, library version, estimator class, its
                parameters, its fitted attributes that are plain values, and a table of arrays
                (name, dtype, shape, offset, nbytes)
    payload     the arrays' raw little-endian bytes, each at an 8-byte aligned offset
    checksum    32 bytes  SHA-256 of everything before it

Loading checks the magic, every length, the checksum, the JSON, every table entry (known dtype,
bounds inside the payload, size matching the shape) and that the class is one of traincore's
estimators, so a truncated, corrupted or hostile file raises ``ValueError``; nothing in a file is
executed and no pickle is involved. Pickling an estimator goes through the same bytes.
"""
from __future__ import annotations

import hashlib
import math
import json
import os
import struct
from typing import Any, Union

import numpy as np

__all__ = ["save", "load", "dumps", "loads", "FORMAT_VERSION"]

MAGIC = b"TRNCORE\x00"
FORMAT_VERSION = 1
_CHECKSUM_BYTES = 32
_ALIGN = 8
_DTYPES = {"<f4", "<f8", "<i4", "<i8", "|u1", "|b1"}
_MAX_HEADER_BYTES = 64 << 20

PathLike = Union[str, "os.PathLike[str]"]


def _registry() -> dict[str, type]:
    from .base import ESTIMATOR_REGISTRY
    return ESTIMATOR_REGISTRY


def dumps(estimator: Any) -> bytes:
    """The estimator in traincore's model format, as bytes."""
    name = type(estimator).__name__
    registered: Any = _registry().get(name)
    if registered is not type(estimator):
        raise TypeError(f"estimator: {name} is not a traincore estimator")
    values, arrays = estimator._get_fitted_state()
    table, chunks, offset = [], [], 0
    for array_name, array in arrays.items():
        array = np.ascontiguousarray(array)
        dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
        array = array.astype(dtype, copy=False)
        if array.dtype.str not in _DTYPES:
            raise TypeError(f"{array_name}: arrays of dtype {array.dtype} cannot be saved")
        data = array.tobytes()
        table.append({"name": array_name, "dtype": array.dtype.str, "shape": list(array.shape),
                      "offset": offset, "nbytes": len(data)})
        padding = (-len(data)) % _ALIGN
        chunks.append(data + b"\x00" * padding)
        offset += len(data) + padding
    from . import __version__
    header = json.dumps({
        "format": "traincore-model", "format_version": FORMAT_VERSION,
        "library_version": __version__, "estimator": name,
        "params": estimator._saved_params(), "values": values, "arrays": table,
    }, allow_nan=True, sort_keys=True).encode("utf-8")
    body = MAGIC + struct.pack("<Q", len(header)) + header + b"".join(chunks)
    return body + hashlib.sha256(body).digest()


def save(estimator: Any, path: PathLike) -> None:
    """Write the estimator to ``path`` (atomically: a temporary file then a rename)."""
    data = dumps(estimator)
    path = os.fspath(path)
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


def _bad(message: str) -> ValueError:
    return ValueError(f"not a valid traincore model: {message}")


def loads(data: bytes) -> Any:
    """The estimator stored in ``data`` (bytes of the model format)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data: expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) < len(MAGIC) + 8 + _CHECKSUM_BYTES or not data.startswith(MAGIC):
        raise _bad("the file does not start with the traincore magic bytes (wrong or truncated file)")
    body, checksum = data[:-_CHECKSUM_BYTES], data[-_CHECKSUM_BYTES:]
    if hashlib.sha256(body).digest() != checksum:
        raise _bad("the checksum does not match (the file is corrupted or truncated)")
    (header_len,) = struct.unpack_from("<Q", body, len(MAGIC))
    start = len(MAGIC) + 8
    if header_len > min(len(body) - start, _MAX_HEADER_BYTES):
        raise _bad("the header length exceeds the file")
    try:
        header = json.loads(body[start:start + header_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _bad(f"the header is not valid JSON ({error})") from None
    if not isinstance(header, dict) or header.get("format") != "traincore-model":
        raise _bad("the header does not describe a traincore model")
    version = header.get("format_version")
    if not isinstance(version, int) or version < 1 or version > FORMAT_VERSION:
        raise _bad(f"format version {version!r} is not supported by this traincore (reads 1..{FORMAT_VERSION})")
    name = header.get("estimator")
    cls = _registry().get(name) if isinstance(name, str) else None
    if cls is None:
        raise _bad(f"unknown estimator {name!r}")
    params, values, table = header.get("params"), header.get("values"), header.get("arrays")
    if not isinstance(params, dict) or not isinstance(values, dict) or not isinstance(table, list):
        raise _bad("the header lacks params, values or arrays")
    payload = memoryview(body)[start + header_len:]
    arrays: dict[str, np.ndarray] = {}
    for entry in table:
        arrays.update([_read_array(entry, payload)])
    from .base import _decode
    try:
        estimator = cls(**{k: _decode(v) for k, v in params.items()})
    except (TypeError, ValueError) as error:
        raise _bad(f"its parameters do not fit {name} ({error})") from None
    try:
        estimator._set_fitted_state(values, arrays)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise _bad(f"its fitted state is inconsistent ({error})") from None
    return estimator


def _read_array(entry: Any, payload: memoryview) -> tuple[str, np.ndarray]:
    if not isinstance(entry, dict):
        raise _bad("an array entry is not an object")
    name, dtype, shape = entry.get("name"), entry.get("dtype"), entry.get("shape")
    offset, nbytes = entry.get("offset"), entry.get("nbytes")
    if not isinstance(offset, int) or not isinstance(nbytes, int):
        raise _bad(f"array {name!r} has an invalid offset or size")
    if not isinstance(name, str) or dtype not in _DTYPES:
        raise _bad(f"array {name!r} has an unsupported dtype {dtype!r}")
    if not isinstance(shape, list) or not all(isinstance(s, int) and s >= 0 for s in shape):
        raise _bad(f"array {name!r} has an invalid shape {shape!r}")
    if not all(isinstance(v, int) and v >= 0 for v in (offset, nbytes)):
        raise _bad(f"array {name!r} has an invalid offset or size")
    itemsize = np.dtype(dtype).itemsize
    if nbytes != math.prod(shape) * itemsize or offset % _ALIGN:
        raise _bad(f"array {name!r}: its size does not match its shape")
    if offset + nbytes > len(payload):
        raise _bad(f"array {name!r} lies outside the file")
    array = np.frombuffer(payload[offset:offset + nbytes], dtype=dtype).reshape(shape).copy()
    return name, array


def load(path: PathLike) -> Any:
    """Read an estimator saved with ``save`` (or ``estimator.save``)."""
    with open(os.fspath(path), "rb") as f:
        return loads(f.read())
