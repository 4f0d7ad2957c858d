"""The guard's live configuration, held in process memory so `guard_screen` does no DB query.

Editing a policy, the allow-list or the settings bumps a version number in the shared Django
cache (Redis in production); each process compares it at most once per
`GUARD_CACHE_CHECK_SECONDS` and reloads from the database when it changed. So every web
instance picks up an operator's edit within about a second.
"""

import hashlib
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "guard:config-version"


@dataclass(frozen=True)
class PolicyRule:
    action: str
    threshold: float


@dataclass(frozen=True)
class GuardConfig:
    version: str
    policies: dict[str, tuple[PolicyRule, ...]] = field(default_factory=dict)
    allow_hashes: frozenset[str] = frozenset()
    allow_patterns: tuple[re.Pattern, ...] = ()
    knobs: dict = field(default_factory=dict)  # GuardSettings values (thresholds, points, decay)


_lock = threading.Lock()
_state: dict = {"config": None, "checked_at": 0.0}


def prompt_hash(text: str) -> str:
    """Case, width and whitespace variants of one prompt share a hash (allow-list key)."""
    normalised = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def guard_config_bump() -> None:
    cache.set(VERSION_KEY, f"{time.time_ns()}", timeout=None)
    _state["checked_at"] = 0.0


def _current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = f"{time.time_ns()}"
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return str(version)


def _compile_patterns(values: list[str]) -> tuple[re.Pattern, ...]:
    compiled = []
    for value in values:
        try:
            compiled.append(re.compile(value, re.IGNORECASE))
        except re.error:
            continue  # validated on save; an old bad row must not break screening
    return tuple(compiled)


def _load(version: str) -> GuardConfig:
    from proxy.guard.models import AllowListEntry, GuardPolicy, GuardSettings

    policies: dict[str, list[PolicyRule]] = {}
    for policy in GuardPolicy.objects.filter(enabled=True).order_by("category", "-threshold"):
        policies.setdefault(policy.category, []).append(PolicyRule(policy.action, policy.threshold))
    entries = list(AllowListEntry.objects.values_list("kind", "value"))
    return GuardConfig(
        version=version,
        policies={key: tuple(rules) for key, rules in policies.items()},
        allow_hashes=frozenset(value for kind, value in entries if kind == AllowListEntry.Kind.HASH),
        allow_patterns=_compile_patterns([value for kind, value in entries if kind == "pattern"]),
        knobs=_knobs(GuardSettings.load()),
    )


def _knobs(row) -> dict:
    return {
        f.name: getattr(row, f.name) for f in row._meta.concrete_fields if f.name not in {"id", "updated_at"}
    }


def guard_config_get() -> GuardConfig:
    """The cached configuration; a cache round-trip at most once per check interval."""
    now = time.monotonic()
    config: GuardConfig | None = _state["config"]
    interval = float(getattr(settings, "GUARD_CACHE_CHECK_SECONDS", 1.0))
    if config is not None and now - _state["checked_at"] < interval:
        return config
    version = _current_version()
    if config is None or config.version != version:
        with _lock:
            config = _load(version)
            _state["config"] = config
    _state["checked_at"] = now
    return config


def guard_config_clear() -> None:
    """Forget the in-memory copy (tests, after direct DB edits)."""
    _state["config"] = None
    _state["checked_at"] = 0.0
