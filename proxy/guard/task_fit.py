"""Task deviation: how far a prompt is from the declared task (0 on-task .. 1 off-task).

Two signals: does the prompt's intent fit the task's intents (its allowed intents, or the
intent the default detector reads in the task's own name and description), and do the
prompt and the task description share vocabulary (cosine of the hashed feature vectors).
"""

from functools import lru_cache

import numpy as np

from proxy.guard.detectors.base import Detection, GuardTask
from proxy.guard.pipeline import guard_default_detector
from proxy.guard.taxonomy import INTENTS

INTENT_WEIGHT = 0.75
LEXICAL_GAIN = 3.0  # a cosine of ~0.33 between a short prompt and a task text is already close


@lru_cache(maxsize=512)
def _task_profile(name: str, description: str, allowed: tuple[str, ...]) -> tuple[np.ndarray, tuple]:
    """(intent weights 0..1, sorted distinct feature vector) of a task; cached per task text."""
    _, intents, (index, values) = guard_default_detector().scores(f"{name}. {description}")
    weights = np.clip(intents / max(float(intents.max()), 1e-9), 0.0, 1.0)
    weights = np.where(weights >= 0.3, 1.0, weights)
    if allowed:
        weights = np.array([1.0 if name in allowed else 0.0 for name in INTENTS])
    unique, inverse = np.unique(index, return_inverse=True)
    summed = np.bincount(inverse, weights=values).astype(np.float32)
    return weights, (unique, summed)


def _cosine(prompt_features: tuple, task_features: tuple) -> float:
    index, values = prompt_features
    t_index, t_values = task_features
    if index.size == 0 or t_index.size == 0:
        return 0.0
    pos = np.clip(np.searchsorted(t_index, index), 0, t_index.size - 1)
    hit = t_index[pos] == index
    return float((values[hit] * t_values[pos[hit]]).sum())


def task_deviation(task: GuardTask, detection: Detection) -> float:
    allowed = tuple(i for i in task.allowed_intents if i in INTENTS)
    weights, task_features = _task_profile(task.name or "", task.description or "", allowed)
    prompt_intents = np.array([detection.intents.get(name, 0.0) for name in INTENTS])
    intent_fit = min(float((prompt_intents * weights).sum()), 1.0)
    lexical_fit = 0.0
    if detection.features is not None and task.description:
        lexical_fit = min(LEXICAL_GAIN * _cosine(detection.features, task_features), 1.0)
    fit = INTENT_WEIGHT * intent_fit + (1 - INTENT_WEIGHT) * max(lexical_fit, intent_fit * 0.5)
    return float(min(max(1.0 - fit, 0.0), 1.0))
