"""An in-process snapshot of the model registry and tasks, for the gateway's hot path.

Reading models, deployments and tasks from the database on every request would cost several
queries; instead each process keeps an immutable snapshot and reloads it when the registry
version in the shared cache changes (any admin/API/load_models write bumps it), checking the
version at most once per REGISTRY_CHECK_SECONDS. So an operator's change reaches every process
within about a second, and the hot path does no query at all.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache

from guardflow_site.crypto import decrypt_secret

REGISTRY_VERSION_KEY = "proxy:registry:version"
REGISTRY_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class DeploymentEntry:
    id: int
    provider: str
    upstream_model: str
    base_url: str
    api_key_encrypted: str
    api_key_env: str
    api_version: str
    weight: int
    priority: int
    timeout_seconds: float
    options: dict


@dataclass(frozen=True)
class ModelEntry:
    id: int
    name: str
    input_price_per_mtok: Decimal
    output_price_per_mtok: Decimal
    context_window: int
    max_output_tokens: int
    supports_streaming: bool
    supports_tools: bool
    supports_vision: bool
    created: int
    deployments: tuple[DeploymentEntry, ...]


@dataclass(frozen=True)
class TaskEntry:
    id: int
    name: str
    description: str
    allowed_intents: tuple[str, ...]
    is_active: bool
    assigned_to_everyone: bool
    assigned_user_ids: frozenset[int]

    def is_assigned_to(self, user_id: int) -> bool:
        return self.assigned_to_everyone or user_id in self.assigned_user_ids


@dataclass(frozen=True)
class RegistrySnapshot:
    version: str
    models: dict[str, ModelEntry] = field(default_factory=dict)
    tasks: dict[int, TaskEntry] = field(default_factory=dict)


def _deployment_entry(deployment) -> DeploymentEntry:
    return DeploymentEntry(
        id=deployment.id,
        provider=deployment.provider,
        upstream_model=deployment.upstream_model,
        base_url=deployment.base_url,
        api_key_encrypted=deployment.api_key_encrypted,
        api_key_env=deployment.api_key_env,
        api_version=deployment.api_version,
        weight=deployment.weight,
        priority=deployment.priority,
        timeout_seconds=deployment.timeout_seconds,
        options=dict(deployment.options or {}),
    )


def _model_entry(model) -> ModelEntry:
    deployments = tuple(_deployment_entry(d) for d in model.deployments.all() if d.is_enabled)
    return ModelEntry(
        id=model.id,
        name=model.name,
        input_price_per_mtok=model.input_price_per_mtok,
        output_price_per_mtok=model.output_price_per_mtok,
        context_window=model.context_window,
        max_output_tokens=model.max_output_tokens,
        supports_streaming=model.supports_streaming,
        supports_tools=model.supports_tools,
        supports_vision=model.supports_vision,
        created=int(model.created_at.timestamp()),
        deployments=deployments,
    )


def _task_entry(task) -> TaskEntry:
    return TaskEntry(
        id=task.id,
        name=task.name,
        description=task.description,
        allowed_intents=tuple(task.allowed_intents or ()),
        is_active=task.is_active,
        assigned_to_everyone=task.assigned_to_everyone,
        assigned_user_ids=frozenset(user.id for user in task.assigned_users.all()),
    )


def registry_load(version: str) -> RegistrySnapshot:
    from proxy.models import LLMModel, Task

    models = LLMModel.objects.filter(is_enabled=True).prefetch_related("deployments")
    tasks = Task.objects.prefetch_related("assigned_users")
    snapshot = RegistrySnapshot(
        version=version,
        models={model.name: _model_entry(model) for model in models},
        tasks={task.id: _task_entry(task) for task in tasks},
    )
    _import_providers(snapshot)
    return snapshot


def _import_providers(snapshot: RegistrySnapshot) -> None:
    """Import the vendor SDKs the registry uses now (1-4 s each, once), off the request path:
    this runs where the snapshot is loaded, not on the first model call."""
    from proxy.providers import get_provider

    for provider in {d.provider for m in snapshot.models.values() for d in m.deployments}:
        get_provider(provider)


def registry_bump_version() -> None:
    """Tell every process to reload its snapshot (call after any registry write, on commit)."""
    cache.set(REGISTRY_VERSION_KEY, str(time.time_ns()), timeout=None)


def _cache_is_process_local() -> bool:
    return settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def registry_db_fingerprint() -> str:
    """Changes whenever a model, deployment, task or task assignment is added, edited or removed."""
    from django.db.models import Count, Max

    from proxy.models import Deployment, LLMModel, Task

    parts = [
        queryset.aggregate(n=Count("pk"), last=Max(field))
        for queryset, field in (
            (LLMModel.objects.all(), "updated_at"),
            (Deployment.objects.all(), "updated_at"),
            (Task.objects.all(), "updated_at"),
            (Task.assigned_users.through.objects.all(), "pk"),
        )
    ]
    return "|".join(f"{part['n']}@{part['last']}" for part in parts)


class _SnapshotHolder:
    def __init__(self) -> None:
        self.snapshot: RegistrySnapshot | None = None
        self.checked_at = 0.0
        self.lock = threading.Lock()

    def current_version(self) -> str:
        version = cache.get(REGISTRY_VERSION_KEY)
        if version is None:
            version = str(time.time_ns())
            cache.add(REGISTRY_VERSION_KEY, version, timeout=None)
            version = cache.get(REGISTRY_VERSION_KEY, version)
        if _cache_is_process_local():
            # Embedded default: a version bumped by another process (manage.py load_models, the
            # Celery worker) lands in that process's own cache, so also watch the tables.
            version = f"{version}:{registry_db_fingerprint()}"
        return version

    def get(self) -> RegistrySnapshot:
        now = time.monotonic()
        snapshot = self.snapshot
        if snapshot is not None and now - self.checked_at < REGISTRY_CHECK_SECONDS:
            return snapshot
        with self.lock:
            version = self.current_version()
            if self.snapshot is None or self.snapshot.version != version:
                self.snapshot = registry_load(version)
            self.checked_at = time.monotonic()
            return self.snapshot

    def is_fresh(self) -> bool:
        return self.snapshot is not None and time.monotonic() - self.checked_at < REGISTRY_CHECK_SECONDS

    def clear(self) -> None:
        with self.lock:
            self.snapshot = None
            self.checked_at = 0.0


_holder = _SnapshotHolder()


def registry_snapshot() -> RegistrySnapshot:
    return _holder.get()


async def aregistry_snapshot() -> RegistrySnapshot:
    """The snapshot from async code: free when fresh, one thread hop when it must be checked."""
    if _holder.is_fresh():
        return _holder.snapshot
    return await sync_to_async(_holder.get, thread_sensitive=False)()


def registry_reset() -> None:
    """Forget the snapshot (tests)."""
    _holder.clear()


def deployment_api_key(entry: DeploymentEntry) -> str:
    """The clear credential, only at call time: from its env var or decrypted from storage."""
    import os

    if entry.api_key_env:
        return os.environ.get(entry.api_key_env, "")
    return decrypt_secret(entry.api_key_encrypted)
