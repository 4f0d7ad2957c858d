"""The static-embedding feature view: WordPiece tokenisation, pooling and its use by the detector.

Uses a tiny hand-made table, so it runs without the distilled table (which is not shipped; see
docs/guard.md) and without torch.
"""

import numpy as np
import pytest

from proxy.guard.detectors import embed
from proxy.guard.detectors.default import BENIGN, HARMFUL, Artefact, DefaultDetector
from proxy.guard.detectors.embed import StaticEmbedder
from proxy.guard.detectors.features import DIM
from proxy.guard.taxonomy import INTENTS

TOKENS = [
    "[PAD]",
    "[UNK]",
    "!",
    ",",
    "hello",
    "world",
    "##s",
    "un",
    "##believ",
    "##able",
    "cafe",
    "猫",
    "bomb",
]


@pytest.fixture
def embedder() -> StaticEmbedder:
    vectors = np.zeros((len(TOKENS), 4), dtype=np.float16)
    for index in range(len(TOKENS)):
        vectors[index, index % 4] = 1.0 + index / 10
    return StaticEmbedder(TOKENS, vectors)


def _pieces(embedder: StaticEmbedder, text: str) -> list[str]:
    return [TOKENS[i] for i in embedder.token_ids(text)]


def test_wordpiece_splits_words_and_punctuation_like_bert(embedder):
    assert _pieces(embedder, "Hello, worlds!") == ["hello", ",", "world", "##s", "!"]
    assert _pieces(embedder, "UNBELIEVABLE") == ["un", "##believ", "##able"]


def test_accents_are_stripped_cjk_is_split_and_unknown_words_dropped(embedder):
    assert _pieces(embedder, "Café") == ["cafe"]
    assert _pieces(embedder, "猫猫") == ["猫", "猫"]
    # "xyz" has no piece in the vocabulary: the whole word is unknown and dropped (as model2vec).
    assert _pieces(embedder, "hello xyz world") == ["hello", "world"]
    assert _pieces(embedder, "worldxyz") == []


def test_long_prompts_read_only_head_and_tail_words(embedder):
    text = "hello " * 5_000 + "bomb"
    ids = embedder.token_ids(text)
    assert len(ids) == embed.HEAD_WORDS + embed.TAIL_WORDS
    assert TOKENS[ids[-1]] == "bomb"


def test_embedding_is_unit_mean_of_token_vectors(embedder):
    vector = embedder.embed("hello world")
    expected = embedder.vectors[[4, 5]].astype(np.float32).sum(axis=0)
    np.testing.assert_allclose(vector, expected / np.linalg.norm(expected), rtol=1e-6)
    assert not embedder.embed("zzz qqq").any()


def test_detector_adds_the_embedding_head_to_the_ngram_logits(embedder):
    """An artefact with embedding weights moves the misuse reading; one without them does not."""
    classes = 4 + len(INTENTS)
    weights = np.zeros((DIM, classes), dtype=np.float32)
    embed_weights = np.zeros((4, classes), dtype=np.float32)
    embed_weights[:, HARMFUL] = 20.0  # every dimension of "bomb"'s vector points to harmful

    def detector(with_embedding: bool) -> DefaultDetector:
        artefact = Artefact(
            weights=weights,
            misuse_bias=np.zeros(4, dtype=np.float32),
            intent_bias=np.zeros(len(INTENTS), dtype=np.float32),
            threshold=0.5,
            meta={},
            embed_weights=embed_weights if with_embedding else None,
        )
        return DefaultDetector(artefact, embedder=embedder)

    plain, _, _ = detector(False).scores("bomb")
    semantic, _, _ = detector(True).scores("bomb")
    assert plain[BENIGN] == pytest.approx(0.25)
    assert semantic[HARMFUL] > 0.99
    unknown, _, _ = detector(True).scores("qqq")  # no known token: zero vector, no effect
    assert unknown[BENIGN] == pytest.approx(0.25)


def test_shipped_artefact_needs_no_missing_table():
    """An artefact built with --embed-dims is useless without its table: never ship one alone."""
    from proxy.guard.detectors.default import load_artefact

    artefact = load_artefact()
    assert artefact.embed_weights is None or embed.TABLE.is_file()
