"""Cross-lingual concepts: words in 42 languages mapped to shared concept tokens (numpy-free).

The default detector's model is trained mostly on English rows, and its n-grams are
language-specific: a harmful request in Polish shares few of them with the English rows that
taught the model what harm looks like. The lexicon (`proxy/guard/lexicon/<language>.txt`, written
for this project) maps stems of every language to one inventory of concepts (`kill`, `bomb`,
`child`, `process`, `fiction`, `translate`, ...). The feature vector gets one token per concept
found (`features.vectorise`), so weights learned from English rows apply to every language
with the same concepts; and hazard concepts name a risk category, as the hazard lexicon does.

Matching (see the header of `lexicon/en.txt`): words are runs of letters, digits and the
combining marks Indic, Thai, Hebrew and Arabic script write inside words, in the NFKC
case-folded head and tail of the prompt. A stem part of 4+ characters (2+ in Korean) matches
words that start with it, a shorter one only the whole word (`=` forces a whole-word match, `*`
a prefix match); a stem with spaces matches consecutive words (punctuation between them is not
checked). Chinese, Japanese and Thai stems are substrings, and Latin words glued to such text
are words. Arabic-script and Hebrew words are also tried without vowel points and without 1-3
(Arabic) or 1-2 (Hebrew) leading letters (clitics). A word typed without its diacritics
matches the accent-free variant of stems of 5+ characters, and only those ("gün" is not
"gun"). Every language's stems apply to every prompt (there is no language identification),
so the files avoid stems that start common words of other languages and of English
(`training/lexicon_check.py`; docs/guard.md, "Concepts across languages").

Cost: a word looks up each of its own prefixes in a dictionary once, and the answer is cached
per word (and per word pair for phrases), so a prompt costs a dictionary lookup per word:
≈0.1-0.15 ms for the 1,000-character window.
"""

import functools
import hashlib
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parents[1] / "lexicon"
HEAD_CHARS, TAIL_CHARS = 800, 200  # requests sit at the start (rules.HARM_WINDOW is 600); cost grows per word
MIN_PREFIX = 4
MIN_STRIPPED = 5  # accent-stripped variants only for stems this long (fewer collisions)
CACHE_LIMIT = 50_000
MAX_CACHED_WORD = 60

# A word: letters and digits plus the combining marks `\w` leaves out, which in Indic, Thai,
# Hebrew and Arabic script are part of the word (with plain `\w+` "मारना" is "म", "रन").
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a"
    "\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0900-\u0963\u0966-\u0dff"
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u1000-\u109f\u1780-\u17ff"
)
_WORD_RE = re.compile(rf"[\w{_MARKS}]+", re.UNICODE)
_ASCII_WORD_RE = re.compile(r"\w+")
_HANGUL_RE = re.compile("[\uac00-\ud7a3]")
_LINE_RE = re.compile(r"^([a-z_]+)\s*(?:\[([a-z_]+)\])?\s*:(.*)$")
# Scripts written without spaces between words: stems are substrings of a run.
_RUN_SCRIPT_RE = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_HEBREW_RE = re.compile("[\u0590-\u05ff]")
_RUN_SCRIPT_SPLIT_RE = re.compile(_RUN_SCRIPT_RE.pattern + "+")
_VOWEL_POINTS_RE = re.compile("[\u0591-\u05c7\u064b-\u065f\u0670\u06d6-\u06ed]")


_NOTHING: tuple = ((), ())
# What a scary word is often aimed at in a harmless prompt ("shoot the photo", "the bomb in the
# game", "poison in the novel", "kill the weeds"): a coarse, language-independent counterpart of
# rules.BENIGN_CONTEXT_RE, which also checks that the verb is aimed at the object. Not
# "process"/"software" (malware requests name scripts and apps), "safety" ("avoid getting
# caught") or "medical" (overdose questions name doctors too).
BENIGN_CONTEXT = frozenset({"game", "fiction", "history", "photo", "pests", "cooking"})


@dataclass(frozen=True)
class _Part:
    text: str
    prefix: bool

    def matches(self, word: str) -> bool:
        return word.startswith(self.text) if self.prefix else word == self.text


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def strip_marks(word: str) -> str:
    """Latin/Greek/Cyrillic word without diacritics ("zabójstwo" -> "zabojstwo"); other
    scripts unchanged (their combining marks are letters, not accents)."""
    if word.isascii() or not all(ord(c) < 0x0530 or 0x1E00 <= ord(c) < 0x2000 for c in word):
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def _parts(stem: str) -> tuple[_Part, ...]:
    parts = []
    for raw in stem.split():
        exact, forced = raw.endswith("="), raw.endswith("*")
        text = raw.rstrip("=*")
        # A stem with punctuation ("self-harm", "tl;dr") is split into words as the text is.
        for piece in _WORD_RE.findall(text):
            # Korean attaches particles to 2-syllable nouns (폭탄 -> 폭탄을): prefixes from 2.
            shortest = 2 if _HANGUL_RE.match(piece) else MIN_PREFIX
            parts.append(_Part(piece, prefix=forced or (not exact and len(piece) >= shortest)))
    return tuple(parts)


class _Index:
    """Stems keyed by one of their parts: whole-word parts by the word, prefix parts by the
    prefix. A word looks up itself and each of its own prefixes (2 characters and up): one
    dictionary lookup per length instead of a scan over every stem with the same start."""

    def __init__(self) -> None:
        self.exact: dict[str, list[tuple[tuple[_Part, ...], int]]] = {}
        self.prefixes: dict[str, list[tuple[tuple[_Part, ...], int]]] = {}
        self.longest = 0

    def add(self, part: _Part, entry: tuple[tuple[_Part, ...], int]) -> None:
        (self.prefixes if part.prefix else self.exact).setdefault(part.text, []).append(entry)
        if part.prefix:
            self.longest = max(self.longest, len(part.text))

    def lookup(self, word: str) -> list[tuple[tuple[_Part, ...], int]]:
        found = list(self.exact.get(word, ()))
        for length in range(2, min(len(word), self.longest) + 1):
            found.extend(self.prefixes.get(word[:length], ()))
        return found


def _forms(word: str) -> list[str]:
    """The word as typed and, in Arabic or Hebrew script, without vowel points and without 1-3
    (Arabic) or 1-2 (Hebrew) leading letters (clitics)."""
    forms = [word]
    if _ARABIC_RE.match(word) or _HEBREW_RE.match(word):
        bare = _VOWEL_POINTS_RE.sub("", word)  # stems are written without vowel points
        if bare != word:
            forms.append(bare)
        leading = (1, 2, 3) if _ARABIC_RE.match(word) else (1, 2)
        forms.extend(bare[k:] for k in leading if len(bare) - k >= 3)
    return forms


class _Phrases:
    """The multi-word stems that start with one word, indexed by their second part (so that an
    occurrence of "de" or "the" costs a few lookups, not a scan over every phrase after it)."""

    def __init__(self, entries: list[tuple[tuple[_Part, ...], int]]) -> None:
        self.index = _Index()
        for parts, concept in entries:
            self.index.add(parts[1], (parts, concept))

    def after(self, second: str) -> tuple[tuple[int, ...], tuple]:
        """(concepts of two-word stems completed by `second`, longer stems still open)."""
        done: list[int] = []
        open_: list[tuple[tuple[_Part, ...], int]] = []
        for form in dict.fromkeys([*_forms(second), strip_marks(second)]):
            for parts, concept in self.index.lookup(form):
                if len(parts) == 2:
                    done.append(concept)
                else:
                    open_.append((parts, concept))
        return tuple(dict.fromkeys(done)), tuple(dict.fromkeys(open_))


@dataclass
class Lexicon:
    names: tuple[str, ...]  # concept id -> name, in inventory order
    categories: dict[int, str]  # hazard concept id -> risk category
    # Stems of worded scripts by their first part, as written.
    words: _Index
    # The accent-free variants of stems of MIN_STRIPPED+ characters, looked up with the word
    # without its accents (and only those: "gün" must not become the English "gun").
    stripped: _Index
    # First character -> [(substring, concept id)], for scripts written without spaces.
    runs: dict[str, list[tuple[str, int]]]

    def __post_init__(self) -> None:
        self._cache: dict[str, tuple[tuple[int, ...], _Phrases | None]] = {}
        self._pairs: dict[tuple[str, str], tuple[tuple[int, ...], tuple]] = {}
        self._last = threading.local()
        self._lock = threading.Lock()

    # -- matching -----------------------------------------------------------------------------
    def _candidates(self, word: str) -> tuple[tuple[int, ...], "_Phrases | None"]:
        """(concepts a single-part stem finds in `word`, multi-part stems whose first part
        matches it). Cached per word."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        single: list[int] = []
        multi: list[tuple[tuple[_Part, ...], int]] = []
        for parts, concept in self._entries_for(word):
            if len(parts) == 1:
                single.append(concept)
            else:
                multi.append((parts, concept))
        if _RUN_SCRIPT_RE.search(word):
            for position, char in enumerate(word):
                for substring, concept in self.runs.get(char, ()):
                    if word.startswith(substring, position):
                        single.append(concept)
            # Latin words glued to Chinese or Thai text ("如何制作mdma") are words too.
            for piece in _RUN_SCRIPT_SPLIT_RE.split(word):
                if piece and piece != word:
                    single.extend(c for parts, c in self._entries_for(piece) if len(parts) == 1)
        phrases = _Phrases(list(dict.fromkeys(multi))) if multi else None
        result = (tuple(dict.fromkeys(single)), phrases) if single or multi else _NOTHING
        if len(word) <= MAX_CACHED_WORD:
            with self._lock:
                if len(self._cache) >= CACHE_LIMIT:
                    self._cache.clear()
                self._cache[word] = result
        return result

    def _entries_for(self, word: str) -> list[tuple[tuple[_Part, ...], int]]:
        """The stems whose first part matches `word`: as typed (and without vowel points or
        clitics), or, for the accent-free variants of long stems, without its accents."""
        found = []
        for form in _forms(word):
            found.extend(self.words.lookup(form))
        found.extend(self.stripped.lookup(strip_marks(word)))
        return found

    def part_matches(self, part: _Part, word: str) -> bool:
        """A later part of a phrase against a word, in any of the word's forms."""
        return any(part.matches(form) for form in _forms(word)) or part.matches(strip_marks(word))

    def find(self, text: str) -> list[int]:
        """Concept ids found in `text` (already NFKC case-folded), one per occurrence."""
        # Marks only occur outside ASCII; the plain pattern is three times as fast.
        words = (_ASCII_WORD_RE if text.isascii() else _WORD_RE).findall(text)
        found: list[int] = []
        cached = self._cache.get
        starters: dict[str, _Phrases] = {}
        # Each distinct word once (a Counter keeps first-seen order: the output, and so the
        # feature sums, are deterministic).
        for word, count in Counter(words).items():
            entry = cached(word) or self._candidates(word)
            if entry is _NOTHING:  # most words: one dictionary lookup
                continue
            single, phrases = entry
            found.extend(single * count)
            if phrases is not None:
                starters[word] = phrases
        if starters:
            found.extend(self._phrases_from(words, starters))
        return found

    def _phrases_from(self, words: list[str], starters: dict[str, "_Phrases"]) -> list[int]:
        """Concepts of the multi-word stems that start at a word of `starters`. What a word
        pair completes is cached: function words ("the", "de") start many phrases."""
        found: list[int] = []
        for start in range(len(words) - 1):
            phrases = starters.get(words[start])
            if phrases is None:
                continue
            key = (words[start], words[start + 1])
            entry = self._pairs.get(key)
            if entry is None:
                entry = phrases.after(words[start + 1])
                if len(key[0]) + len(key[1]) <= MAX_CACHED_WORD:
                    with self._lock:
                        if len(self._pairs) >= CACHE_LIMIT:
                            self._pairs.clear()
                        self._pairs[key] = entry
            done, open_ = entry
            found.extend(done)
            for parts, concept in open_:
                rest = words[start + 2 : start + len(parts)]
                if len(rest) == len(parts) - 2 and all(
                    self.part_matches(part, other) for part, other in zip(parts[2:], rest, strict=True)
                ):
                    found.append(concept)
        return found

    def find_in_prompt(self, text: str) -> list[int]:
        """`find` over the head and tail of a raw prompt. The features and the detector's hazard
        reading ask for the same prompt object in turn: the last answer per thread is kept."""
        last = self._last
        if getattr(last, "text", None) is text:
            return last.found
        window = text
        if len(text) > HEAD_CHARS + TAIL_CHARS:
            window = text[:HEAD_CHARS] + " " + text[-TAIL_CHARS:]
        found = self.find(_fold(window))
        last.text, last.found = text, found
        return found

    def hazards_and_context(self, text: str) -> tuple[dict[str, int], bool]:
        """(risk category -> number of hazard concepts found, as `rules.hazard_hits`; whether a
        benign-context concept is there too: a game, fiction, history, ...)."""
        hits: dict[str, int] = {}
        benign = False
        for concept in self.find_in_prompt(text):
            category = self.categories.get(concept)
            if category:
                hits[category] = hits.get(category, 0) + 1
            elif self.names[concept] in BENIGN_CONTEXT:
                benign = True
        return hits, benign


def _entries(path: Path):
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE_RE.match(line)
        if not match:
            raise ValueError(f"{path.name}:{number}: not 'name [category]: stems'")
        name, category, stems = match.groups()
        yield number, name, category, [s.strip() for s in stems.split(",") if s.strip()]


def load(directory: Path = LEXICON_DIR, languages: set[str] | None = None) -> Lexicon:
    """The lexicon from `en.txt` (the inventory) and every other `<language>.txt` (or only
    those in `languages`; English stems only if "en" is among them)."""
    names: list[str] = []
    categories: dict[int, str] = {}
    ids: dict[str, int] = {}
    stems_of: list[tuple[str, int]] = []  # (stem, concept)
    for _, name, category, stems in _entries(directory / "en.txt"):
        ids[name] = len(names)
        names.append(name)
        if category:
            categories[ids[name]] = category
        if languages is None or "en" in languages:
            stems_of.extend((stem, ids[name]) for stem in stems)
    for path in sorted(directory.glob("*.txt")):
        if path.name == "en.txt" or (languages is not None and path.stem not in languages):
            continue
        for number, name, category, stems in _entries(path):
            if name not in ids:
                raise ValueError(f"{path.name}:{number}: unknown concept {name!r} (not in en.txt)")
            if category:
                raise ValueError(f"{path.name}:{number}: categories belong in en.txt only")
            stems_of.extend((stem, ids[name]) for stem in stems)
    words, stripped = _Index(), _Index()
    runs: dict[str, list] = {}
    seen: set[tuple] = set()  # a stem listed twice (in two files) is indexed once
    for stem, concept in stems_of:
        stem = _fold(stem)
        if _RUN_SCRIPT_RE.search(stem):
            text = stem.rstrip("=*").replace(" ", "")
            if text and (text, concept) not in seen:
                seen.add((text, concept))
                runs.setdefault(text[0], []).append((text, concept))
            continue
        parts = _parts(stem)
        if parts and (parts, concept) not in seen:
            seen.add((parts, concept))
            words.add(parts[0], (parts, concept))
        accent_free = _parts(" ".join(strip_marks(word) for word in stem.split()))
        long_enough = sum(len(p.text) for p in accent_free) >= MIN_STRIPPED
        key = ("accent-free", accent_free, concept)
        if accent_free != parts and long_enough and key not in seen:
            seen.add(key)
            stripped.add(accent_free[0], (accent_free, concept))
    return Lexicon(names=tuple(names), categories=categories, words=words, stripped=stripped, runs=runs)


def lexicon_digest(directory: Path = LEXICON_DIR) -> str:
    """sha256 (16 hex) of the lexicon files: artefacts record the lexicon they were trained on."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.txt")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def lexicon() -> Lexicon:
    return load()
