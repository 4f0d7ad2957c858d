"""The detector chain: the default detector always, then any extra detectors (e.g. the LLM
judge) an integrator registered. Each runs with a time budget; an over-budget or failing
detector is noted, and the verdict falls back to what the earlier detectors found.

The gateway's LLM judge is asynchronous, so it does not run inside this (synchronous) chain:
`proxy.services.guard_bridge` opens a `guard_judge_slot()` for one screen, asks the judge on the
event loop, puts the answer in the slot and screens again; the chain then reuses the default
detector's findings from the first pass and folds the judge's answer in (`judgement_apply`)."""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from proxy.guard.detectors.base import Detection, Detector
from proxy.guard.detectors.default import DefaultDetector
from proxy.guard.detectors.llm_judge import Judgement, judgement_apply

logger = logging.getLogger("guardflow.guard")

_default = DefaultDetector()
_extra: list[Detector] = []


@dataclass
class JudgeSlot:
    """One screen's exchange with the async judge (per request: it lives in a ContextVar, so
    concurrent requests on one loop never see each other's)."""

    asked: bool = False
    judgement: Judgement | None = None
    # The chain's findings for `text` before the judge, so the second pass costs no detection.
    text: str | None = None
    detection: Detection | None = None


_judge_slot: ContextVar[JudgeSlot | None] = ContextVar("guard_judge_slot", default=None)


@contextmanager
def guard_judge_slot() -> Iterator[JudgeSlot]:
    """Within this block, `guard_pipeline_run` caches its findings in the slot and applies the
    judgement once `slot.asked` is set."""
    slot = JudgeSlot()
    token = _judge_slot.set(slot)
    try:
        yield slot
    finally:
        _judge_slot.reset(token)


def guard_detectors_set(detectors: list[Detector]) -> None:
    """Replace the optional detectors that run after the default one (startup wiring, tests)."""
    _extra[:] = list(detectors)


def guard_default_detector() -> DefaultDetector:
    return _default


def _run_detectors(text: str) -> Detection:
    detection = Detection()
    for detector in (_default, *_extra):
        started = time.perf_counter()
        try:
            detector.detect(text, detection)
        except Exception:
            logger.exception("guard detector %s failed", detector.name)
            detection.notes.append(f"{detector.name}_failed")
            continue
        elapsed_ms = (time.perf_counter() - started) * 1000
        if elapsed_ms > detector.budget_ms:
            detection.notes.append(f"{detector.name}_over_budget")
    return detection


def _copy(detection: Detection) -> Detection:
    # The feature vector is only read downstream (task deviation), so it is shared.
    return Detection(
        categories=dict(detection.categories),
        intents=dict(detection.intents),
        notes=list(detection.notes),
        features=detection.features,
    )


def guard_pipeline_run(text: str) -> Detection:
    slot = _judge_slot.get()
    if slot is None:  # no judge in this screen: the plain chain
        return _run_detectors(text)
    if slot.detection is None or slot.text != text:
        slot.text, slot.detection = text, _run_detectors(text)
    detection = _copy(slot.detection)
    if slot.asked:
        judgement_apply(detection, slot.judgement)
    return detection


def guard_judge_configure(*, complete, model_name: str | None = None, timeout: float | None = None) -> bool:
    """Register the blocking LLM judge for sync callers outside the gateway (a script, an
    evaluation run) with `complete(model_name, messages, timeout) -> str`; model and timeout
    default to GUARD_LLM_JUDGE_MODEL / _TIMEOUT_SECONDS. Returns whether a judge runs.

    Not for the ASGI process: the gateway asks the judge itself, asynchronously, whenever
    GUARD_LLM_JUDGE_MODEL is set (`proxy.services.guard_bridge`); registering this as well would
    ask twice and wait on a thread inside the event loop."""
    from django.conf import settings

    from proxy.guard.detectors.llm_judge import LLMJudgeDetector

    model_name = model_name or getattr(settings, "GUARD_LLM_JUDGE_MODEL", "")
    if not model_name:
        guard_detectors_set([])
        return False
    timeout = timeout or getattr(settings, "GUARD_LLM_JUDGE_TIMEOUT_SECONDS", 3.0)
    guard_detectors_set([LLMJudgeDetector(model_name=model_name, complete=complete, timeout=timeout)])
    return True
