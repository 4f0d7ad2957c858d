"""Static sentence embeddings (numpy only): the default detector's semantic feature view.

Hashed n-grams learn phrasings; a paraphrase of a harmful goal shares few of them. This view
averages per-token vectors distilled from all-MiniLM-L6-v2 (`training/distill.py`, model2vec:
each WordPiece token through the transformer, PCA, Zipf/SIF weighting), so words with similar
meanings land close together. The table is read from `artefacts/static_embed.npz` (float16). It
is not committed: evaluated on held-out sources the view did not raise recall (docs/guard.md,
"Semantic features"), so the shipped artefact does not use it and this module stays idle.

Tokenisation is BERT-uncased WordPiece, greedy longest match, in Python: lower-case, split on
whitespace and punctuation (CJK ideographs one by one), strip accents, then "##" pieces. A
per-word cache makes repeated words free, and only the head and the tail of long prompts are
read (the request sits at the start; long templates repeat themselves).
"""

import re
import threading
import unicodedata
from pathlib import Path

import numpy as np

TABLE = Path(__file__).resolve().parents[1] / "artefacts" / "static_embed.npz"
HEAD_WORDS, TAIL_WORDS = 320, 96
HEAD_CHARS, TAIL_CHARS = 2_400, 700  # enough for the words above; avoids scanning all of 8 KB
MAX_WORD_CHARS = 100  # as BERT: longer "words" are unknown
CACHE_LIMIT = 200_000

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs, as BERT
# A CJK character, a run of letters/digits, or one punctuation/symbol character.
_WORD_RE = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+|[^\w\s]|_")


class StaticEmbedder:
    def __init__(self, tokens: list[str], vectors: np.ndarray) -> None:
        self.vocab = {token: index for index, token in enumerate(tokens)}
        self.vectors = np.ascontiguousarray(vectors)
        self.dims = vectors.shape[1]
        self._cache: dict[str, tuple[int, ...]] = {}

    @classmethod
    def load(cls, path: Path = TABLE, dims: int | None = None) -> "StaticEmbedder":
        with np.load(path, allow_pickle=False) as data:
            tokens = str(data["tokens"]).split("\n")
            vectors = data["vectors"]
        # PCA components are ordered by variance: the first `dims` columns are a smaller model.
        return cls(tokens, vectors[:, :dims] if dims else vectors)

    def _wordpiece(self, word: str) -> tuple[int, ...]:
        if not word.isascii():
            word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        if not word or len(word) > MAX_WORD_CHARS:
            return ()
        vocab, ids, start = self.vocab, [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                index = vocab.get(word[start:end] if start == 0 else "##" + word[start:end])
                if index is not None:
                    break
                end -= 1
            else:
                return ()  # [UNK]: model2vec drops unknown tokens
            ids.append(index)
            start = end
        return tuple(ids)

    def token_ids(self, text: str) -> list[int]:
        if len(text) > HEAD_CHARS + TAIL_CHARS:
            text = text[:HEAD_CHARS] + " " + text[-TAIL_CHARS:]
        words = _WORD_RE.findall(text.lower())
        if len(words) > HEAD_WORDS + TAIL_WORDS:
            words = words[:HEAD_WORDS] + words[-TAIL_WORDS:]
        cache, ids = self._cache, []
        for word in words:
            pieces = cache.get(word)
            if pieces is None:
                pieces = self._wordpiece(word)
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                cache[word] = pieces
            ids.extend(pieces)
        return ids

    def embed(self, text: str) -> np.ndarray:
        """L2-normalised mean of the token vectors (float32, zeros when nothing is known)."""
        ids = self.token_ids(text)
        if not ids:
            return np.zeros(self.dims, dtype=np.float32)
        total = self.vectors[np.array(ids, dtype=np.intp)].sum(axis=0, dtype=np.float32)
        # Elementwise, not np.dot/linalg: BLAS thread pools cost milliseconds on small vectors.
        norm = float(np.sqrt((total * total).sum()))
        return total / norm if norm > 0 else total


_lock = threading.Lock()
_embedders: dict[tuple[Path, int | None], StaticEmbedder] = {}


def embedder(dims: int | None = None, path: Path = TABLE) -> StaticEmbedder:
    """Process-wide embedder (the table is loaded once)."""
    key = (path, dims)
    found = _embedders.get(key)
    if found is None:
        with _lock:
            found = _embedders.get(key) or StaticEmbedder.load(path, dims)
            _embedders[key] = found
    return found
