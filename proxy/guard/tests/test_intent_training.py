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
        # Science calculations, Fermi estimates and summaries (seed_intent._more_kinds).
        (
            "A 4 kg trolley is pulled with a force of 10 N along a level track. What is its acceleration?",
            "math",
        ),
        ("How many grams of sodium hydroxide are in 300 mL of a 0.5 M solution?", "math"),
        ("一个质量为2千克的小球从10米高处落下，求落地速度。", "math"),  # noqa: RUF001
        # A Fermi estimate sits on the maths/chat line (0.47 / 0.49 since the multilingual rows).
        (
            "Roughly how many violins are there in Vienna? Explain how you get there.",
            ("math", "general_chat"),
        ),
        (
            "Summarise this in one sentence: The ferry will not run on Sunday because of the storm warning.",
            "writing",
        ),
        ("Do you think people will still read paper books in fifty years?", "general_chat"),
    ],
)
def test_shipped_artefact_reads_everyday_intents(text, intent):
    from proxy.guard.pipeline import guard_default_detector

    _, probabilities, _ = guard_default_detector().scores(text)
    assert INTENTS[int(probabilities.argmax())] in ((intent,) if isinstance(intent, str) else intent)
