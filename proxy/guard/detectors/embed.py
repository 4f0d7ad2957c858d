"""Static sentence embeddings (numpy only): the intent head's semantic feature view.

Hashed n-grams learn phrasings; a paraphrase shares few of them. This view averages per-token
vectors distilled from all-MiniLM-L6-v2 (`training/distill.py`, model2vec: each WordPiece token
through the transformer, PCA, Zipf/SIF weighting), so words with similar meanings land close
together. The table is `artefacts/static_embed.npz` (int8 codes, a scale per token). The shipped
artefact feeds it to the intent head only (held-out intent accuracy 84.4 -> 86.8 %); fed to the
misuse head it did not raise held-out recall (docs/guard.md, "Semantic features"). The model is
English, so the view fades out for text that is not (`english_weight`).

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
HEAD_WORDS, TAIL_WORDS = 200, 64
HEAD_CHARS, TAIL_CHARS = 1_500, 500  # enough for the words above; avoids scanning all of 8 KB
MAX_WORD_CHARS = 100  # as BERT: longer "words" are unknown
CACHE_LIMIT = 50_000  # words; ≈12 MB of ordinary words (longer ones are not cached)
ENGLISH_SHARE_LOW, ENGLISH_SHARE_FULL = 0.5, 0.75  # see english_weight

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs, as BERT
# A CJK character, a run of letters/digits, or one punctuation/symbol character.
_WORD_RE = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+|[^\w\s]|_")


class StaticEmbedder:
    def __init__(self, tokens: list[str], vectors: np.ndarray) -> None:
        self.vocab = {token: index for index, token in enumerate(tokens)}
        # float32 in memory (≈15 MB): pooling float16 rows costs 4x as much per prompt.
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.dims = vectors.shape[1]
        self._cache: dict[str, tuple[tuple[int, ...], bool, bool]] = {}

    @classmethod
    def load(cls, path: Path = TABLE, dims: int | None = None) -> "StaticEmbedder":
        with np.load(path, allow_pickle=False) as data:
            tokens = str(data["tokens"]).split("\n")
            # int8 codes with one scale per token (training/distill.py), rounded to float16: the
            # values the shipped artefact was trained on.
            vectors = (data["codes"].astype(np.float32) * data["scales"][:, None]).astype(np.float16)
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
        return self._read(text)[0]

    def _read(self, text: str) -> tuple[list[int], float]:
        """(token ids, the share of alphabetic words that are whole English vocabulary words)."""
        if len(text) > HEAD_CHARS + TAIL_CHARS:
            text = text[:HEAD_CHARS] + " " + text[-TAIL_CHARS:]
        words = _WORD_RE.findall(text.lower())
        if len(words) > HEAD_WORDS + TAIL_WORDS:
            words = words[:HEAD_WORDS] + words[-TAIL_WORDS:]
        cache, ids, alphabetic, english = self._cache, [], 0, 0
        for word in words:
            found = cache.get(word)
            if found is None:
                found = self._look_up(word)
                if len(word) <= MAX_WORD_CHARS:  # junk "words" would fill memory, not the cache
                    if len(cache) >= CACHE_LIMIT:
                        cache.clear()
                    cache[word] = found
            pieces, is_alphabetic, is_english = found
            ids.extend(pieces)
            alphabetic += is_alphabetic
            english += is_english
        return ids, (english / alphabetic if alphabetic else 0.0)

    def _look_up(self, word: str) -> tuple[tuple[int, ...], bool, bool]:
        """(word pieces, alphabetic?, a whole English vocabulary word?): cached per word."""
        alphabetic = word.isalpha()
        return self._wordpiece(word), alphabetic, alphabetic and word.isascii() and word in self.vocab

    def embed(self, text: str) -> np.ndarray:
        """L2-normalised mean of the token vectors, scaled by `english_weight` (float32; zeros when
        nothing is known or the text is not English)."""
        return self._pooled(*self._read(text))

    def _pooled(self, ids: list[int], english: float) -> np.ndarray:
        weight = english_weight(english)
        if not ids or weight == 0.0:
            return np.zeros(self.dims, dtype=np.float32)
        total = np.take(self.vectors, np.array(ids, dtype=np.intp), axis=0).sum(axis=0)
        # Elementwise, not np.dot/linalg: BLAS thread pools cost milliseconds on small vectors.
        norm = float(np.sqrt((total * total).sum()))
        return total * (weight / norm) if norm > 0 else total


def english_weight(share: float) -> float:
    """0 up to ENGLISH_SHARE_LOW whole English words, 1 from ENGLISH_SHARE_FULL, linear between.

    The table comes from an English model: other languages' words fall apart into word pieces
    whose mean misleads the intent head (docs/guard.md, "Semantic features"). The build applies
    the same gate, so the head learns such text from n-grams alone. The check is on the word as
    typed: accented English ("résumé") counts as not English, and text without alphabetic words
    ("2+2*3=?") gets no vector."""
    if share <= ENGLISH_SHARE_LOW:
        return 0.0
    return min(1.0, (share - ENGLISH_SHARE_LOW) / (ENGLISH_SHARE_FULL - ENGLISH_SHARE_LOW))


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
