"""Evaluate the guard on a labelled CSV (`text,label[,source][,intent|category]`)."""

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from proxy.guard.taxonomy import INTENTS

# benign_dev's approximate `category` names → our intents.
_INTENT_ALIASES = {"general": "general_chat", "chat": "general_chat"}


class EvalInputError(ValueError):
    pass


def _read_rows(path: Path) -> list[dict]:
    csv.field_size_limit(10_000_000)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields = set(reader.fieldnames or ())
            if not {"text", "label"} <= fields:
                raise EvalInputError("The CSV needs a header with at least the columns text,label.")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EvalInputError(f"Cannot read {path}: {exc}") from exc
    bad = [i for i, row in enumerate(rows, start=2) if row["label"] not in {"benign", "flagged"}]
    if bad:
        raise EvalInputError(f"label must be benign or flagged (line {bad[0]}).")
    return rows


def _expected_intent(row: dict) -> str | None:
    value = (row.get("intent") or row.get("category") or "").strip().lower()
    value = _INTENT_ALIASES.get(value, value)
    return value if value in INTENTS else None


def _rates(results: list[tuple[str, str]]) -> dict:
    flagged = [v for label, v in results if label == "flagged"]
    benign = [v for label, v in results if label == "benign"]
    out: dict = {"n": len(results)}
    if flagged:
        out["tpr"] = round(sum(v != "allow" for v in flagged) / len(flagged), 4)
    if benign:
        out["fpr"] = round(sum(v != "allow" for v in benign) / len(benign), 4)
    return out


def guard_evaluate(*, path: Path, screen) -> dict:
    """Run `screen(text) -> GuardVerdict` over the file; one summary dict."""
    rows = _read_rows(path)
    by_source: dict[str, list[tuple[str, str]]] = defaultdict(list)
    everything, latencies, intent_hits, intent_total = [], [], 0, 0
    for row in rows:
        verdict = screen(row["text"] or "")
        pair = (row["label"], verdict.verdict)
        everything.append(pair)
        by_source[row.get("source") or "-"].append(pair)
        latencies.append(verdict.latency_ms)
        expected = _expected_intent(row) if row["label"] == "benign" else None
        if expected:
            intent_total += 1
            intent_hits += verdict.intent == expected
    summary = _rates(everything)
    summary["tpr"], summary["fpr"] = summary.get("tpr"), summary.get("fpr")
    summary["per_source"] = {source: _rates(pairs) for source, pairs in sorted(by_source.items())}
    summary["intent_accuracy"] = round(intent_hits / intent_total, 4) if intent_total else None
    summary["intent_n"] = intent_total
    lat = np.array(latencies or [0.0])
    summary["latency_ms"] = {
        "p50": round(float(np.percentile(lat, 50)), 3),
        "p99": round(float(np.percentile(lat, 99)), 3),
    }
    return summary
