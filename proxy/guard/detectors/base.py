"""The detector contract. A detector turns a prompt into category scores and an intent
distribution; the guard service turns those into a verdict with the operators' policies."""

from dataclasses import dataclass, field
from typing import Protocol

from proxy.guard.taxonomy import INTENTS


@dataclass(frozen=True)
class GuardTask:
    id: int | None
    name: str
    description: str = ""
    allowed_intents: tuple[str, ...] = ()


@dataclass
class Detection:
    """What detectors found so far; later detectors may refine it."""

    categories: dict[str, float] = field(default_factory=dict)
    intents: dict[str, float] = field(default_factory=lambda: dict.fromkeys(INTENTS, 1 / len(INTENTS)))
    notes: list[str] = field(default_factory=list)
    # The default detector's feature vector of the prompt (reused for task deviation).
    features: object = None

    def raise_category(self, category: str, score: float) -> None:
        if score > self.categories.get(category, 0.0):
            self.categories[category] = round(float(score), 4)


class Detector(Protocol):
    name: str
    budget_ms: float

    def detect(self, text: str, detection: Detection) -> None:
        """Update `detection` in place. Must not raise for any text."""
