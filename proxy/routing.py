"""Which deployment serves a request, in which order to fall back, and which to avoid for now.

Order: by priority (lower first); within one priority, a weighted random order so traffic is
split by weight. A deployment that just failed with a retryable error is skipped for a short
cool-down (a small per-process circuit breaker) unless nothing else is left.
"""

import random
import time
from collections.abc import Sequence
from itertools import groupby

from proxy.providers.base import DeploymentTarget
from proxy.registry import DeploymentEntry, deployment_api_key

COOLDOWN_SECONDS = 10.0
FAILURES_TO_TRIP = 3

_failures: dict[int, tuple[int, float]] = {}


def _weighted_order(entries: list[DeploymentEntry], rng: random.Random) -> list[DeploymentEntry]:
    remaining = list(entries)
    ordered: list[DeploymentEntry] = []
    while remaining:
        pick = rng.choices(remaining, weights=[max(e.weight, 0) or 1 for e in remaining])[0]
        ordered.append(pick)
        remaining.remove(pick)
    return ordered


def _is_cooling_down(entry: DeploymentEntry, now: float) -> bool:
    count, until = _failures.get(entry.id, (0, 0.0))
    return count >= FAILURES_TO_TRIP and now < until


def route_order(
    deployments: Sequence[DeploymentEntry], rng: random.Random | None = None
) -> list[DeploymentEntry]:
    """Every enabled deployment, in the order to try them; healthy ones first."""
    rng = rng or random
    now = time.monotonic()
    by_priority = sorted(deployments, key=lambda e: e.priority)
    ordered: list[DeploymentEntry] = []
    for _, group in groupby(by_priority, key=lambda e: e.priority):
        ordered.extend(_weighted_order(list(group), rng))
    healthy = [e for e in ordered if not _is_cooling_down(e, now)]
    return healthy + [e for e in ordered if e not in healthy]


def route_report_failure(entry: DeploymentEntry) -> None:
    count, _ = _failures.get(entry.id, (0, 0.0))
    _failures[entry.id] = (count + 1, time.monotonic() + COOLDOWN_SECONDS)


def route_report_success(entry: DeploymentEntry) -> None:
    _failures.pop(entry.id, None)


# The target of each deployment entry, built once per registry snapshot: decrypting the
# credential (Fernet: HMAC + AES) on every request cost more than the routing itself. A new
# snapshot brings new entries, so a changed credential is picked up with it.
_targets: dict[int, tuple[DeploymentEntry, DeploymentTarget]] = {}


def deployment_target(entry: DeploymentEntry) -> DeploymentTarget:
    cached = _targets.get(entry.id)
    if cached is not None and cached[0] is entry:
        return cached[1]
    target = _target_build(entry)
    _targets[entry.id] = (entry, target)
    return target


def _target_build(entry: DeploymentEntry) -> DeploymentTarget:
    return DeploymentTarget(
        provider=entry.provider,
        upstream_model=entry.upstream_model,
        base_url=entry.base_url,
        api_key=deployment_api_key(entry),
        api_version=entry.api_version,
        timeout_seconds=entry.timeout_seconds,
        options=entry.options,
        deployment_id=entry.id,
    )
