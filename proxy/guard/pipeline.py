"""The detector chain: the default detector always, then any extra detectors (e.g. the LLM
judge) an integrator registered. Each runs with a time budget; an over-budget or failing
detector is noted, and the verdict falls back to what the earlier detectors found."""

import logging
import time

from proxy.guard.detectors.base import Detection, Detector
from proxy.guard.detectors.default import DefaultDetector

logger = logging.getLogger("guardflow.guard")

_default = DefaultDetector()
_extra: list[Detector] = []


def guard_detectors_set(detectors: list[Detector]) -> None:
    """Replace the optional detectors that run after the default one (startup wiring, tests)."""
    _extra[:] = list(detectors)


def guard_default_detector() -> DefaultDetector:
    return _default


def guard_pipeline_run(text: str) -> Detection:
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


def guard_judge_configure(*, complete, model_name: str | None = None, timeout: float | None = None) -> bool:
    """Wire the optional LLM judge (settings GUARD_LLM_JUDGE_MODEL / _TIMEOUT_SECONDS) with the
    gateway's `complete(model_name, messages, timeout) -> str`. Returns whether a judge runs."""
    from django.conf import settings

    from proxy.guard.detectors.llm_judge import LLMJudgeDetector

    model_name = model_name or getattr(settings, "GUARD_LLM_JUDGE_MODEL", "")
    if not model_name:
        guard_detectors_set([])
        return False
    timeout = timeout or getattr(settings, "GUARD_LLM_JUDGE_TIMEOUT_SECONDS", 3.0)
    guard_detectors_set([LLMJudgeDetector(model_name=model_name, complete=complete, timeout=timeout)])
    return True
