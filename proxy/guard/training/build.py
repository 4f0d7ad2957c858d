"""Build the default detector's artefact: `python -m proxy.guard.training.build [--data DIR]`.

Trains two linear heads over the hashed features of `proxy.guard.detectors.features`:
misuse (benign / harmful / jailbreak / injection) and intent (8 intents), from the openly
licensed sets in `../shared/eval/` (see its README and docs/guard.md) plus the examples in
`seed_data.py`. Needs scikit-learn and scipy (requirements-dev.txt); run time needs numpy only.

`--holdout` leaves whole sources out of training and writes them to `var/guard/holdout.csv`
so that `manage.py guard_eval` measures generalisation to unseen sources honestly.

Both heads also read cross-lingual concept tokens (`detectors/concepts.py`, the lexicon in
`proxy/guard/lexicon/`; `--concept-weight 1` by default, `0` for none), so that what the model
learns from English rows applies to the same concepts in 42 languages.

The intent head also reads a static sentence embedding (`training/distill.py`, the committed
`artefacts/static_embed.npz`; `--embed-dims 128` by default, `0` for n-grams only): held-out
intent accuracy 84.4 -> 86.8 %. The misuse head stays n-grams only (`--embed-heads intent`):
fed to it as well, the view did not raise held-out recall at any false-positive rate
(docs/guard.md, "Semantic features").
"""

import argparse
import csv
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from proxy.guard.detectors import concepts
from proxy.guard.detectors.embed import TABLE as EMBED_TABLE
from proxy.guard.detectors.embed import StaticEmbedder
from proxy.guard.detectors.features import DIM, concept_vector, vectorise
from proxy.guard.taxonomy import INTENTS
from proxy.guard.training import augment, seed_data, seed_intent, seed_more, seed_multilingual

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval"
ARTEFACT = Path(__file__).resolve().parents[1] / "artefacts" / "default_detector.npz"
MISUSE_CLASSES = ("benign", "harmful", "jailbreak", "injection")
SEED = 20261121

GUARD_SOURCE_CLASS = {
    "xstest": None,  # benign or harmful per row label
    "cyberseceval_frr": "benign",
    "cyberseceval_injection": "injection",
    "advbench": "harmful",
    "harmbench_val": "harmful",
    "jailbreak_2023_05": "jailbreak",
    "forbidden_questions": "harmful",
    "self_instruct_seed": "benign",
}
BENIGN_INTENT = {"coding": "coding", "math": "math", "writing": "writing", "translation": "translation"}
# Sources (and source/category pairs) kept out of training with --holdout.
HOLDOUT_SOURCES = {
    "harmbench_val",
    "forbidden_questions",
    "xstest",
    "truthfulqa",
    "mt_bench",
    "vicuna_bench",
    "arena_hard_v2.0",
    "oasst_model_eval_prompts",
}
HOLDOUT_PAIRS = {
    ("jailbreak_2023_05", "website"),
    ("cyberseceval_injection", "different_user_input_language"),
    ("cyberseceval_injection", "token_smuggling"),
    ("cyberseceval_injection", "many_shot_attack"),
    ("cyberseceval_injection", "payload_splitting"),
}
# A text prefix that marks a concept-only copy of a row (see concept_copies).
CONCEPTS_ONLY = "\x00concepts-only\x00"
CONCEPT_COPY_WEIGHT = 0.5
# gsm8k/nq dominate benign_dev; cap each source so the model sees varied benign prompts.
MAX_PER_BENIGN_SOURCE = 1500


def _read(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _injection_is_self_contained(text: str) -> bool:
    """Short cyberseceval inputs ("Are you conscious?") are attacks only against that benchmark's
    hidden system prompt; as training data they teach "a question is an attack". Keep the
    inputs that carry the attack themselves (embedded documents, code, markers)."""
    from proxy.guard.detectors.rules import RULES, scan_window

    window = scan_window(text)
    return len(text) >= 160 or any(rule.pattern.search(window) for rule in RULES)


def _intent_for(source: str, category: str, text: str) -> str | None:
    if category in BENIGN_INTENT:
        return BENIGN_INTENT[category]
    if category == "general":
        return "general_chat"
    return None


def load_rows(data_dir: Path) -> list[dict]:
    """Every example as {text, misuse, intent, source, group}."""
    rows = []
    for row in _read(data_dir / "guard_dev.csv"):
        source = row["source"]
        misuse = GUARD_SOURCE_CLASS.get(source) or ("benign" if row["label"] == "benign" else "harmful")
        intent = "coding" if source == "cyberseceval_frr" else None
        trainable = source != "cyberseceval_injection" or _injection_is_self_contained(row["text"])
        rows.append(
            dict(
                text=row["text"],
                misuse=misuse,
                intent=intent,
                source=source,
                group=row["category"],
                trainable=trainable,
            )
        )
    rng = random.Random(SEED)
    benign = _read(data_dir / "benign_dev.csv")
    rng.shuffle(benign)
    per_source: Counter = Counter()
    for row in benign:
        source = row["source"]
        per_source[source] += 1
        if per_source[source] > MAX_PER_BENIGN_SOURCE:
            continue
        intent = _intent_for(source, row.get("category", ""), row["text"])
        rows.append(dict(text=row["text"], misuse="benign", intent=intent, source=source, group=""))
    for text, intent in (
        seed_data.intent_examples()
        + seed_more.intent_examples()
        + seed_intent.intent_examples()
        + seed_multilingual.intent_examples()
    ):
        rows.append(dict(text=text, misuse=None, intent=intent, source="guardflow_seed", group="intent"))
    for text, misuse in (
        seed_data.misuse_examples() + seed_more.misuse_examples() + seed_multilingual.misuse_examples()
    ):
        rows.append(dict(text=text, misuse=misuse, intent=None, source="guardflow_seed", group=misuse))
    return rows


def is_holdout(row: dict) -> bool:
    return row["source"] in HOLDOUT_SOURCES or (row["source"], row["group"]) in HOLDOUT_PAIRS


def _matrix(texts: list[str], embed: "EmbedView | None" = None, concept_weight: float = 0.0):
    """Hashed n-grams and concepts (DIM columns), then, with `embed`, the scaled sentence
    embedding."""
    from scipy.sparse import csr_matrix, hstack

    indptr, indices, values = [0], [], []
    for text in texts:
        if text.startswith(CONCEPTS_ONLY):
            index, value = concept_vector(text[len(CONCEPTS_ONLY) :])
        else:
            index, value = vectorise(text, concept_weight)
        indices.append(index)
        values.append(value)
        indptr.append(indptr[-1] + index.size)
    hashed = csr_matrix(
        (np.concatenate(values), np.concatenate(indices), np.array(indptr)), shape=(len(texts), DIM)
    )
    if embed is None:
        return hashed
    dense = np.vstack([embed.embedder.embed(text) for text in texts]) * embed.weight
    return hstack([hashed, csr_matrix(dense.astype(np.float32))], format="csr")


class EmbedView:
    """The semantic feature view: `weight` scales the unit-norm embedding against the unit-norm
    hashed vector (with one L2 penalty for both, a larger weight lets the heads lean on it)."""

    def __init__(self, table: Path, dims: int, weight: float) -> None:
        self.embedder = StaticEmbedder.load(table, dims)
        self.dims, self.weight = self.embedder.dims, weight


def _fit(matrix, labels: np.ndarray, n_classes: int, weights: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=400, tol=1e-4)
    model.fit(matrix, labels, sample_weight=weights)
    coef = np.zeros((n_classes, matrix.shape[1]), dtype=np.float32)
    bias = np.full(n_classes, -20.0, dtype=np.float32)  # a class never seen stays impossible
    if model.coef_.shape[0] == 1:  # binary: sklearn keeps one row, the logit of classes_[1]
        coef[model.classes_[0]], bias[model.classes_[0]] = 0.0, 0.0
        coef[model.classes_[1]], bias[model.classes_[1]] = model.coef_[0], model.intercept_[0]
        return coef, bias
    for row, cls in enumerate(model.classes_):
        coef[cls] = model.coef_[row]
        bias[cls] = model.intercept_[row]
    return coef, bias


def _fit_softmax(matrix, labels: np.ndarray, weights: np.ndarray, c: float):
    """One 4-way softmax head (benign / harmful / jailbreak / injection), class-balanced."""
    return _fit(matrix, labels, 4, _balanced(labels, weights), c)


def _fit_misuse(matrix, labels: np.ndarray, weights: np.ndarray, c: float):
    """Column 0: a binary benign-vs-unsafe head (all rows); columns 1-3: which kind of unsafe
    (harmful / jailbreak / injection), trained on the unsafe rows only. Deciding "unsafe" with
    one binary model generalises better than reading it off a 4-way softmax."""
    unsafe = (labels != 0).astype(int)
    binary_coef, binary_bias = _fit(matrix, unsafe, 2, _balanced(unsafe) * weights, c)
    kind_rows = np.flatnonzero(labels != 0)
    kind_coef, kind_bias = _fit(matrix[kind_rows], labels[kind_rows] - 1, 3, weights[kind_rows], c)
    coef = np.vstack([binary_coef[1] - binary_coef[0], kind_coef]).astype(np.float32)
    bias = np.concatenate([[binary_bias[1] - binary_bias[0]], kind_bias]).astype(np.float32)
    return coef, bias


def misuse_probabilities(raw: np.ndarray) -> np.ndarray:
    """(n, 4) logits of `_fit_misuse` → (n, 4) probabilities benign, harmful, jailbreak, injection."""
    unsafe = 1.0 / (1.0 + np.exp(-raw[:, :1]))
    return np.hstack([1.0 - unsafe, unsafe * _softmax(raw[:, 1:])])


def _balanced(labels: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    counts = Counter(labels.tolist())
    weights = np.array([len(labels) / (len(counts) * counts[y]) for y in labels], dtype=np.float64)
    return weights * (extra if extra is not None else 1.0)


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


def _threshold(unsafe: np.ndarray, is_benign: np.ndarray, max_fpr: float) -> float:
    """Lowest threshold on P(unsafe) whose false-positive rate on benign rows is ≤ max_fpr."""
    benign_scores = np.sort(unsafe[is_benign])[::-1]
    k = int(np.floor(max_fpr * benign_scores.size))
    return float(min(max(benign_scores[k] + 1e-6, 0.35), 0.9))


def concept_copies(rows: list[dict]) -> list[dict]:
    """A concept-only copy of each trainable misuse row that has concepts: the model must then
    learn to decide from concepts alone, which is all it reads in a language with few n-grams
    in training."""
    copies = []
    for row in rows:
        if row["misuse"] and row.get("trainable", True) and concept_vector(row["text"])[0].size:
            copies.append(dict(row, text=CONCEPTS_ONLY + row["text"], intent=None, source="concept_copy"))
    return copies


def _row_weight(row: dict) -> float:
    if row["source"] == augment.SOURCE:
        return augment.WEIGHT
    if row["source"] == "concept_copy":
        return CONCEPT_COPY_WEIGHT
    if row["misuse"] == "injection" and row["source"] != "guardflow_seed":
        # Many cyberseceval injection inputs are innocent questions that are attacks only
        # against its particular system prompts; weighting them fully teaches "question = attack".
        return 0.35
    return 1.0


def train(
    rows: list[dict],
    *,
    c_misuse: float,
    c_intent: float,
    max_fpr: float,
    binary: bool = False,
    fixed_threshold: float | None = None,
    embed: EmbedView | None = None,
    embed_misuse: bool = True,
    concept_weight: float = 0.0,
) -> dict:
    rng = np.random.default_rng(SEED)
    misuse_rows = [r for r in rows if r["misuse"] and r.get("trainable", True)]
    calib = rng.random(len(misuse_rows)) < 0.15
    texts = [r["text"] for r in misuse_rows]
    labels = np.array([MISUSE_CLASSES.index(r["misuse"]) for r in misuse_rows])
    seed_boost = np.array([_row_weight(r) for r in misuse_rows])
    misuse_embed = embed if embed_misuse else None
    matrix = _matrix(texts, misuse_embed, concept_weight)
    # Calibrate the decision threshold on rows the first fit did not see, then refit on all.
    fit_idx, cal_idx = np.flatnonzero(~calib), np.flatnonzero(calib)
    fit = _fit_misuse if binary else _fit_softmax
    threshold = fixed_threshold
    if threshold is None:
        coef, bias = fit(matrix[fit_idx], labels[fit_idx], seed_boost[fit_idx], c_misuse)
        logits = matrix[cal_idx] @ coef.T + bias
        probs = misuse_probabilities(logits) if binary else _softmax(logits)
        threshold = _threshold(1.0 - probs[:, 0], labels[cal_idx] == 0, max_fpr)
    coef, bias = fit(matrix, labels, seed_boost, c_misuse)

    intent_rows = [r for r in rows if r["intent"]]
    intent_labels = np.array([INTENTS.index(r["intent"]) for r in intent_rows])
    intent_boost = np.array([2.0 if r["source"] == "guardflow_seed" else 1.0 for r in intent_rows])
    intent_coef, intent_bias = _fit(
        _matrix([r["text"] for r in intent_rows], embed, concept_weight),
        intent_labels,
        len(INTENTS),
        _balanced(intent_labels, intent_boost) ** 0.5,
        c_intent,
    )
    # Fold the view's weight into the coefficients: run time feeds the unit-norm embedding.
    scale = embed.weight if embed else 1.0
    misuse_embed_coef = coef[:, DIM:] * scale
    if embed and not embed_misuse:
        # The misuse head reads n-grams only: its embedding weights are zero.
        misuse_embed_coef = np.zeros((coef.shape[0], embed.dims), dtype=np.float32)
    return {
        "misuse_coef": coef[:, :DIM],
        "misuse_embed_coef": misuse_embed_coef,
        "misuse_bias": bias,
        "misuse_threshold": threshold,
        "intent_coef": intent_coef[:, :DIM],
        "intent_embed_coef": intent_coef[:, DIM:] * scale,
        "intent_bias": intent_bias,
        "counts": dict(Counter(r["misuse"] for r in misuse_rows)),
        "intent_counts": dict(Counter(r["intent"] for r in intent_rows)),
    }


def _compact(coef: np.ndarray) -> np.ndarray:
    """Transpose to (DIM, classes) float16 and zero negligible weights so it compresses well."""
    out = coef.T.astype(np.float16)
    out[np.abs(out) < 2e-3] = 0
    return out


def save(model: dict, path: Path, meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = {}
    if model["misuse_embed_coef"].size:
        # (embed dims, classes), few numbers: float32. Absent without the embedding view, so an
        # n-gram-only build is byte-identical to the artefact built before the option existed.
        extra = dict(
            misuse_embed_coef=model["misuse_embed_coef"].T.astype(np.float32),
            intent_embed_coef=model["intent_embed_coef"].T.astype(np.float32),
        )
    np.savez_compressed(
        path,
        misuse_coef=_compact(model["misuse_coef"]),
        misuse_bias=model["misuse_bias"],
        intent_coef=_compact(model["intent_coef"]),
        intent_bias=model["intent_bias"],
        misuse_threshold=np.float32(model["misuse_threshold"]),
        meta=np.array(json.dumps(meta)),
        **extra,
    )


def write_holdout(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "source", "intent"])
        for row in rows:
            label = "benign" if row["misuse"] == "benign" else "flagged"
            writer.writerow([row["text"], label, row["source"], row["intent"] or ""])


def _data_digest(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("guard_dev.csv", "benign_dev.csv"):
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with guard_dev.csv")
    parser.add_argument("--out", type=Path, default=ARTEFACT)
    parser.add_argument("--holdout", action="store_true", help="leave whole sources out (evaluation build)")
    parser.add_argument("--holdout-csv", type=Path, default=REPO_ROOT / "var" / "guard" / "holdout.csv")
    parser.add_argument("--c-misuse", type=float, default=4.0)
    parser.add_argument("--c-intent", type=float, default=8.0)
    parser.add_argument(
        "--threshold",
        type=float,
        # 0.53: held-out ordinary prompts stay under 3 % flagged with margin (44 of 1,684 rows,
        # 2.6 %, before and after the concept tokens; docs/guard.md).
        default=0.53,
        help="P(unsafe) that maps to score 0.5; 0 = calibrate on a split to --max-fpr instead",
    )
    parser.add_argument("--max-fpr", type=float, default=0.015)
    parser.add_argument(
        "--embed-dims", type=int, default=128, help="static-embedding dims (0 = n-grams only)"
    )
    parser.add_argument(
        "--embed-heads",
        choices=("both", "intent"),
        # The misuse head gained no held-out recall from the view; the intent head +2.4 points.
        default="intent",
        help="which heads read the embedding view (intent: the misuse head stays n-grams only)",
    )
    # 0.5: the middle of the held-out plateau (0.25-1 within 0.6 points; 0.1 and 2 lose 1.5).
    parser.add_argument("--embed-weight", type=float, default=0.5, help="scale of the embedding view")
    parser.add_argument("--embed-table", type=Path, default=EMBED_TABLE, help="training/distill.py output")
    parser.add_argument(
        "--concept-weight",
        type=float,
        # 1.0: multilingual probe recall 31 -> 53 % (harmful) with English held-out unchanged;
        # 2.0 was no better in other languages and worse in English (docs/guard.md).
        default=1.0,
        help="weight of the cross-lingual concept tokens against a word's 1.0 (0 = none)",
    )
    parser.add_argument(
        "--concept-copies",
        action="store_true",
        help="add concept-only copies of the misuse rows (evaluated: not kept, docs/guard.md)",
    )
    parser.add_argument(
        "--augment",
        action="store_true",
        help="add synonym-substitution copies of short misuse rows (evaluated: not kept, docs/guard.md)",
    )
    parser.add_argument(
        "--binary-head", action="store_true", help="binary unsafe head + kind head (evaluated: no better)"
    )
    args = parser.parse_args(argv)
    if not (args.data / "guard_dev.csv").is_file():
        parser.error(f"no guard_dev.csv in {args.data}; pass --data")
    rows = load_rows(args.data)
    if args.holdout:
        held = [r for r in rows if is_holdout(r)]
        rows = [r for r in rows if not is_holdout(r)]
        write_holdout(held, args.holdout_csv)
        print(f"held out {len(held)} rows -> {args.holdout_csv}", file=sys.stderr)
    embed = EmbedView(args.embed_table, args.embed_dims, args.embed_weight) if args.embed_dims else None
    # The L-BFGS solver's BLAS calls (scipy's OpenBLAS) split sums over threads; their number
    # changes the last bits of each sum and so the solver's path: with one thread the artefact
    # is the same on any core count. threadpoolctl limits only libraries already loaded, and
    # importing scikit-learn's linear models loads scipy's OpenBLAS.
    import sklearn.linear_model  # noqa: F401

    with threadpool_limits(limits=1):
        if args.augment:
            copies = augment.augmented_rows(rows, StaticEmbedder.load(args.embed_table))
            print(f"synonym copies of {len(copies)} misuse rows", file=sys.stderr)
            rows = rows + copies
        if args.concept_copies:
            copies = concept_copies(rows)
            print(f"concept-only copies of {len(copies)} misuse rows", file=sys.stderr)
            rows = rows + copies
        model = train(
            rows,
            embed=embed,
            embed_misuse=args.embed_heads == "both",
            c_misuse=args.c_misuse,
            c_intent=args.c_intent,
            max_fpr=args.max_fpr,
            binary=args.binary_head,
            fixed_threshold=args.threshold or None,
            concept_weight=args.concept_weight,
        )
    meta = {
        "data_digest": _data_digest(args.data),
        "holdout": args.holdout,
        "counts": model["counts"],
        "intent_counts": model["intent_counts"],
        "misuse_classes": MISUSE_CLASSES,
        "misuse_mode": "binary_kind" if args.binary_head else "softmax",
        "intents": INTENTS,
        "c": [args.c_misuse, args.c_intent],
        "max_fpr": args.max_fpr,
        "threshold": args.threshold or "calibrated",
    }
    if args.augment:
        meta["augment"] = True
    if args.concept_copies:
        meta["concept_copies"] = True
    if args.concept_weight:
        meta.update(concept_weight=args.concept_weight, lexicon_digest=concepts.lexicon_digest())
    if embed:
        meta.update(embed_dims=embed.dims, embed_weight=args.embed_weight, embed_heads=args.embed_heads)
    save(model, args.out, meta)
    print(json.dumps({"artefact": str(args.out), "threshold": model["misuse_threshold"], **meta}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
