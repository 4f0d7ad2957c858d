"""The default, always-on detector: two linear heads over hashed n-grams plus curated rules.

Offline and CPU-only: the artefact is shipped in the repo (`artefacts/default_detector.npz`,
built by `python -m proxy.guard.training.build`) and loaded once per process.
"""

import functools
import json
import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from proxy.guard.detectors import concepts, embed, rules
from proxy.guard.detectors.base import Detection
from proxy.guard.detectors.features import vectorise
from proxy.guard.taxonomy import INTENTS

logger = logging.getLogger(__name__)
ARTEFACT = Path(__file__).resolve().parents[1] / "artefacts" / "default_detector.npz"
# Misuse head classes, in artefact order.
BENIGN, HARMFUL, JAILBREAK, INJECTION = range(4)
# A benign technical frame ("kill a process") halves the harm probability unless a hazard
# word outside that frame is present too.
BENIGN_CONTEXT_DAMPING = 0.5
NO_HAZARD_DAMPING = 0.75
NO_HAZARD_CONFIDENT = 0.8  # above this calibrated score the model is trusted without a hazard word
SHORT_PROMPT_CHARS = 1200
CONFIRMED_ATTACK_SCORE = 0.96
UNMARKED_ATTACK_DAMPING = 0.7
LONG_UNMARKED_DAMPING = 0.8
LONG_HAZARD_CHARS = 600


@dataclass(frozen=True)
class Artefact:
    weights: np.ndarray  # (DIM, 4 + len(INTENTS)) float32: misuse columns then intent columns
    misuse_bias: np.ndarray
    intent_bias: np.ndarray
    threshold: float
    meta: dict
    # (embed dims, 4 + len(INTENTS)) weights of the static sentence embedding, or None.
    embed_weights: np.ndarray | None = None

    @property
    def concept_weight(self) -> float:
        """Weight of the cross-lingual concept tokens in the features it was trained on."""
        return float(self.meta.get("concept_weight", 0.0))


def load_artefact(path: Path = ARTEFACT) -> Artefact:
    with np.load(path, allow_pickle=False) as data:
        weights = np.hstack([data["misuse_coef"], data["intent_coef"]]).astype(np.float32)
        embed_weights = None
        if "misuse_embed_coef" in data.files and data["misuse_embed_coef"].size:
            embed_weights = np.hstack([data["misuse_embed_coef"], data["intent_embed_coef"]]).astype(
                np.float32
            )
        return Artefact(
            weights=np.ascontiguousarray(weights),
            misuse_bias=data["misuse_bias"].astype(np.float32),
            intent_bias=data["intent_bias"].astype(np.float32),
            threshold=float(data["misuse_threshold"]),
            meta=json.loads(str(data["meta"])),
            embed_weights=embed_weights,
        )


def _softmax(scores: np.ndarray) -> np.ndarray:
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


def _misuse_probabilities(logits: np.ndarray, mode: str | None) -> np.ndarray:
    """benign, harmful, jailbreak, injection. "binary_kind": logit 0 decides unsafe vs benign,
    logits 1-3 split the unsafe mass by kind (see training.build._fit_misuse)."""
    if mode != "binary_kind":
        return _softmax(logits)
    unsafe = 1.0 / (1.0 + math.exp(-float(logits[0])))
    kinds = _softmax(logits[1:]) * unsafe
    return np.concatenate([[1.0 - unsafe], kinds])


def calibrate(probability: float, threshold: float) -> float:
    """Map P(class) monotonically so the trained decision threshold lands on 0.5."""
    if probability >= threshold:
        return 0.5 + 0.5 * (probability - threshold) / max(1.0 - threshold, 1e-6)
    return 0.5 * probability / max(threshold, 1e-6)


def _hazard_reading(
    window: str, text: str, with_concepts: bool, confident: bool = False
) -> tuple[str, dict[str, int], bool]:
    """(the category a harmful reading names, the hazard hits, whether a benign context is
    there). The regex lexicon and context rule know core terms in ~25 languages; when they find
    no hazard and the artefact was trained on concept tokens, the concept lexicon's words in
    42 languages are asked (other languages, and English words the regexes do not list)."""
    hits = rules.hazard_hits(window)
    benign = rules.benign_context(window)
    if with_concepts and not hits:
        hits, concept_benign = concepts.lexicon().hazards_and_context(text)
        # The concepts are coarser than the curated lexicon and its context rule (no word order),
        # so their benign contexts only soften a hazard *they* found: a game, a story, ... (a bag
        # of words) only when the model is not confident, an explicit safety question ("which
        # chemicals should never be mixed") always, as the context rule does.
        if hits:
            safety = rules.SAFETY_QUESTION_RE.search(window) is not None
            benign = benign or safety or (concept_benign and not confident)
    return _name_category(hits), hits, benign


def _name_category(hits: dict[str, int]) -> str:
    # Requests about elections/advice/sexual words are common in harmful *and* benign text:
    # prefer the more specific hazards when several match.
    order = sorted(hits, key=lambda name: (-_PRIORITY.get(name, 0), -hits[name]))
    return order[0] if order else "non_violent_crimes"


_KIND_CATEGORY = {JAILBREAK: "jailbreak", INJECTION: "prompt_injection"}
_PRIORITY = {
    "child_exploitation": 9,
    "indiscriminate_weapons": 8,
    "sex_crimes": 7,
    "self_harm": 7,
    "malware_cyber": 6,
    "hate": 6,
    "violent_crimes": 5,
    "privacy": 4,
    "defamation": 4,
    "non_violent_crimes": 3,
    "intellectual_property": 3,
    "code_interpreter_abuse": 3,
    "sexual_content": 2,
    "elections": 2,
    "specialized_advice": 1,
}


def _damping(
    category: str, marked: dict[str, float], text: str, probability: float, threshold: float, hazard
) -> float:
    """Short role-play or formatting prompts without any attack marker are usually benign
    personas ("You are a puzzle solver..."); real jailbreaks are long or carry markers. Long
    prompts with neither an attack marker nor a hazard word (detailed system prompts, pasted
    specifications) are damped a little too. `hazard()` (the lexicon over the prompt's head,
    memoised per prompt) is only consulted when the undamped score would reach the flag line."""
    if category in marked:
        return 1.0
    if len(text) < SHORT_PROMPT_CHARS:
        return UNMARKED_ATTACK_DAMPING
    if calibrate(probability, threshold) < 0.5 or hazard():
        return 1.0
    return LONG_UNMARKED_DAMPING


class DefaultDetector:
    name = "default"
    budget_ms = 5.0

    def __init__(
        self, artefact: Artefact | None = None, embedder: embed.StaticEmbedder | None = None
    ) -> None:
        self._artefact = artefact
        self._embedder = embedder  # a table for tests; default: artefacts/static_embed.npz
        self._lock = threading.Lock()
        if artefact is not None:
            self._load_tables(artefact)  # now, not on some later request

    @property
    def artefact(self) -> Artefact:
        if self._artefact is None:
            with self._lock:
                if self._artefact is None:
                    artefact = load_artefact()
                    self._load_tables(artefact)
                    self._artefact = artefact
        return self._artefact

    def _load_tables(self, artefact: Artefact) -> None:
        """The token table and the concept lexicon the artefact reads (≈0.6 s for the lexicon)."""
        self._embedder_for(artefact)
        if artefact.concept_weight:
            concepts.lexicon()
            trained_on = artefact.meta.get("lexicon_digest")
            if trained_on != concepts.lexicon_digest():
                # Features would differ from training's: a deployment with an edited lexicon
                # and an old artefact. It still runs; someone has to rebuild.
                logger.warning(
                    "guard artefact was trained on lexicon %s, not on the one installed", trained_on
                )

    def _embedder_for(self, artefact: Artefact) -> embed.StaticEmbedder | None:
        """The table whose width the artefact's embedding weights expect (the process-wide one
        unless a table of that width was injected); None for an n-gram-only artefact. Looked up
        per artefact, because evaluation tools swap artefacts on a live detector."""
        if artefact.embed_weights is None:
            return None
        dims = artefact.embed_weights.shape[0]
        if self._embedder is not None and self._embedder.dims == dims:
            return self._embedder
        return embed.embedder(dims)

    def scores(self, text: str) -> tuple[np.ndarray, np.ndarray, tuple]:
        """(misuse probabilities, intent probabilities, feature vector)."""
        art = self.artefact
        index, values = vectorise(text, art.concept_weight)
        # Elementwise product and sum rather than a BLAS matrix-vector call (see features.py).
        raw = (art.weights[index] * values[:, None]).sum(axis=0)
        if art.embed_weights is not None:
            # The shipped artefact's embedding weights feed the intent head only (their misuse
            # columns are zero); artefacts built with --embed-heads both feed both.
            vector = self._embedder_for(art).embed(text)
            raw += (art.embed_weights * vector[:, None]).sum(axis=0)
        misuse = _misuse_probabilities(raw[:4] + art.misuse_bias, art.meta.get("misuse_mode"))
        intents = _softmax(raw[4:] + art.intent_bias)
        return misuse, intents, (index, values)

    def detect(self, text: str, detection: Detection) -> None:
        art = self.artefact
        misuse, intents, features = self.scores(text)
        detection.features = features
        detection.intents = {name: float(p) for name, p in zip(INTENTS, intents, strict=True)}
        threshold = art.threshold
        unsafe = 1.0 - float(misuse[BENIGN])
        window = rules.scan_window(text)
        marked = rules.rule_scores(window, text)
        # At most one lexicon scan, over the head where requests sit (hot-path cost on 8 KB prompts).
        hazard = functools.cache(lambda: bool(rules.hazard_hits(window[:LONG_HAZARD_CHARS])))
        for category, score in marked.items():
            detection.raise_category(category, score)
        if unsafe < 0.05:
            return
        # Whether to act is decided on the total unsafe mass; which category it is, by the
        # dominant kind (and, for harmful requests, by the hazard lexicon).
        kinds = misuse[1:]
        dominant = int(np.argmax(kinds)) + 1
        if dominant == HARMFUL:
            confident = calibrate(unsafe, threshold) >= NO_HAZARD_CONFIDENT
            category, hits, benign = _hazard_reading(window, text, art.concept_weight > 0, confident)
            if benign and sum(hits.values()) <= 1:
                unsafe *= BENIGN_CONTEXT_DAMPING
            elif not hits and not confident:
                # Nothing in the prompt names a hazard: an unusual-but-harmless question is far
                # more likely than a harmful request that avoids every hazard word.
                unsafe *= NO_HAZARD_DAMPING
            score = calibrate(unsafe, threshold)
            detection.raise_category(category, score)
            for other in hits:
                detection.raise_category(other, score * 0.6)
        else:
            category = _KIND_CATEGORY[dominant]
            detection.raise_category(
                category,
                calibrate(unsafe * _damping(category, marked, text, unsafe, threshold, hazard), threshold),
            )
        for kind in (JAILBREAK, INJECTION):
            category = _KIND_CATEGORY[kind]
            probability = float(misuse[kind])
            probability *= _damping(category, marked, text, probability, threshold, hazard)
            detection.raise_category(category, calibrate(probability, threshold))
        # A curated attack marker alone flags; marker plus an unsafe model reading is confident.
        if calibrate(unsafe, threshold) >= 0.5:
            for category in ("jailbreak", "prompt_injection"):
                if marked.get(category, 0.0) >= 0.85:
                    detection.raise_category(category, CONFIRMED_ATTACK_SCORE)
        if math.isnan(unsafe):  # pragma: no cover - defensive, a NaN would allow everything
            detection.raise_category("jailbreak", 1.0)
