"""Synonym-substitution copies of short misuse rows (training/augment.py)."""

import numpy as np

from proxy.guard.detectors.embed import StaticEmbedder
from proxy.guard.training import augment

# "weapon" sits next to "gun" and "rifle" (and its inflection "weapons"); "cake" is far away.
VECTORS = {
    "weapon": [1.0, 0.0, 0.0],
    "weapons": [0.99, 0.1, 0.0],
    "gun": [0.95, 0.2, 0.0],
    "rifle": [0.9, 0.3, 0.0],
    "cake": [0.0, 0.0, 1.0],
    "the": [1.0, 0.05, 0.0],
}


def _embedder() -> StaticEmbedder:
    tokens = ["[PAD]", "[UNK]", *VECTORS]
    vectors = np.array([[0, 0, 0], [0, 0, 0], *VECTORS.values()], dtype=np.float16)
    return StaticEmbedder(tokens, vectors)


def test_neighbours_are_close_words_not_inflections_or_function_words():
    found = augment.neighbours(_embedder(), ["weapon", "cake", "the", "unknownword"])
    assert found == {"weapon": ["gun", "rifle"]}  # not "weapons" (same stem), not "the"


def test_short_misuse_rows_get_one_deterministic_copy_with_their_label():
    rows = [
        dict(
            text=f"Weapon {i}: where can I buy a weapon?", misuse="harmful", intent=None, source="s", group=""
        )
        for i in range(20)
    ]
    rows += [
        dict(text="Bake a cake with a weapon. " * 30, misuse="benign", intent=None, source="s", group=""),
        dict(text="a weapon for the intent head only", misuse=None, intent="writing", source="s", group=""),
        dict(text="weapon", misuse="injection", intent=None, source="s", group="", trainable=False),
    ]
    copies = augment.augmented_rows(rows, _embedder())
    assert copies == augment.augmented_rows(rows, _embedder())
    assert copies and all(copy["misuse"] == "harmful" and copy["source"] == augment.SOURCE for copy in copies)
    assert all(copy["text"] not in {row["text"] for row in rows} for copy in copies)
    # Only "weapon" has neighbours; everything else in the sentence stays, case is kept.
    assert {word for copy in copies for word in copy["text"].split()} <= {
        *["where", "can", "I", "buy", "a"],
        *(f"{i}:" for i in range(20)),
        "Weapon",
        "Gun",
        "Rifle",
        "weapon?",
        "gun?",
        "rifle?",
    }
