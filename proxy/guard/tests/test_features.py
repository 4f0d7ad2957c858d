"""The hashed feature vector: bucket counts match a dense bincount exactly, and leave no trace."""

import warnings

import numpy as np
import pytest

from proxy.guard.detectors import features


@pytest.mark.parametrize("size", [1, 7, 500, 2047, 5000])
def test_bucket_counts_equal_a_dense_bincount_and_leave_the_scratch_clean(size):
    rng = np.random.default_rng(size)
    index = rng.integers(0, features.DIM, size=size).astype(np.intp)
    index[size // 2 :] = index[: size - size // 2]  # plenty of repeated buckets
    weight = rng.random(size)
    dense = np.bincount(index, weights=weight, minlength=features.DIM)[index]
    assert np.array_equal(features._weighted_counts(index, weight), dense)
    assert np.array_equal(features._weighted_counts(index, weight), dense)  # nothing left over
    assert not features._scratch.buffer.any()


def test_threads_count_independently():
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Explain topic number {n} in detail, please. " * (1 + n % 7) for n in range(64)]
    expected = [features.vectorise(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(features.vectorise, texts * 4))
    for n, (index, values) in enumerate(results):
        assert np.array_equal(index, expected[n % 64][0]) and np.array_equal(values, expected[n % 64][1])


def test_short_and_long_prompts_vectorise_to_unit_length():
    for text in ("Summarise this text.", "Explain the code below, line by line. " * 300):
        index, values = features.vectorise(text)
        totals = np.bincount(index, weights=values.astype(np.float64), minlength=features.DIM)
        assert np.isclose(np.sqrt((totals**2).sum()), 1.0, atol=1e-5)


@pytest.mark.parametrize(
    "text", ["", "a", "h4ck th3 pl4n3t", "ünïcødé " * 300, "\U0001f600" * 50, "x" * 20_000]
)
def test_hashing_raises_no_overflow_warning_without_errstate(text):
    # The rolling hashes wrap around uint64 on purpose; vectorise relies on NumPy not warning
    # about integer overflow in array operations (it dropped np.errstate for speed).
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        index, values = features.vectorise(text)
    assert index.shape == values.shape
