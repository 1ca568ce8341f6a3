"""The counter-based random numbers (Philox4x32-10) and the shuffle, against the reference."""
from __future__ import annotations

import numpy as np
import pytest

from traincore import _core
from traincore.testing.reference_rng import philox4x32, shuffled_order

# Known-answer vectors of Philox4x32-10 published with Random123 (Salmon et al., 2011).
KNOWN_ANSWERS = [
    ((0, 0, 0, 0), 0, (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, 0xFFFFFFFFFFFFFFFF, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), 0x299F31D0A4093822,
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("counter,key,expected", KNOWN_ANSWERS)
def test_philox_known_answers(counter, key, expected):
    assert tuple(_core.philox4x32(list(counter), key)) == expected
    assert philox4x32(counter, key) == expected


def test_philox_matches_reference_on_random_inputs(rng):
    for _ in range(200):
        counter = tuple(int(v) for v in rng.integers(0, 2**32, 4))
        key = int(rng.integers(0, 2**63)) * 2 + int(rng.integers(0, 2))
        assert tuple(_core.philox4x32(list(counter), key)) == philox4x32(counter, key)


@pytest.mark.parametrize("n,seed,epoch", [(1, 0, 0), (2, 5, 1), (100, 42, 0), (1000, 2**64 - 1, 7)])
def test_shuffle_matches_reference(n, seed, epoch):
    order = _core.shuffled_indices(n, seed, 1, epoch)
    np.testing.assert_array_equal(order, shuffled_order(n, seed, epoch))
    np.testing.assert_array_equal(np.sort(order), np.arange(n))


def test_shuffles_differ_by_seed_epoch_and_purpose():
    base = _core.shuffled_indices(500, 1, 1, 0)
    assert not np.array_equal(base, _core.shuffled_indices(500, 2, 1, 0))
    assert not np.array_equal(base, _core.shuffled_indices(500, 1, 1, 1))
    assert not np.array_equal(base, _core.shuffled_indices(500, 1, 2, 0))
    np.testing.assert_array_equal(base, _core.shuffled_indices(500, 1, 1, 0))


def test_shuffle_is_uniform_enough():
    """Each element lands in each position about equally often (chi-square style bound)."""
    n, trials = 5, 20_000
    counts = np.zeros((n, n))
    for epoch in range(trials):
        order = _core.shuffled_indices(n, 123, 1, epoch)
        counts[order, np.arange(n)] += 1
    expected = trials / n
    assert np.abs(counts - expected).max() < 5 * np.sqrt(expected)
