"""Guard services: screen a prompt (hot path, CPU only), record its outcome into the user's
risk score (decay, anomalies, warn, auto-block), reset risk, and review flagged requests."""

import logging
import math
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from proxy.guard import config as guard_config_module
from proxy.guard.config import GuardConfig, guard_config_get, prompt_hash
from proxy.guard.detectors.base import Detection, GuardTask
from proxy.guard.pipeline import guard_pipeline_run
from proxy.guard.task_fit import task_deviation
from proxy.guard.taxonomy import CATEGORIES

logger = logging.getLogger("guardflow.guard")

__all__ = [
    "GuardTask",
    "GuardVerdict",
    "guard_outcome_is_clean",
    "guard_rate_fold",
    "guard_record_outcome",
    "guard_review_mark_false_positive",
    "guard_risk_reset",
    "guard_screen",
    "guard_task_from",
]

_SEVERITY = {"allow": 0, "flag": 1, "block": 2}
_EVIDENCE_KEEP = 50
_MIN_REPORTED_SCORE = 0.05
_HIGH_DEVIATION = 0.8


@dataclass(frozen=True)
class GuardVerdict:
    intent: str
    intent_confidence: float
    categories: dict[str, float]
    deviation: float | None
    verdict: str
    top_category: str | None
    risk_points: float
    latency_ms: float
    prompt_hash: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def max_score(self) -> float:
        return max(self.categories.values(), default=0.0)


# ---- screening (hot path) --------------------------------------------------------------------


def guard_task_from(task) -> GuardTask | None:
    """The frozen, cacheable view of a `proxy.models.Task` (None passes through)."""
    if task is None:
        return None
    allowed = tuple(str(i) for i in (task.allowed_intents or ()) if isinstance(i, str))
    return GuardTask(id=task.pk, name=task.name, description=task.description or "", allowed_intents=allowed)


def _decide(categories: dict[str, float], config: GuardConfig) -> tuple[str, str | None]:
    """Most severe policy action reached by any category, and the category that drove it."""
    verdict, top, top_key = "allow", None, (0, 0.0)
    for category, score in categories.items():
        for rule in config.policies.get(category, ()):
            if score >= rule.threshold:
                key = (_SEVERITY.get(rule.action, 0), score)
                if key > top_key:
                    verdict, top, top_key = rule.action, category, key
                break  # rules are sorted by descending threshold: the first reached is the one
    return verdict, (top if verdict != "allow" else None)


def _is_allow_listed(text: str, digest: str, config: GuardConfig) -> bool:
    return digest in config.allow_hashes or any(p.search(text) for p in config.allow_patterns)


def _risk_points(verdict: str, score: float, deviation: float | None, knobs: dict) -> float:
    points = 0.0
    if verdict == "block":
        points = knobs["points_block"] + knobs["points_per_score"] * score
    elif verdict == "flag":
        points = knobs["points_flag"] + 0.5 * knobs["points_per_score"] * max(score - 0.5, 0.0)
    if deviation is not None and deviation >= _HIGH_DEVIATION:
        points += knobs["points_deviation"]
    return round(min(points, knobs["max_points_per_request"]), 3)


def guard_screen(*, text: str, task: GuardTask | None = None, user_id: int | None = None) -> GuardVerdict:
    """Screen one prompt. Pure CPU and synchronous: no DB query once the config is cached."""
    started = time.perf_counter()
    config = guard_config_get()
    text = text if isinstance(text, str) else str(text or "")
    digest = prompt_hash(text)
    detection: Detection = guard_pipeline_run(text)
    intent = max(detection.intents, key=detection.intents.get)
    if task is not None and not isinstance(task, GuardTask):
        task = guard_task_from(task)  # a proxy.models.Task is accepted too
    deviation = task_deviation(task, detection) if task is not None else None
    categories = {
        name: round(score, 4)
        for name, score in sorted(detection.categories.items(), key=lambda kv: -kv[1])
        if score >= _MIN_REPORTED_SCORE and name in CATEGORIES
    }
    notes = list(detection.notes)
    if _is_allow_listed(text, digest, config):
        verdict, top = "allow", None
        notes.append("allow_listed")
    else:
        verdict, top = _decide(categories, config)
    score = categories.get(top, 0.0) if top else 0.0
    return GuardVerdict(
        intent=intent,
        intent_confidence=round(detection.intents[intent], 4),
        categories=categories,
        deviation=None if deviation is None else round(deviation, 4),
        verdict=verdict,
        top_category=top,
        risk_points=_risk_points(verdict, score, deviation, config.knobs),
        latency_ms=round((time.perf_counter() - started) * 1000, 3),
        prompt_hash=digest,
        notes=tuple(notes),
    )


# ---- outcome: per-user risk ------------------------------------------------------------------


def _decayed(score: float, since: datetime, now: datetime, half_life_hours: float) -> float:
    hours = max((now - since).total_seconds(), 0.0) / 3600
    return score * math.pow(0.5, hours / max(half_life_hours, 1e-3))


def _once_per(key: str, seconds: int) -> bool:
    """True the first time in `seconds` (per key, across processes via the shared cache)."""
    return cache.add(key, 1, timeout=seconds)


def _rate_anomaly(user_id: int, knobs: dict, *, minute: int | None = None, requests: int = 1) -> float:
    """Points when a minute's request count spikes far above the user's own baseline.
    `requests` > 1 folds a batch counted in process memory (see proxy.guard.rate)."""
    minute = int(time.time() // 60) if minute is None else minute
    key = f"guard:rate:{user_id}:{minute}"
    cache.add(key, 0, timeout=180)
    count = cache.incr(key, requests)
    base_key = f"guard:rate-base:{user_id}"
    baseline = cache.get(base_key)
    if count == requests:  # the first report of this minute rolls the baseline forward
        previous = cache.get(f"guard:rate:{user_id}:{minute - 1}") or 0
        baseline = 0.9 * (baseline or 0.0) + 0.1 * previous
        cache.set(base_key, baseline, timeout=7 * 24 * 3600)
    limit = max(knobs["rate_spike_min_requests"], knobs["rate_spike_factor"] * (baseline or 0.0))
    if count >= limit and _once_per(f"guard:rate-spike:{user_id}", 3600):
        return knobs["points_rate_spike"]
    return 0.0


def _burst_429_anomaly(user_id: int, http_status: int, knobs: dict) -> float:
    if http_status != 429:
        return 0.0
    key = f"guard:429:{user_id}:{int(time.time() // 300)}"
    cache.add(key, 0, timeout=600)
    if cache.incr(key) >= knobs["burst_429_count"] and _once_per(f"guard:429-burst:{user_id}", 3600):
        return knobs["points_429_burst"]
    return 0.0


def _is_attack(verdict: "GuardVerdict") -> bool:
    return verdict.verdict != "allow" and verdict.top_category in {"jailbreak", "prompt_injection"}


def _jailbreak_series(state, verdict: "GuardVerdict", now: datetime, knobs: dict) -> float:
    """Points when the user tried many *distinct* jailbreak/injection prompts within an hour."""
    if not _is_attack(verdict):
        return 0.0
    since = (now - timedelta(hours=1)).isoformat()
    hashes = {e.get("hash") for e in state.evidence if e.get("attack") and e.get("at", "") >= since}
    hashes.add(verdict.prompt_hash)
    if len(hashes) >= knobs["jailbreak_series_count"] and _once_per(f"guard:jb-series:{state.user_id}", 3600):
        return knobs["points_jailbreak_series"]
    return 0.0


def _offending_requests(state) -> list[str]:
    """Distinct flagged/blocked request ids in the evidence, oldest first."""
    ids = (e["request_id"] for e in state.evidence if e.get("verdict") in {"flag", "block"})
    return list(dict.fromkeys(ids))


def guard_outcome_is_clean(verdict: GuardVerdict, http_status: int) -> bool:
    """A request that can only count towards the rate baseline: allowed, no points, not a 429."""
    return verdict.verdict == "allow" and verdict.risk_points <= 0 and http_status != 429


def guard_record_outcome(
    *, user_id: int, verdict: GuardVerdict, request_id: str, http_status: int, rate_counted: bool = False
) -> None:
    """Fold one gateway request into the user's risk score. Cheap for clean requests (cache
    counters only); writes the DB only when the request adds points. `rate_counted`: the
    caller already counted the request for the rate baseline (the gateway batches that)."""
    knobs = guard_config_get().knobs
    points = verdict.risk_points + _burst_429_anomaly(user_id, http_status, knobs)
    if not rate_counted:
        points += _rate_anomaly(user_id, knobs)
    if verdict.verdict != "allow":
        _review_record(user_id=user_id, verdict=verdict, request_id=request_id)
    if points <= 0 and not _is_attack(verdict):
        return
    _risk_add(user_id=user_id, verdict=verdict, request_id=request_id, points=points, knobs=knobs)


# What a rate spike records as evidence: the request that tipped it was itself clean.
_RATE_SPIKE = GuardVerdict(
    intent="other",
    intent_confidence=0.0,
    categories={},
    deviation=None,
    verdict="allow",
    top_category=None,
    risk_points=0.0,
    latency_ms=0.0,
    notes=("rate_spike",),
)


def guard_rate_fold(counts: dict[tuple[int, int], tuple[int, str]]) -> None:
    """Fold requests counted in process memory — {(user_id, minute): (requests, last request
    id)} — into the shared per-minute counters; a spike adds its points like a request would."""
    knobs = guard_config_get().knobs
    for (user_id, minute), (requests, request_id) in counts.items():
        try:
            points = _rate_anomaly(user_id, knobs, minute=minute, requests=requests)
            if points > 0:
                _risk_add(
                    user_id=user_id, verdict=_RATE_SPIKE, request_id=request_id, points=points, knobs=knobs
                )
        except Exception:  # one user's failure (cache or database) must not drop everyone's counts
            logger.exception("folding the request rate of user %s failed", user_id)


def _review_record(*, user_id: int, verdict: GuardVerdict, request_id: str) -> None:
    from proxy.guard.models import GuardReview

    GuardReview.objects.get_or_create(
        request_id=request_id[:128],
        defaults={
            "user_id": user_id,
            "verdict": verdict.verdict,
            "top_category": verdict.top_category or "",
            "score": verdict.max_score,
            "categories": verdict.categories,
            "intent": verdict.intent,
            "prompt_hash": verdict.prompt_hash,
        },
    )


def _risk_add(*, user_id: int, verdict: GuardVerdict, request_id: str, points: float, knobs: dict) -> None:
    from proxy.guard.models import UserRiskState

    now = timezone.now()
    with transaction.atomic():
        state, _ = UserRiskState.objects.select_for_update().get_or_create(user_id=user_id)
        # One request alone can never add more than the cap; the series bonus needs several.
        points = min(points, knobs["max_points_per_request"]) + _jailbreak_series(state, verdict, now, knobs)
        state.score = _decayed(state.score, state.updated_at, now, knobs["half_life_hours"]) + points
        state.updated_at = now
        state.evidence = [*state.evidence, _evidence(verdict, request_id, points, now)][-_EVIDENCE_KEEP:]
        _warn_or_block(state, knobs, now)
        state.save()


def _evidence(verdict: GuardVerdict, request_id: str, points: float, now: datetime) -> dict:
    return {
        "request_id": request_id,
        "at": now.isoformat(),
        "points": round(points, 3),
        "verdict": verdict.verdict,
        "category": verdict.top_category,
        "hash": verdict.prompt_hash,
        "attack": _is_attack(verdict),
    }


def _warn_or_block(state, knobs: dict, now: datetime) -> None:
    if state.score < knobs["warn_threshold"] / 2:
        state.warned_at = None
    offending = _offending_requests(state)
    if state.score >= knobs["block_threshold"] and len(offending) >= knobs["min_evidence_to_block"]:
        if state.blocked_by_guard_at is None:
            state.blocked_by_guard_at = now
            _user_auto_block(user_id=state.user_id, score=state.score, request_ids=offending[-20:])
        return
    if state.score >= knobs["warn_threshold"] and state.warned_at is None:
        state.warned_at = now
        _notify(kind="warning", user_id=state.user_id, score=state.score, request_ids=offending[-20:])


def _user_auto_block(*, user_id: int, score: float, request_ids: list[str]) -> None:
    from accounts.models import User
    from accounts.services import user_block
    from usage.services import audit_record

    user = User.objects.get(pk=user_id)
    if user.is_blocked:
        return
    reason = f"Blocked automatically by the guard: risk score {score:.0f} from repeated policy violations."
    evidence = {"request_ids": request_ids, "risk_score": round(score, 2)}
    user_block(user=user, reason=reason, evidence=evidence)
    audit_record(action="guard_auto_block", target=user, metadata=evidence)
    _notify(kind="blocked", user_id=user_id, score=score, request_ids=request_ids)


def _notify(*, kind: str, user_id: int, score: float, request_ids: list[str]) -> None:
    """Email the operators and POST the optional webhook, after the transaction commits."""
    from accounts.models import User
    from usage.services import audit_record

    user = User.objects.get(pk=user_id)
    payload = {
        "event": f"guard.{kind}",
        "user_id": user_id,
        "user_email": user.email,
        "risk_score": round(score, 2),
        "request_ids": request_ids,
    }
    if kind == "warning":
        audit_record(action="guard_risk_warning", target=user, metadata=payload)
    transaction.on_commit(lambda: _send_notifications(payload))


def _send_notifications(payload: dict) -> None:
    from accounts.models import User

    recipients = list(
        User.objects.filter(role=User.Role.ADMIN, is_active=True, blocked_at__isnull=True).values_list(
            "email", flat=True
        )
    )
    title = "user blocked" if payload["event"] == "guard.blocked" else "risk warning"
    body = (
        f"Guardflow guard {title} for {payload['user_email']} (user {payload['user_id']}).\n"
        f"Risk score: {payload['risk_score']}\nRequests: {', '.join(payload['request_ids']) or '-'}\n"
        "Review them in the admin (Guard reviews) or via GET /api/v1/admin/guard/reviews."
    )
    if recipients:
        try:
            send_mail(f"[Guardflow] Guard {title}: {payload['user_email']}", body, None, recipients)
        except Exception:
            logger.exception("guard notification email failed")
    if getattr(settings, "GUARD_WEBHOOK_URL", ""):
        from proxy.guard.tasks import guard_webhook_post

        guard_webhook_post.delay(payload)


def guard_risk_reset(*, user_id: int) -> None:
    """Operator unblocked the user (or cleared them): the risk score starts again from zero."""
    from proxy.guard.models import UserRiskState

    UserRiskState.objects.filter(user_id=user_id).update(
        score=0.0, evidence=[], warned_at=None, blocked_by_guard_at=None, updated_at=timezone.now()
    )
    cache.delete_many(
        [f"guard:jb-series:{user_id}", f"guard:rate-spike:{user_id}", f"guard:429-burst:{user_id}"]
    )


# ---- review queue ----------------------------------------------------------------------------


def guard_review_mark_false_positive(*, request_id: str, operator, note: str = ""):
    """Mark a flagged request harmless: its normalised prompt joins the allow-list."""
    from proxy.guard.models import AllowListEntry, GuardReview
    from proxy.guard.selectors import guard_review_get
    from usage.services import audit_record

    review: GuardReview = guard_review_get(request_id=request_id)
    with transaction.atomic():
        review.status = GuardReview.Status.FALSE_POSITIVE
        review.reviewed_by = operator
        review.reviewed_at = timezone.now()
        review.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        entry = None
        if review.prompt_hash:
            entry, _ = AllowListEntry.objects.get_or_create(
                kind=AllowListEntry.Kind.HASH,
                value=review.prompt_hash,
                defaults={"note": note[:300], "source_request_id": request_id, "created_by": operator},
            )
        audit_record(
            action="guard_false_positive",
            actor=operator,
            target=review,
            metadata={"request_id": request_id, "category": review.top_category},
        )
    return review, entry


def guard_config_reload() -> None:
    """Drop this process's cached policies (e.g. after bulk edits outside the ORM)."""
    guard_config_module.guard_config_bump()
