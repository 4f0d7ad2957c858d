"""The intent seed rows and what the shipped artefact reads from everyday instructions."""

from collections import Counter

import pytest

from proxy.guard.taxonomy import INTENTS
from proxy.guard.training import seed_intent


def test_seed_intent_rows_are_deterministic_labelled_and_distinct():
    rows = seed_intent.intent_examples()
    assert rows == seed_intent.intent_examples()
    assert {intent for _, intent in rows} <= set(INTENTS)
    assert len(rows) == len(set(rows))
    counts = Counter(intent for _, intent in rows)
    assert min(counts[name] for name in ("coding", "writing", "translation", "math", "general_chat")) >= 100


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # Shapes the eval sets' dominant sources lack (none of these is a training row).
        ("You are a retired sea captain. Tell me about the storm you survived.", "writing"),
        ("Set up GitHub Actions so that our linter runs on pull requests", "coding"),
        ("I throw two coins and a die. What is the probability of two heads and a six?", "math"),
        ("Translate into Hindi, please: where is the nearest bus stop?", "translation"),
        ("Is it worth visiting Lisbon in winter?", "general_chat"),
    ],
)
def test_shipped_artefact_reads_everyday_intents(text, intent):
    from proxy.guard.pipeline import guard_default_detector

    _, probabilities, _ = guard_default_detector().scores(text)
    assert INTENTS[int(probabilities.argmax())] == intent
