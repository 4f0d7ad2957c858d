"""Check the concept lexicon for collisions with English: `python -m proxy.guard.training.lexicon_check`.

Every language's stems apply to every prompt, and most prompts are English. A stem of another
language that starts a frequent English word with another meaning ("list" is a letter in
Polish, "her" games in Czech) gives that word a concept it does not have in English. This
prints each language file and concept with the English words it catches (words seen at least
`--min-count` times in the English rows of the training data, and, for the concepts that change
a verdict, every whole word of the embedding table's English vocabulary) and exits 1 if any;
fix the stem (`=` for a whole word, a longer stem, a phrase) or drop it, then rebuild.
"""

import argparse
import csv
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from proxy.guard.detectors import concepts
from proxy.guard.detectors.features import normalise
from proxy.guard.training.build import DEFAULT_DATA

_WORD = re.compile(r"\w+")


def english_words(data_dir: Path) -> Counter:
    counts: Counter = Counter()
    csv.field_size_limit(10_000_000)
    for name in ("benign_dev.csv", "guard_dev.csv"):
        with (data_dir / name).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                text = normalise(row["text"])
                if text.isascii():
                    counts.update(_WORD.findall(text))
    return counts


def vocabulary() -> list[str]:
    """Whole English words of the embedding table's WordPiece vocabulary (≈20,000)."""
    from proxy.guard.detectors.embed import TABLE

    with np.load(TABLE, allow_pickle=False) as data:
        tokens = str(data["tokens"]).split("\n")
    return [t for t in tokens if len(t) >= 4 and t.isascii() and t.isalpha()]


def collisions(
    directory: Path, words: Counter, min_count: int, rare: list[str] = ()
) -> dict[tuple[str, str], list]:
    """(language file, concept) -> [(English word, count)] that the file's stems give that
    concept although the English inventory does not: for words seen `min_count` times in the
    training text, any concept; for the `rare` words, the concepts that change a verdict
    (hazards, and the benign contexts that damp them)."""
    frequent = [word for word, count in words.items() if count >= min_count]
    english = concepts.load(directory, languages={"en"})
    decisive = {english.names[c] for c in english.categories} | concepts.BENIGN_CONTEXT
    checks = [(word, words[word], None) for word in frequent]
    checks += [
        (word, words.get(word, 0), decisive) for word in rare if word not in words or words[word] < min_count
    ]
    meaning = {word: {english.names[c] for c in english.find(word)} for word, _, _ in checks}
    found: dict[tuple[str, str], list] = {}
    for path in sorted(directory.glob("*.txt")):
        if path.name == "en.txt":
            continue
        lexicon = concepts.load(directory, languages={path.stem})
        for word, count, only in checks:
            for name in {lexicon.names[c] for c in lexicon.find(word)} - meaning[word]:
                if only is None or name in only:
                    found.setdefault((path.name, name), []).append((word, count))
    return {key: sorted(caught, key=lambda item: -item[1]) for key, caught in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the training CSVs")
    parser.add_argument("--lexicon", type=Path, default=concepts.LEXICON_DIR)
    parser.add_argument("--min-count", type=int, default=15)
    args = parser.parse_args(argv)
    found = collisions(args.lexicon, english_words(args.data), args.min_count, vocabulary())
    for (file, name), caught in found.items():
        print(f"{file}: {name}: catches English {caught[:5]}")
    print(f"{len(found)} collisions", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
