"""The static-embedding feature view: WordPiece tokenisation, pooling and its use by the detector.

Mostly a tiny hand-made table, so the mechanics are tested without torch; the last tests read
the shipped table (`artefacts/static_embed.npz`) and artefact.
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


def test_english_weight_ramps_from_half_to_three_quarters_whole_english_words():
    assert embed.english_weight(0.0) == embed.english_weight(0.5) == 0.0
    assert embed.english_weight(0.625) == pytest.approx(0.5)
    assert embed.english_weight(0.75) == embed.english_weight(1.0) == 1.0


def test_text_that_is_not_english_gets_no_vector(embedder):
    """ "猫" is in the table, but a CJK character is no English word: the English model's vectors
    would mislead the heads, so the view is off and the heads read the n-grams alone."""
    assert _pieces(embedder, "猫猫")
    assert not embedder.embed("猫猫").any()
    # Two of three words are English (share 0.67): the unit vector scaled by the ramp.
    assert np.linalg.norm(embedder.embed("hello world 猫")) == pytest.approx(embed.english_weight(2 / 3))
    assert np.linalg.norm(embedder.embed("hello world")) == pytest.approx(1.0)


def test_shipped_view_feeds_the_intent_head_only():
    """The shipped artefact reads the embedding for intent; its misuse columns are zero, so the
    misuse reading is exactly the n-gram head's (the view did not raise held-out recall)."""
    from proxy.guard.detectors.default import load_artefact

    artefact = load_artefact()
    assert embed.TABLE.is_file()
    assert artefact.embed_weights is not None
    assert artefact.embed_weights.shape[0] == embed.embedder().dims
    assert not artefact.embed_weights[:, :4].any()
    assert np.abs(artefact.embed_weights[:, 4:]).max() > 0.1


def test_build_feeds_the_view_to_the_intent_head_only(tmp_path):
    """`build.train` with `embed_misuse=False` (the default build) leaves the misuse head's
    embedding weights at zero and learns intent weights from the view; the int8 table that
    `distill.py` writes loads back to the vectors it quantised."""
    from proxy.guard.training import build, distill

    tokens = ["[PAD]", "[UNK]", "poem", "code", "python", "verse", "bug", "rhyme"]
    vectors = np.random.default_rng(0).normal(size=(len(tokens), 4)).astype(np.float32)
    codes, scales = distill.quantise(vectors)
    table = tmp_path / "table.npz"
    np.savez_compressed(table, tokens=np.array("\n".join(tokens)), codes=codes, scales=scales)
    loaded = StaticEmbedder.load(table)
    np.testing.assert_allclose(loaded.vectors, vectors, atol=np.abs(vectors).max() / 100)

    rows = [
        dict(text=text, misuse=misuse, intent=intent, source="t", group="")
        for text, misuse, intent in [
            ("poem verse rhyme", "benign", "writing"),
            ("verse rhyme poem", "benign", "writing"),
            ("python code bug", "benign", "coding"),
            ("bug code python", "benign", "coding"),
            ("ignore rules poem", "jailbreak", None),
            ("ignore rules code", "jailbreak", None),
        ]
    ]
    view = build.EmbedView(table, 4, 0.5)
    # The columns the heads train on are the run-time embedding, scaled by the view's weight.
    texts = [row["text"] for row in rows] + ["poem 猫", "12 + 3"]
    np.testing.assert_allclose(
        build._matrix(texts, view)[:, DIM:].toarray(),
        np.vstack([view.embedder.embed(text) for text in texts]) * 0.5,
        rtol=1e-6,
    )
    settings = dict(c_misuse=1.0, c_intent=1.0, max_fpr=0.5, fixed_threshold=0.5)
    model = build.train(rows, embed=view, embed_misuse=False, **settings)
    ngrams_only = build.train(rows, embed=None, **settings)
    assert model["misuse_embed_coef"].shape == (4, 4) and not model["misuse_embed_coef"].any()
    # Trained without the view, not merely zeroed after training with it.
    np.testing.assert_array_equal(model["misuse_coef"], ngrams_only["misuse_coef"])
    np.testing.assert_array_equal(model["misuse_bias"], ngrams_only["misuse_bias"])
    assert model["intent_embed_coef"].shape == (len(INTENTS), 4) and model["intent_embed_coef"].any()
    assert not np.array_equal(model["intent_coef"], ngrams_only["intent_coef"])


def test_swapping_in_an_artefact_of_another_width_uses_a_table_of_that_width(embedder):
    """guard_eval and guard_bench swap artefacts on a live detector: the table follows the
    artefact instead of staying the one loaded first."""
    classes = 4 + len(INTENTS)

    def artefact(dims: int) -> Artefact:
        return Artefact(
            weights=np.zeros((DIM, classes), dtype=np.float32),
            misuse_bias=np.zeros(4, dtype=np.float32),
            intent_bias=np.zeros(len(INTENTS), dtype=np.float32),
            threshold=0.5,
            meta={},
            embed_weights=np.ones((dims, classes), dtype=np.float32),
        )

    detector = DefaultDetector(artefact(4), embedder=embedder)
    detector.scores("hello world")
    detector._artefact = artefact(8)
    misuse, _, _ = detector.scores("hello world")  # the shipped table, 8 columns of it
    assert misuse.shape == (4,)
    assert detector._embedder_for(detector._artefact).dims == 8
