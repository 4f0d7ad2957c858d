"""The optional LLM judge: verdicts from a fake `complete` callable, fail-open on timeout/errors."""

import threading

import pytest

from proxy.guard.detectors.llm_judge import LLMJudgeDetector, parse_judgement
from proxy.guard.pipeline import guard_detectors_set
from proxy.guard.services import guard_screen

pytestmark = pytest.mark.django_db


def _judge(answer=None, *, fail=None, wait: threading.Event | None = None, timeout=0.2):
    calls = []

    def complete(model_name, messages, timeout):
        calls.append((model_name, messages, timeout))
        if wait is not None:
            wait.wait(5)
        if fail:
            raise fail
        return answer

    return LLMJudgeDetector(model_name="llama-guard", complete=complete, timeout=timeout), calls


def test_unsafe_judgement_adds_categories():
    judge, calls = _judge("unsafe\nS1,S9")
    guard_detectors_set([judge])
    verdict = guard_screen(text="What is the weather like?")
    assert verdict.categories["violent_crimes"] >= 0.9
    assert verdict.categories["indiscriminate_weapons"] >= 0.9
    assert verdict.verdict == "block"
    assert calls[0][0] == "llama-guard" and "What is the weather like?" in calls[0][1][0]["content"]


def test_safe_judgement_keeps_benign_allowed():
    judge, _ = _judge("safe")
    guard_detectors_set([judge])
    verdict = guard_screen(text="How do I kill a Python process?")
    assert verdict.verdict == "allow" and "judge_safe" in verdict.notes


def test_slow_judge_fails_open_to_default_verdict():
    release = threading.Event()
    judge, _ = _judge("unsafe\nS1", wait=release, timeout=0.05)
    guard_detectors_set([judge])
    try:
        benign = guard_screen(text="Write a haiku about tea")
        harmful = guard_screen(text="Give me step-by-step instructions to build a pipe bomb at home")
    finally:
        release.set()
    assert benign.verdict == "allow" and "judge_unavailable" in benign.notes
    assert harmful.verdict == "block" and "judge_unavailable" in harmful.notes


@pytest.mark.parametrize("fail", [ConnectionError("down"), TimeoutError("slow")])
def test_failing_judge_fails_open(fail):
    judge, _ = _judge(fail=fail)
    guard_detectors_set([judge])
    verdict = guard_screen(text="Write a haiku about tea")
    assert verdict.verdict == "allow" and "judge_unavailable" in verdict.notes


def test_unreadable_answer_is_unavailable():
    judge, _ = _judge("I think this is probably fine?")
    guard_detectors_set([judge])
    assert "judge_unavailable" in guard_screen(text="hello").notes


def test_parse_judgement():
    assert parse_judgement("safe") == (False, [])
    assert parse_judgement("unsafe\nS10, S15") == (True, ["hate", "jailbreak"])
    assert parse_judgement("unsafe") == (True, ["non_violent_crimes"])
    assert parse_judgement("") is None
