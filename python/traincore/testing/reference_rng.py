"""Reference of the counter-based random numbers the core uses for shuffling and sampling.

Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3",
SC 2011): a 128-bit counter and a 64-bit key pass through ten rounds of

    (c0, c1, c2, c3) <- (hi(M1 c2) ^ c1 ^ k0,  lo(M1 c2),  hi(M0 c0) ^ c3 ^ k1,  lo(M0 c0)),
    M0 = 0xD2511F53, M1 = 0xCD9E8D57,  and the key is bumped by (0x9E3779B9, 0xBB67AE85).

traincore keys it with ``random_state`` and puts (index, epoch, purpose) in the counter; 64 bits
of output become an integer in [0, m) as floor(bits * m / 2^64) (Lemire, 2019), and a shuffle is
Fisher-Yates from the last position down, draw i choosing the partner of position i.
"""
from __future__ import annotations

import numpy as np

MASK32 = 0xFFFFFFFF
PURPOSE_SHUFFLE = 1
PURPOSE_VALIDATION_SPLIT = 2


def philox4x32(counter: tuple[int, int, int, int], key: int) -> tuple[int, int, int, int]:
    """Ten Philox rounds on a counter of four 32-bit words with a 64-bit key."""
    c0, c1, c2, c3 = (w & MASK32 for w in counter)
    k0, k1 = key & MASK32, (key >> 32) & MASK32
    for _ in range(10):
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0, p1 & MASK32, (p0 >> 32) ^ c3 ^ k1, p0 & MASK32)
        k0 = (k0 + 0x9E3779B9) & MASK32
        k1 = (k1 + 0xBB67AE85) & MASK32
    return c0, c1, c2, c3


def random_bits(seed: int, purpose: int, epoch: int, index: int) -> int:
    """64 random bits: draw ``index`` of the stream (purpose, epoch) under ``seed``."""
    out = philox4x32((index & MASK32, index >> 32, epoch, purpose), seed)
    return (out[0] << 32) | out[1]


def bounded(bits: int, bound: int) -> int:
    """A uniform integer in [0, bound) from 64 random bits."""
    return (bits * bound) >> 64


def shuffled_order(n: int, seed: int, epoch: int, purpose: int = PURPOSE_SHUFFLE) -> np.ndarray:
    """The permutation of range(n) that the core's shuffle produces for this epoch."""
    order = np.arange(n)
    for i in range(n - 1, 0, -1):
        j = bounded(random_bits(seed, purpose, epoch, i), i + 1)
        order[i], order[j] = order[j], order[i]
    return order
