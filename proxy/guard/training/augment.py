"""Synonym-substitution copies of short misuse rows (`build.py --augment`; evaluated, not kept).

The misuse head is linear over n-grams: it learns the words a harmful request was written in,
and misses the same request in other words. Each short training row (a request, not a long
jailbreak template) gets one copy in which about a third of its content words are replaced by
a near neighbour in the static embedding table (`artefacts/static_embed.npz`): "weapon" → "gun",
"steal" → "theft", "poison" → "toxin". Neighbours that share the word's first four letters are
skipped (char n-grams already cover "bomb" → "bombs"). The copies are ungrammatical and
noisy; they carry half a row's weight, and benign rows get copies too, so "uses a synonym" is
no sign of harm. Deterministic: sorted vocabulary, one seed, stable sorts.
"""

import random
import re

import numpy as np

from proxy.guard.detectors.embed import StaticEmbedder

SOURCE = "guardflow_augment"
WEIGHT = 0.5
MAX_CHARS = 600  # requests sit in short rows; long rows are templates and documents
SUBSTITUTION_RATE = 0.3
MIN_SIMILARITY = 0.55
NEIGHBOURS = 4
SEED = 20261122
_WORD = re.compile(r"[A-Za-z]+")
# Function words: replacing them adds noise and no paraphrase.
_STOP = frozenset(
    (  # noqa: SIM905 - a word list reads better as one string
        "the a an and or of to in on for with by from is are was were be been it this that these "
        "those i you he she we they my your our their me him her us them what how why when where "
        "which who can could would should do does did please about into as at if not no yes so "
        "than then there here just also any some all more most very"
    ).split()
)


def neighbours(embedder: StaticEmbedder, words: list[str]) -> dict[str, list[str]]:
    """word -> up to NEIGHBOURS whole-word vocabulary entries with cosine ≥ MIN_SIMILARITY that
    are not inflections of it (same first four letters)."""
    pool = sorted(w for w in embedder.vocab if _substitutable(w))
    known = sorted(w for w in set(words) if w in embedder.vocab and _substitutable(w))
    pool_vectors = _unit([embedder.vectors[embedder.vocab[w]] for w in pool])
    found: dict[str, list[str]] = {}
    for start in range(0, len(known), 1000):
        chunk = known[start : start + 1000]
        similarity = _unit([embedder.vectors[embedder.vocab[w]] for w in chunk]) @ pool_vectors.T
        order = np.argsort(-similarity, axis=1, kind="stable")[:, : NEIGHBOURS * 4]
        for row, word in enumerate(chunk):
            close = [
                pool[k]
                for k in order[row]
                if similarity[row, k] >= MIN_SIMILARITY and pool[k][:4] != word[:4]
            ]
            if close:
                found[word] = close[:NEIGHBOURS]
    return found


def augmented_rows(rows: list[dict], embedder: StaticEmbedder) -> list[dict]:
    """One substituted copy of each short trainable misuse row that has a substitutable word."""
    eligible = [r for r in rows if r["misuse"] and r.get("trainable", True) and len(r["text"]) < MAX_CHARS]
    synonyms = neighbours(embedder, [w.lower() for r in eligible for w in _WORD.findall(r["text"])])
    rng = random.Random(SEED)
    copies = []
    for row in eligible:
        text = _substitute(row["text"], synonyms, rng)
        if text != row["text"]:
            copies.append(dict(row, text=text, intent=None, source=SOURCE))
    return copies


def _substitute(text: str, synonyms: dict[str, list[str]], rng: random.Random) -> str:
    def replace(match: re.Match) -> str:
        word = match.group(0)
        choices = synonyms.get(word.lower())
        if not choices or rng.random() >= SUBSTITUTION_RATE:
            return word
        chosen = rng.choice(choices)
        return chosen.capitalize() if word[0].isupper() else chosen

    return _WORD.sub(replace, text)


def _substitutable(word: str) -> bool:
    return len(word) >= 3 and word.isascii() and word.isalpha() and word not in _STOP


def _unit(vectors: list[np.ndarray]) -> np.ndarray:
    matrix = np.vstack(vectors).astype(np.float32)
    return matrix / (np.sqrt((matrix * matrix).sum(axis=1, keepdims=True)) + 1e-9)
