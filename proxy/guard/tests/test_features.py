"""The hashed feature vector: both ways of counting buckets give exactly the same vector."""

import numpy as np
import pytest

from proxy.guard.detectors import features


@pytest.mark.parametrize("size", [1, 7, 500, features._SORT_COUNT_BELOW - 1, 5000])
def test_sorted_and_dense_bucket_counts_agree(size):
    rng = np.random.default_rng(size)
    index = rng.integers(0, features.DIM, size=size).astype(np.intp)
    index[size // 2 :] = index[: size - size // 2]  # plenty of repeated buckets
    weight = rng.random(size)
    dense = np.bincount(index, weights=weight, minlength=features.DIM)[index]
    assert np.array_equal(features._weighted_counts(index, weight), dense)


def test_short_and_long_prompts_vectorise_to_unit_length():
    for text in ("Summarise this text.", "Explain the code below, line by line. " * 300):
        index, values = features.vectorise(text)
        totals = np.bincount(index, weights=values.astype(np.float64), minlength=features.DIM)
        assert np.isclose(np.sqrt((totals**2).sum()), 1.0, atol=1e-5)
